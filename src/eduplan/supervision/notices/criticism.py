"""The stated rule by which counties are criticised in a notice (通报批评, ): a pure
function of indicator records and reporting timeliness, configured in ``[notice] criticise_*``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eduplan.plans import standards

from .text import HIGHER_IS_BETTER, LOWER_IS_BETTER, STATUS_LABELS


def _worse(value: float, reference: float, comparison: str) -> bool:
    if comparison in HIGHER_IS_BETTER:
        return value < reference
    if comparison in LOWER_IS_BETTER:
        return value > reference
    return False


def criticism_rule_text() -> str:
    statuses = "、".join(STATUS_LABELS.get(s, s) for s in standards.value("notice", "criticise_statuses"))
    n = int(standards.value("notice", "criticise_min_indicators"))
    text = f"有{n}项及以上目标指标{statuses}且差于全市平均水平"
    if standards.value("notice", "criticise_late_report"):
        text += ",或未按期报送月报"
    return text


def city_references(
    records: Sequence[Mapping[str, Any]], *, city_code: str, county_codes: Iterable[str]
) -> dict[str, float]:
    """The city average each county is compared with, per indicator: the city's own value for a
    ratio (it is the weighted average of its counties), the mean of the counties for a count (the
    city's value is their sum)."""
    codes = set(county_codes)
    city: dict[str, Mapping[str, Any]] = {}
    counties: dict[str, list[float]] = {}
    for r in records:
        if r.get("value") is None:
            continue
        if r["division"] == city_code:
            city[r["indicator"]] = r
        elif r["division"] in codes:
            counties.setdefault(r["indicator"], []).append(float(r["value"]))
    out = {}
    for indicator in set(city) | set(counties):
        c = city.get(indicator)
        if c is not None and c.get("denominator") is not None:
            out[indicator] = float(c["value"])
        elif counties.get(indicator):
            out[indicator] = sum(counties[indicator]) / len(counties[indicator])
    return out


def _named(record: Mapping[str, Any]) -> str:
    """The indicator's name and, when the county is judged against a target the city adopted for
    it, that target: ``学前三年毛入园率(县目标 94.2%（市分解）)``."""
    from eduplan.metrics.progress import ADOPTED, target_label

    name = f"{record.get('name_zh') or record['indicator']}"
    return f"{name}({target_label(record)})" if record.get("target_origin") == ADOPTED else name


def criticised_counties(
    records: Sequence[Mapping[str, Any]],
    timeliness: Sequence[Mapping[str, Any]],
    *,
    city_code: str,
    counties: Sequence[tuple[str, str]],
    statuses: Iterable[str] | None = None,
    min_indicators: int | None = None,
    late_report: bool | None = None,
    exclude: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """The counties criticised for slow progress by the stated rule
    (``[notice] criticise_*``): at least ``min_indicators`` of the county's targets whose status
    is one of ``statuses`` and whose value is worse than the city average
    (:func:`city_references`), or — if ``late_report`` — a monthly report late or missing.
    Indicators in ``exclude`` (targets the plan only encourages) never count."""
    statuses = set(statuses if statuses is not None else standards.value("notice", "criticise_statuses"))
    if min_indicators is None:
        min_indicators = int(standards.value("notice", "criticise_min_indicators"))
    if late_report is None:
        late_report = bool(standards.value("notice", "criticise_late_report"))
    excluded = set(
        exclude if exclude is not None else standards.section("notice").get("criticise_exclude", [])
    )
    reference = city_references(records, city_code=city_code, county_codes=[c for c, _ in counties])
    out = []
    for code, name in counties:
        slow = []
        for r in records:
            if r["division"] != code or r.get("target") is None or r.get("value") is None:
                continue
            ref = reference.get(r["indicator"])
            if (
                r["indicator"] not in excluded
                and r.get("status") in statuses
                and ref is not None
                and _worse(float(r["value"]), ref, r.get("comparison", ">="))
            ):
                slow.append(r)
        reasons = []
        if len(slow) >= max(1, min_indicators):
            reasons.append("目标指标明显滞后且差于全市平均水平:" + "、".join(_named(r) for r in slow))
        row = next((t for t in timeliness if t["county"] == code), None)
        if late_report and row is not None and row.get("timeliness") in ("late", "overdue"):
            reasons.append("月报逾期报送" if row["timeliness"] == "late" else "月报逾期未报送")
        if reasons:
            out.append(
                {
                    "county": code,
                    "county_name": name,
                    "indicators": [r["indicator"] for r in slow],
                    "reasons": reasons,
                }
            )
    return out
