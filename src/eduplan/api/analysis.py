"""Read endpoints for what is computed from the registry: the plan's indicators
(``metrics.indicators.compute_indicators``) and the compliance findings (``rules.catalogue.run_rules``).

Both are limited to the caller's scope: findings are computed with the caller as the user (every
rule reads through ``accounts.scoping.scope``), and only rows about divisions the caller may see are
returned — a county officer gets their county's indicators, not the city's or another county's."""

# No ``from __future__ import annotations`` (see records.py).

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from eduplan.accounts.scoping import scope
from eduplan.registry.models import Division

from .auth import caller
from .schemas import CodeStr, safe_text

router = Router(tags=["analysis 指标与问题"])


R = TypeVar("R", bound=Mapping[str, Any])  # an indicator or finding record


def _visible(user: Any, rows: Sequence[R], key: str = "division") -> list[R]:
    codes = {r.get(key) for r in rows if r.get(key)}
    seen = set(scope(user, Division.objects.filter(code__in=codes)).values_list("code", flat=True))
    return [r for r in rows if r.get(key) in seen]


def _page(rows: Sequence[Mapping[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {"count": len(rows), "limit": limit, "offset": offset, "items": rows[offset : offset + limit]}


class AnalysisFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2100, description="学年 school year (starting year)")
    county: CodeStr | None = Field(None, description="县或市代码 county or city code")  # type: ignore[valid-type]
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**9)


class IndicatorFilters(AnalysisFilters):
    indicator: safe_text(64) | None = Field(None, description="指标名 indicator name")  # type: ignore[valid-type]


class FindingFilters(AnalysisFilters):
    rule: safe_text(40) | None = Field(None, description="规则编号 rule id")  # type: ignore[valid-type]
    severity: Literal["high", "medium", "low", "info", "medium+", "low+", "info+"] | None = None


class IndicatorOut(Schema):
    """One indicator for one division and school year; further fields (trend, forecast, lead
    department…) are passed through as the metrics module gives them."""

    model_config = ConfigDict(extra="allow")
    indicator: str
    name_zh: str | None = None
    name_en: str | None = None
    division: str
    division_name: str | None = None
    level: str | None = None
    year: int | None = None
    value: float | None = None
    unit: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    status: str | None = None
    target_origin: str | None = None  # plan, adopted (a county target of record) or none
    adopted_by: str | None = None
    adopted_at: str | None = None
    scenario: str | None = None


class FindingOut(Schema):
    rule: str
    clause: str
    severity: str
    entity_type: str
    entity_code: str
    entity_name: str
    division: str
    division_name: str
    message_zh: str
    message_en: str
    measured: Any = None
    required: Any = None
    standard: str = ""
    subject: str = ""
    school_year: int | None = None
    kind: str
    details: dict[str, Any] = {}


class IndicatorPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IndicatorOut]


class FindingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FindingOut]


def _check_area(user: Any, county: str | None) -> None:
    if county and not scope(user, Division.objects.filter(code=county)).exists():
        raise HttpError(404, "没有这个区划,或您无权查看 / no such division in your scope")


@router.get("/indicators", response=IndicatorPage, operation_id="list_indicators")
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    """计划指标 the plan's indicators for the divisions the caller may see."""
    from eduplan.metrics.indicators import compute_indicators

    _check_area(caller(request), filters.county)
    rows = compute_indicators(year=filters.year, county=filters.county)
    if filters.indicator:
        rows = [r for r in rows if r.get("indicator") == filters.indicator]
    return _page(_visible(caller(request), rows), filters.limit, filters.offset)


@router.get("/findings", response=FindingPage, operation_id="list_findings")
def list_findings(request: HttpRequest, filters: Query[FindingFilters]) -> Any:
    """合规问题 the compliance rules' findings within the caller's scope, most urgent first."""
    from eduplan.rules.catalogue import RuleInputError, run_rules
    from eduplan.rules.findings import parse_severities

    _check_area(caller(request), filters.county)
    try:
        findings = run_rules(
            year=filters.year,
            county=filters.county,
            rule_ids=[filters.rule] if filters.rule else None,
            user=caller(request),
            severities=parse_severities(filters.severity),
        )
    except RuleInputError as exc:
        raise HttpError(422, str(exc)) from exc
    return _page(_visible(caller(request), [f.as_dict() for f in findings]), filters.limit, filters.offset)
