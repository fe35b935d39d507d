"""What a monthly notice prints (:class:`NoticeData`), as a plain record the renderers read, and
the figures derived from it alone (the chart's series)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from eduplan.plans import standards


class NoticeError(ValueError):
    """A notice that cannot be produced as asked; the message says what to do."""


@dataclass
class NoticeData:
    """Everything printed in a monthly notice. ``records`` are indicator records (the metrics
    engine's shape) for the counties and the city, one school year; ``units`` maps indicator id to
    its unit (``%``, ``所`` …)."""

    period: dt.date
    as_of: dt.date
    issued_on: dt.date
    city_code: str
    city_name: str
    issuer: str
    number: str
    title: str
    addressee: str
    counties: list[tuple[str, str]]
    records: list[dict[str, Any]]
    units: dict[str, str] = field(default_factory=dict)
    timeliness: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    criticised: list[dict[str, Any]] = field(default_factory=list)
    #: Counties the rule would criticise while the rule is an unconfirmed assumption (依据待确认).
    held: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # NOTICE_PARTS, by KEY
    banned: dict[str, dt.date] = field(default_factory=dict)
    rule_text: str = ""
    plan_document: str = ""
    year: int | None = None
    synthetic: bool = False
    draft: bool = True

    def indicators(self) -> list[dict[str, Any]]:
        """The indicators with a target, in the records' order: id, name, unit, target, comparison,
        and ``applies`` — "全市" when only the city is held to the target, "各县" when only each
        county is, "" when both are."""
        seen: dict[str, dict[str, Any]] = {}
        levels: dict[str, set[str]] = {}
        for r in self.records:
            if r.get("target") is None:
                continue
            levels.setdefault(r["indicator"], set()).add(
                "city" if r["division"] == self.city_code else "county"
            )
            if r["indicator"] in seen:
                continue
            seen[r["indicator"]] = {
                "indicator": r["indicator"],
                "name_zh": r.get("name_zh") or r["indicator"],
                "clause": r.get("clause", ""),
                "unit": r.get("unit") or self.units.get(r["indicator"], ""),
                "target": r.get("target"),
                "comparison": r.get("comparison", ">="),
            }
        for key, ind in seen.items():
            at = levels[key]
            ind["applies"] = "" if at == {"city", "county"} else ("全市" if at == {"city"} else "各县")
        return list(seen.values())

    def record(self, division: str, indicator: str) -> dict[str, Any] | None:
        return next(
            (r for r in self.records if r["division"] == division and r["indicator"] == indicator), None
        )


def chart_series(data: NoticeData) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """The chart's categories (counties, then the city) and series (the chart indicators)."""
    wanted = list(standards.value("notice", "chart_indicators"))
    indicators = [
        i for i in data.indicators() if any(data.record(c, i["indicator"]) for c, _ in data.counties)
    ]
    chosen = [i for i in indicators if i["indicator"] in wanted] or indicators[:3]
    categories = [n for _, n in data.counties] + [data.city_name]
    codes = [c for c, _ in data.counties] + [data.city_code]
    series = []
    for ind in chosen:
        values = []
        for code in codes:
            r = data.record(code, ind["indicator"])
            values.append(None if r is None or r.get("value") is None else float(r["value"]))
        series.append((f"{ind['name_zh']}({ind['unit']})" if ind["unit"] else ind["name_zh"], values))
    return categories, series
