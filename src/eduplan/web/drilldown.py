"""Drill-down below the county: an indicator's numerator and denominator by township and by
institution (issue 6: "from any indicator value to its numerator and denominator by township and
institution").

What a user sees is cut by the one scoping function: township sums are shown only to users who see
every institution of the county (city and county officers, viewers); institution-bound users
(principals, supervisors) see only the rows of their own institutions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from eduplan.accounts import permissions
from eduplan.accounts.scoping import scope, visible_county_codes
from eduplan.common.cache import cached
from eduplan.metrics.breakdown import UNASSIGNED, Group, measure_breakdown
from eduplan.metrics.cached import indicator_records_for
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division, Institution

EXPORT_COLUMNS = (
    "township_code",
    "township_name",
    "code",
    "name",
    "numerator",
    "denominator",
    "value",
)
EXPORT_HEADERS = {
    "township_code": "乡镇代码 township code",
    "township_name": "乡镇 township",
    "code": "代码 code",
    "name": "名称 name",
    "numerator": "分子 numerator",
    "denominator": "分母 denominator",
    "value": "数值 value",
}
#: The same header row on an English page.
EXPORT_HEADERS_EN = {key: label.partition(" ")[2] for key, label in EXPORT_HEADERS.items()}


def export_headers(*, english: bool = False) -> dict[str, str]:
    return EXPORT_HEADERS_EN if english else EXPORT_HEADERS


def _indicator(indicator_id: str):
    from eduplan.metrics.indicators import load_catalogue

    return next((i for i in load_catalogue().indicators if i.spec.id == indicator_id), None)


def sees_whole_county(user: Any, county: str) -> bool:
    """Township sums aggregate every institution of a county: only for users who see them all."""
    return permissions.may_see_township_sums(user, county, visible_county_codes(user))


def _groups(indicator_id: str, county: str, year: int, by: str) -> list[Group]:
    ind = _indicator(indicator_id)
    if ind is None:
        return []
    names = sorted(ind.numerator.names() | (ind.denominator.names() if ind.denominator else set()))
    return cached(
        f"breakdown:{indicator_id}:{county}:{year}:{by}",
        lambda: measure_breakdown(names, county, year, by=by),  # type: ignore[arg-type]
    )


def _row(ind: Any, group: Group) -> dict[str, Any]:
    """A group with the indicator's numerator, denominator and value evaluated on its sums."""
    num = ind.numerator.evaluate(group.values)
    den = ind.denominator.evaluate(group.values) if ind.denominator is not None else None
    if ind.denominator is None:
        value = None if num is None else ind.factor * num
    else:
        value = None if num is None or not den else ind.factor * num / den
    return {
        **asdict(group),
        "numerator": _num(num),
        "denominator": _num(den),
        "value": _num(value, 2),
    }


def _num(x: float | None, digits: int = 4) -> float | int | None:
    if x is None:
        return None
    x = round(float(x), digits)
    return int(x) if x.is_integer() else x


_MEETS = {
    ">=": lambda v, t: v >= t,
    ">": lambda v, t: v > t,
    "<=": lambda v, t: v <= t,
    "<": lambda v, t: v < t,
    "==": lambda v, t: v == t,
}


def problems_first(rows: list[dict[str, Any]], record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows that miss the county's target first (worst first), each marked ``behind``; then the
    rest in their order. One non-compliant kindergarten must not hide among 65 rows."""
    meets = _MEETS.get(record.get("comparison") or "")
    target = record.get("target")
    lower_is_better = record.get("comparison") in ("<=", "<")
    for r in rows:
        r["behind"] = (
            meets is not None
            and target is not None
            and r["value"] is not None
            and not meets(r["value"], target)
        )
    behind = sorted((r for r in rows if r["behind"]), key=lambda r: r["value"], reverse=lower_is_better)
    return behind + [r for r in rows if not r["behind"]]


def is_township(code: str) -> bool:
    return Division.objects.filter(code=code, level=DivisionLevel.TOWNSHIP).exists()


def county_of(division: Division) -> Division | None:
    return division.ancestor_at(DivisionLevel.COUNTY)


def drilldown(
    user: Any, indicator_id: str, division: str, year: int, township: str | None = None
) -> dict[str, Any] | None:
    """Rows by township and by institution for ``division`` (a county code), or for one
    ``township`` of it. ``None`` when the indicator or the county is unknown or out of scope."""
    ind = _indicator(indicator_id)
    if ind is None:
        return None
    counties = visible_county_codes(user)
    if counties is not None and division not in counties:
        return None
    record = next(
        (
            r
            for r in indicator_records_for(user)
            if r["indicator"] == indicator_id
            and r["division"] == division
            and r["year"] == year
            and r["level"] == "county"
        ),
        None,
    )
    if record is None:
        return None
    whole = sees_whole_county(user, division)
    if township is not None and not whole:
        return None
    from eduplan.metrics.indicators import load_catalogue

    measures = load_catalogue().measures
    names = ind.numerator.names() | (ind.denominator.names() if ind.denominator else set())
    unknown = sorted(n for n in names if n not in measures)
    population = sorted(n for n in names if n in measures and measures[n].source == "population")
    visible = set(
        scope(user, Institution.objects.filter(county__code=division)).values_list("code", flat=True)
    )
    by_institution = [
        _row(ind, g)
        for g in _groups(indicator_id, division, year, "institution")
        if g.code in visible and (township is None or g.township_code == township)
    ]
    by_township = (
        [
            _row(ind, g)
            for g in _groups(indicator_id, division, year, "township")
            if township is None or g.code == township
        ]
        if whole
        else []
    )
    by_institution = problems_first(by_institution, record)
    by_township = problems_first(by_township, record)
    return {
        "record": record,
        "indicator": indicator_id,
        "county": division,
        "year": year,
        "township": township,
        "township_row": by_township[0] if township is not None and by_township else None,
        "by_township": by_township if township is None else [],
        "by_institution": by_institution,
        "whole_county": whole,
        "not_broken_down": unknown,
        "population_measures": population,
        "chart_json": json.dumps(
            [
                {"name": r["name"], "value": r["value"]}
                for r in (by_township if township is None and by_township else by_institution)
                if r["value"] is not None
            ][:60],
            ensure_ascii=False,
        ),
        "unassigned": UNASSIGNED,
    }


def township_page(user: Any, indicator_id: str, township_code: str, year: int) -> dict[str, Any] | None:
    """The drill-down of one township: its institutions, and its own numerator and denominator."""
    town = Division.objects.filter(code=township_code, level=DivisionLevel.TOWNSHIP).first()
    county = county_of(town) if town is not None else None
    if town is None or county is None:
        return None
    context = drilldown(user, indicator_id, county.code, year, township=town.code)
    if context is not None:
        context["township_name"] = town.name
    return context


def export_rows(context: dict[str, Any], by: str) -> list[dict[str, Any]]:
    """The rows a user sees on the page, for an xlsx or csv file."""
    rows = context["by_township"] if by == "township" else context["by_institution"]
    return [{c: r.get(c) for c in EXPORT_COLUMNS} for r in rows]
