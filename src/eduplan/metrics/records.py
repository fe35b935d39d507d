"""The indicator record: one indicator for one division and school year, as
:func:`eduplan.metrics.indicators.compute_indicators` returns it and pages, notices and
``eduplan indicators`` read it (the JSON contract; ``indicators.FIELDS`` lists the keys in
order, docs/metrics.md describes them)."""

from __future__ import annotations

from typing import Any, TypedDict


class IndicatorRecord(TypedDict):
    indicator: str
    set: str
    group: str
    name_zh: str
    name_en: str
    clause: str
    division: str
    division_name: str
    level: str  # "city" or "county"
    year: int
    value: float | None
    unit: str
    numerator: float | None
    denominator: float | None
    target: Any  # a number, or a bound the comparison reads
    comparison: str | None
    target_scope: str | None
    deadline: Any  # the target's school year or date, as the plan writes it
    met: bool | None
    gap: float | None
    trend: Any
    forecast: float | None
    forecast_year: int | None
    forecast_method: str | None
    status: str | None
    target_source: str | None
    lead: Any
    cooperating: list[Any]
    note: str
