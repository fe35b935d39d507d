"""What the city and county dashboards show: for every target of the plan a card (value, target,
deadline, gap, trend, forecast, status), a county ranking per indicator, and a status map."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from eduplan.metrics.cached import indicator_records_for
from eduplan.metrics.progress import NONE, target_label
from eduplan.rules.cached import findings_for

from .findings import pivot_by_rule_and_county

COMPARISON_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def clause_sort_key(clause: str) -> tuple:
    """PRE before HS, then numerically: before PRE-T10, before PRE-4.10."""
    plan, _, rest = clause.partition("-")
    parts = re.findall(r"\d+|\D+", rest)
    return (plan != "PRE", plan, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


STATUS_ORDER = {"off_track": 0, "at_risk": 1, "no_data": 2, "on_track": 3}
STATUS_LABELS = {
    "on_track": "达标在望 on track",
    "at_risk": "存在风险 at risk",
    "off_track": "进度滞后 off track",
    "no_data": "无数据 no data",
}


def _latest_year(records: list[dict[str, Any]]) -> int | None:
    years = [r["year"] for r in records if r["value"] is not None]
    return max(years) if years else None


def dashboard(user: Any, division: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Cards for ``division`` (default: the city) and rankings of its counties."""
    records = indicator_records_for(user)
    cities = sorted({r["division"] for r in records if r["level"] == "city"})
    division = division or (cities[0] if cities else None)
    mine = [r for r in records if r["division"] == division]
    year = year or _latest_year(mine)
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(mine, key=lambda r: r["year"]):
        series[r["indicator"]].append({"year": r["year"], "value": r["value"]})
    cards = []
    for r in mine:
        if r["year"] != year or (r["target"] is None and r.get("target_origin") != NONE):
            continue
        cards.append(
            {
                **r,
                "series": series[r["indicator"]],
                "series_json": json.dumps(series[r["indicator"]]),
                "status_label": STATUS_LABELS.get(r["status"] or "", ""),
                "symbol": COMPARISON_SYMBOLS.get(r["comparison"] or "", r["comparison"]),
                "target_label": target_label(r),
            }
        )
    cards.sort(key=lambda c: clause_sort_key(c["clause"] or ""))
    level = mine[0]["level"] if mine else "city"
    rankings = _rankings(records, division, year) if level == "city" else []
    return {
        "division": division,
        "division_name": mine[0]["division_name"] if mine else "",
        "level": level,
        "year": year,
        "years": sorted({r["year"] for r in mine}),
        "cards": cards,
        "rankings": rankings,
        "tiles": _tiles(records, year) if level == "city" else [],
        "status_labels": STATUS_LABELS,
        "findings": _findings_pivot(user, division, level),
    }


def _findings_pivot(user: Any, division: str | None, level: str) -> dict[str, Any]:
    rows = findings_for(user)
    if level == "county":
        rows = [f for f in rows if f["division"] == division]
    return pivot_by_rule_and_county(rows)


def _rankings(records: list[dict[str, Any]], city: str | None, year: int | None) -> list[dict[str, Any]]:
    """For each indicator with a value per county: counties ranked, best first."""
    by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["level"] == "county" and r["year"] == year and r["value"] is not None:
            by_indicator[r["indicator"]].append({**r, "target_label": target_label(r)})
    out = []
    for indicator, rows in by_indicator.items():
        lower_is_better = rows[0]["comparison"] in ("<=", "<")
        rows.sort(key=lambda r: (r["value"], r["division"]), reverse=not lower_is_better)
        out.append(
            {
                "indicator": indicator,
                "name_zh": rows[0]["name_zh"],
                "name_en": rows[0]["name_en"],
                "unit": rows[0]["unit"],
                "rows": rows,
            }
        )
    out.sort(key=lambda x: x["indicator"])
    return out


def _tiles(records: list[dict[str, Any]], year: int | None) -> list[dict[str, Any]]:
    """One tile per county, coloured by its worst status among county targets (a cartogram)."""
    per_county: dict[str, dict[str, Any]] = {}
    for r in records:
        if r["level"] != "county" or r["year"] != year or r["status"] is None:
            continue
        tile = per_county.setdefault(
            r["division"], {"division": r["division"], "name": r["division_name"], "counts": defaultdict(int)}
        )
        tile["counts"][r["status"]] += 1
    tiles = []
    for tile in per_county.values():
        counts = dict(tile["counts"])
        worst = min(counts, key=lambda s: STATUS_ORDER.get(s, 9)) if counts else "no_data"
        total = sum(counts.values())
        tiles.append(
            {**tile, "counts": counts, "status": worst, "on_track": counts.get("on_track", 0), "total": total}
        )
    tiles.sort(key=lambda t: t["division"])
    return tiles


def indicator_breakdown(user: Any, indicator: str, division: str, year: int) -> dict[str, Any] | None:
    """An indicator value with its numerator and denominator, and the same for each county below
    it (the city numerator is the sum of the county numerators)."""
    records = indicator_records_for(user)
    own = next(
        (
            r
            for r in records
            if r["indicator"] == indicator and r["division"] == division and r["year"] == year
        ),
        None,
    )
    if own is None:
        return None
    parts = [
        r
        for r in records
        if r["indicator"] == indicator
        and r["year"] == year
        and r["level"] == "county"
        and own["level"] == "city"
    ]
    parts.sort(key=lambda r: r["division"])
    history = sorted(
        (r for r in records if r["indicator"] == indicator and r["division"] == division),
        key=lambda r: r["year"],
    )
    return {"record": own, "parts": parts, "history": history}
