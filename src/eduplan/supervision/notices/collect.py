"""Gathering a month's figures from the database and the indicator engine into a
:class:`~.data.NoticeData`: indicator records, reporting timeliness, overdue orders, incidents,
banned counties, the criticised counties and the other apps' parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q

from eduplan.plans import standards
from eduplan.plans.notice import hold_criticism
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division, Institution

from .. import periods
from ..incidents import banned_counties
from ..models import Incident, Notice
from ..rectification import overdue_orders
from ..reports import reporting_status
from .criticism import criticised_counties, criticism_rule_text
from .data import NoticeData, NoticeError
from .parts import notice_parts


def school_year_of(day: dt.date) -> int:
    """The school year (its starting calendar year) a day falls in (``[school_year] start_month``)."""
    try:
        start = int(standards.value("school_year", "start_month"))
    except standards.StandardsError:
        start = 9
    return day.year if day.month >= start else day.year - 1


def indicator_records_for(period: dt.date, *, city: str) -> list[dict[str, Any]]:
    """The indicator engine's target records (``eduplan.metrics.indicators.compute_indicators``,
    set ``targets``) for the city and its counties, for the latest school year with data up to the
    one the month falls in."""
    try:
        from eduplan.metrics.indicators import compute_indicators
    except ImportError as exc:  # pragma: no cover - the engine ships with the metrics app
        raise NoticeError(
            "指标引擎(eduplan.metrics)不可用,请用 --records 提供指标记录 JSON / "
            "the indicator engine (eduplan.metrics) is not available: pass indicator records with --records FILE.json"
        ) from exc
    records: list[dict[str, Any]] = [dict(r) for r in compute_indicators(city=city, sets=["targets"])]
    upto = school_year_of(period)
    years = [r["year"] for r in records if r.get("value") is not None and r["year"] <= upto]
    if not years:
        raise NoticeError(
            f"{upto}学年及以前没有指标数据 / the registry has no indicator data up to school year {upto}"
        )
    latest = max(years)
    return [r for r in records if r["year"] == latest]


def _plan_units_and_document() -> tuple[dict[str, str], str, str]:
    try:
        from eduplan.plans.loader import PlanError, load_plan

        plan = load_plan()
    except (ImportError, PlanError):
        return {}, "", ""
    return {i.id: i.unit for i in plan.indicators}, plan.document, plan.city


def default_city() -> Division:
    """The plan's city, or the only city in the registry."""
    _, _, code = _plan_units_and_document()
    city = Division.objects.filter(code=code, level=DivisionLevel.CITY).first() if code else None
    if city is None:
        cities = list(Division.objects.filter(level=DivisionLevel.CITY)[:2])
        if len(cities) != 1:
            raise NoticeError("请用 --city 指定市级区划代码 / give the city with --city CODE")
        city = cities[0]
    return city


def next_notice_number(city: Division, year: int) -> tuple[int, str]:
    """The next document number of the city's notices in ``year`` (玉教体督〔2025〕3号)."""
    last = Notice.objects.filter(city=city, year=year).order_by("-sequence").first()
    seq = (last.sequence if last else 0) + 1
    prefix = standards.value("notice", "number_prefix")
    return seq, f"{prefix}〔{year}〕{seq}号"


def collect_notice_data(
    period: dt.date,
    *,
    city: Division | None = None,
    records: Sequence[Mapping[str, Any]] | None = None,
    as_of: dt.date | None = None,
    issued_on: dt.date | None = None,
    number: str | None = None,
    draft: bool = True,
) -> NoticeData:
    """Assemble a month's notice: indicator records (from the engine unless given), reporting
    timeliness, overdue orders and incidents as of ``as_of``, and the criticised counties."""
    period = periods.month_start(period)
    city = city or default_city()
    as_of = as_of or dt.date.today()
    units, document, _ = _plan_units_and_document()
    if records is None:
        records = indicator_records_for(period, city=city.code)
    counties = [
        (c.code, c.name)
        for c in Division.objects.counties()
        .filter(city=city, valid_from__lte=periods.month_end(period))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period))
        .order_by("code")
    ]
    wanted = {c for c, _ in counties} | {city.code}
    chosen = [dict(r) for r in records if r.get("division") in wanted]
    years = [r["year"] for r in chosen if r.get("year") is not None and r.get("value") is not None]
    year = max(years) if years else None
    if year is not None:
        chosen = [r for r in chosen if r.get("year") == year]
    timeliness = reporting_status(period, city=city.code, as_of=as_of)
    overdue = [
        {
            "code": o.code,
            "county": o.county.code,
            "county_name": o.county.name,
            "institution": o.institution.name if o.institution else "",
            "finding": o.finding.message_zh,
            "deadline": o.deadline,
            "days_overdue": o.days_overdue(as_of),
            "level": o.level,
            "major_hazard": o.finding.is_major_hazard,
            "responsible": o.responsible_person,
        }
        for o in overdue_orders(None, as_of).filter(county__city=city)
    ]
    incidents = [
        {
            "county": i.county.code,
            "county_name": i.county.name,
            "kind": i.get_kind_display(),
            "occurred_on": i.occurred_on,
            "title": i.title,
        }
        for i in Incident.objects.filter(
            county__city=city,
            withdrawn=False,
            occurred_on__gte=period,
            occurred_on__lte=periods.month_end(period),
        ).select_related("county")
    ]
    banned = {k: v for k, v in banned_counties(as_of).items() if k in wanted}
    if number is None:
        number = next_notice_number(city, (issued_on or as_of).year)[1]
    criticised = criticised_counties(chosen, timeliness, city_code=city.code, counties=counties)
    held, criticised = hold_criticism(criticised)
    synthetic = Institution.objects.filter(county__city=city, synthetic=True).exists() or city.synthetic
    return NoticeData(
        period=period,
        as_of=as_of,
        issued_on=issued_on or as_of,
        city_code=city.code,
        city_name=city.name,
        issuer=f"{city.name}{standards.value('notice', 'issuer_suffix')}",
        number=number,
        title=str(standards.value("notice", "title")).format(month=periods.label_zh(period)),
        addressee=str(standards.value("notice", "addressee")),
        counties=counties,
        records=chosen,
        units=units,
        timeliness=timeliness,
        overdue=overdue,
        criticised=criticised,
        held=held,
        incidents=incidents,
        parts={part.KEY: part.collect(city, as_of, chosen) for part in notice_parts()},
        banned=banned,
        rule_text=criticism_rule_text(),
        plan_document=document,
        year=year,
        synthetic=synthetic,
        draft=draft,
    )
