"""What the city and county dashboards show: for every target of the plan a card (value, target,
deadline, gap, trend, forecast, status), a county ranking per indicator, and a status map."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eduplan.metrics.cached import indicator_records_for
from eduplan.metrics.progress import NONE, target_label
from eduplan.metrics.records import IndicatorRecord
from eduplan.rules.cached import findings_for

from .findings import pivot_by_rule_and_county
from .labels import STATUS_LABELS

COMPARISON_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def clause_sort_key(clause: str) -> tuple:
    """PRE before HS, then numerically: before PRE-T10, before PRE-4.10."""
    plan, _, rest = clause.partition("-")
    parts = re.findall(r"\d+|\D+", rest)
    return (plan != "PRE", plan, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


STATUS_ORDER = {"off_track": 0, "at_risk": 1, "no_data": 2, "on_track": 3}


def _latest_year(records: Sequence[IndicatorRecord]) -> int | None:
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
    cards: list[dict[str, Any]] = []
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
    order = {c["indicator"]: i for i, c in enumerate(cards)}
    rankings = _rankings(records, division, year, order) if level == "city" else []
    grid = county_grid(records, year, order) if level == "city" else None
    return {
        "division": division,
        "division_name": mine[0]["division_name"] if mine else "",
        "level": level,
        "year": year,
        "years": sorted({r["year"] for r in mine}),
        "cards": cards,
        "rankings": rankings,
        "tiles": _tiles(records, year, order) if level == "city" else [],
        "grid": grid,
        "status_labels": STATUS_LABELS,
        "findings": _findings_pivot(user, division, level),
    }


def _findings_pivot(user: Any, division: str | None, level: str) -> dict[str, Any]:
    rows = findings_for(user)
    if level == "county":
        rows = [f for f in rows if f["division"] == division]
    return pivot_by_rule_and_county(rows)


def _rankings(
    records: Sequence[IndicatorRecord], city: str | None, year: int | None, order: dict[str, int]
) -> list[dict[str, Any]]:
    """For each indicator with a value per county: counties ranked, best first; the indicators in
    the order of the city's cards (then by id), so the ranking reads alongside them."""
    by_indicator: dict[str, list[IndicatorRecord]] = defaultdict(list)
    for r in records:
        if r["level"] == "county" and r["year"] == year and r["value"] is not None:
            by_indicator[r["indicator"]].append({**r, "target_label": target_label(r)})  # type: ignore[typeddict-unknown-key]
    out: list[dict[str, Any]] = []
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
    out.sort(key=lambda x: (order.get(x["indicator"], len(order)), x["indicator"]))
    return out


def _tiles(
    records: Sequence[IndicatorRecord], year: int | None, order: dict[str, int]
) -> list[dict[str, Any]]:
    """One tile per county with its count of targets by status (drawn as a bar, not one colour for
    the worst status: nine equally red tiles said nothing) and the lagging targets named."""
    per_county: dict[str, dict[str, Any]] = {}
    for r in records:
        if r["level"] != "county" or r["year"] != year or r["status"] is None:
            continue
        tile = per_county.setdefault(
            r["division"], {"division": r["division"], "name": r["division_name"], "counts": defaultdict(int)}
        )
        tile["counts"][r["status"]] += 1
        if r["status"] == "off_track":
            tile.setdefault("lagging", []).append(r)
    tiles = []
    for tile in per_county.values():
        counts = dict(tile["counts"])
        worst = min(counts, key=lambda s: STATUS_ORDER.get(s, 9)) if counts else "no_data"
        total = sum(counts.values())
        lagging = sorted(tile.pop("lagging", []), key=lambda r: order.get(r["indicator"], len(order)))
        tiles.append(
            {
                **tile,
                "counts": counts,
                "status": worst,
                "on_track": counts.get("on_track", 0),
                "total": total,
                "bar": [
                    {"status": s, "count": counts[s], "percent": round(100 * counts[s] / total, 1)}
                    for s in sorted(counts, key=lambda s: STATUS_ORDER.get(s, 9))
                ],
                "lagging": [
                    {"indicator": r["indicator"], "name_zh": r["name_zh"], "name_en": r["name_en"]}
                    for r in lagging
                ],
            }
        )
    tiles.sort(key=lambda t: t["division"])
    return tiles


@dataclass(frozen=True)
class GridCell:
    """One county's figure for one indicator, as the county × indicator grid shows it."""

    indicator: str
    value: float | None
    target: float | None
    symbol: str
    unit: str
    status: str
    status_label: str
    sort_value: str


@dataclass(frozen=True)
class GridRow:
    division: str
    name: str
    cells: list[GridCell]
    lagging: int


@dataclass(frozen=True)
class GridColumn:
    indicator: str
    name_zh: str
    name_en: str
    clause: str


@dataclass(frozen=True)
class CountyGrid:
    columns: list[GridColumn]
    rows: list[GridRow]


def county_grid(records: Sequence[IndicatorRecord], year: int | None, order: dict[str, int]) -> CountyGrid:
    """Who is behind on what: one row per county, one column per target of the plan (in the order
    of the cards), each cell the county's value, its target and status; counties with the most
    lagging targets first (the page can re-sort by any column)."""
    # a county with no adopted target for a city-wide one still shows its value (未分解目标, no status)
    rows = [
        r
        for r in records
        if r["level"] == "county"
        and r["year"] == year
        and (r["target"] is not None or r.get("target_origin") == NONE)
    ]
    columns: dict[str, GridColumn] = {}
    by_county: dict[str, dict[str, IndicatorRecord]] = defaultdict(dict)
    names: dict[str, str] = {}
    for r in rows:
        columns.setdefault(
            r["indicator"], GridColumn(r["indicator"], r["name_zh"], r["name_en"], r["clause"] or "")
        )
        by_county[r["division"]][r["indicator"]] = r
        names[r["division"]] = r["division_name"]
    ordered = sorted(columns.values(), key=lambda c: (order.get(c.indicator, len(order)), c.indicator))
    out = []
    for code, mine in by_county.items():
        cells = []
        for col in ordered:
            cell: Mapping[str, Any] = mine.get(col.indicator) or {}
            status = cell.get("status") or "no_data"
            value = cell.get("value")
            cells.append(
                GridCell(
                    indicator=col.indicator,
                    value=value,
                    target=cell.get("target"),
                    symbol=COMPARISON_SYMBOLS.get(cell.get("comparison") or "", ""),
                    unit=cell.get("unit") or "",
                    status=status,
                    status_label=STATUS_LABELS.get(status, ""),
                    sort_value="" if value is None else repr(float(value)),
                )
            )
        lagging = sum(1 for c in cells if c.status == "off_track")
        out.append(GridRow(code, names[code], cells, lagging))
    out.sort(key=lambda row: (-row.lagging, row.division))
    return CountyGrid(ordered, out)


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
