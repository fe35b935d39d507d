"""Service zones over the years: which kindergartens empty out and where seats run short.

The plan asks counties to plan the layout "from births and pupil flows" and to adjust village
kindergartens as births fall. A siting answer for one year says where each village's children go;
this module holds those service zones (服务区) fixed and follows the children living in each zone
through the projected years, so a county sees which kindergartens empty out by the horizon and
which zones will have more children than seats.

Pure numpy, like the solvers: :class:`YearlyInstance` is an :class:`~.instance.Instance` that also
carries children by year for every demand point (and names for display); the registry adapter
(``eduplan.planning.siting_registry``) builds one from the projections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .instance import Instance, SitingInputError
from .problem import SEAT_TOL

#: Flag values of a zone; the labels are what tables and pages show.
EMPTIES_OUT = "empties_out"
NEEDS_SEATS = "needs_seats"
FLAG_LABELS = {
    EMPTIES_OUT: "生源萎缩 empties out",
    NEEDS_SEATS: "学位不足 needs seats",
}
#: Pseudo site id of the row holding the children that got no seat.
NO_SEAT = "—"


@dataclass(frozen=True)
class TrendSettings:
    """When a zone is flagged (defaults in ``plan/standards.toml`` ``[siting]``).

    empty_utilisation
        A kindergarten "empties out" when the children of its zone fall below this share of its
        seats in the last year of the report and stay below from some year on. ASSUMPTION: the
        plan gives no number; 0.5 (half the seats idle) is a placeholder each county sets.
    full_utilisation
        A zone "needs seats" in a year when its children exceed this share of the kindergarten's
        seats (1.0: more children than seats).
    """

    empty_utilisation: float = 0.5
    full_utilisation: float = 1.0


@dataclass(frozen=True)
class YearlyInstance(Instance):
    """An instance for one ``year`` plus the children of every demand point in each of ``years``.

    ``children_by_year`` is ``(len(years), n)``; ``children`` (the solvers' weights) is its row for
    ``year``. ``demand_info`` and ``site_info`` map ids to display fields (name, coordinates, kind …)
    and stay valid when the solver keeps a subset of the sites.
    """

    year: int = 0
    years: tuple[int, ...] = ()
    children_by_year: np.ndarray | None = None
    base_year: int | None = None
    area_code: str = ""
    area_name: str = ""
    scenario: str | None = None
    births: str = ""
    basis: str = ""
    demand_info: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    site_info: Mapping[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.children_by_year is not None and self.children_by_year.shape != (len(self.years), self.n):
            raise SitingInputError(
                f"逐年儿童数应为 {len(self.years)} × {self.n} / children by year must be years × demand points, "
                f"got {self.children_by_year.shape}"
            )


@dataclass(frozen=True)
class ZoneTrends:
    """Children of each zone by year (``children`` is ``(years, zones)``) and the zones' flags.

    ``first_short``: first year with more children than ``full_utilisation`` × seats (``None``:
    never); ``max_shortfall``: most children above the seats in any year; ``first_empty``: the year
    from which the zone stays below ``empty_utilisation`` × seats to the last year (``None``: it
    does not empty out); ``unseated`` the children of the points without a seat, by year. Flags
    judge the years from ``from_year`` on.
    """

    years: tuple[int, ...]
    site_ids: tuple[str, ...]
    seats: np.ndarray
    children: np.ndarray
    first_short: list[int | None]
    max_shortfall: np.ndarray
    first_empty: list[int | None]
    unseated: np.ndarray
    from_year: int | None = None

    def flags(self, k: int) -> list[str]:
        out = []
        if self.first_empty[k] is not None:
            out.append(EMPTIES_OUT)
        if self.first_short[k] is not None:
            out.append(NEEDS_SEATS)
        return out


def zone_trends(
    site_ids: tuple[str, ...],
    seats: np.ndarray,
    assign: np.ndarray,
    children_by_year: np.ndarray,
    years: tuple[int, ...],
    settings: TrendSettings | None = None,
    *,
    from_year: int | None = None,
) -> ZoneTrends:
    """Hold each demand point in the zone of ``assign`` (site index, ``-1`` = no seat) and sum its
    children per year; flag the zones against their seats (:class:`TrendSettings`) in the years
    from ``from_year`` on — the year the zones were drawn for: earlier years are shown, not judged."""
    cfg = settings or TrendSettings()
    kids = np.asarray(children_by_year, dtype=float)
    cap = np.asarray(seats, dtype=float)
    idx = np.asarray(assign, dtype=np.int64)
    m = len(site_ids)
    per_zone = np.zeros((kids.shape[0], m))
    seated = idx >= 0
    for t in range(kids.shape[0]):
        per_zone[t] = np.bincount(idx[seated], weights=kids[t, seated], minlength=m)
    unseated = kids[:, ~seated].sum(axis=1)
    judged = np.array([from_year is None or y >= from_year for y in years], dtype=bool)[:, None]
    short = (per_zone > cfg.full_utilisation * cap[None, :] + SEAT_TOL) & judged
    first_short = [int(years[int(np.argmax(short[:, k]))]) if short[:, k].any() else None for k in range(m)]
    below = (per_zone < cfg.empty_utilisation * cap[None, :] - SEAT_TOL) & judged
    stays = np.flip(np.logical_and.accumulate(np.flip(below, axis=0), axis=0), axis=0)
    run = stays.sum(axis=0)
    first_empty = [int(years[len(years) - int(r)]) if r > 0 else None for r in run]
    over = np.where(judged, np.clip(per_zone - cap[None, :], 0.0, None), 0.0)
    return ZoneTrends(
        years=tuple(int(y) for y in years),
        site_ids=tuple(site_ids),
        seats=cap,
        children=per_zone,
        first_short=first_short,
        max_shortfall=over.max(axis=0) if len(years) else np.zeros(m),
        first_empty=first_empty,
        unseated=unseated,
        from_year=from_year,
    )


def result_trends(instance: YearlyInstance, result: Any, settings: TrendSettings | None = None) -> ZoneTrends:
    """The trends of the open sites of a :class:`~.solve.SitingResult` on ``instance``."""
    if instance.children_by_year is None:
        raise SitingInputError("此实例没有逐年儿童数 / this instance has no children by year")
    position = {sid: j for j, sid in enumerate(instance.site_ids)}
    opened = [position[s] for s in result.open_sites]
    local = {instance.site_ids[j]: k for k, j in enumerate(opened)}
    assign = np.array(
        [local.get(result.assignment.get(d, ""), -1) for d in instance.demand_ids], dtype=np.int64
    )
    return zone_trends(
        tuple(instance.site_ids[j] for j in opened),
        instance.capacity[opened],
        assign,
        instance.children_by_year,
        instance.years,
        settings,
        from_year=instance.year,
    )


def trend_records(instance: YearlyInstance, trends: ZoneTrends) -> list[dict[str, Any]]:
    """One record per zone (and one for children without a seat, if any): children by year as a
    ``{year: children}`` mapping, seats, flags — the JSON contract of ``trends``."""
    rows: list[dict[str, Any]] = []
    last = len(trends.years) - 1
    for k, sid in enumerate(trends.site_ids):
        info = instance.site_info.get(sid, {})
        seats = float(trends.seats[k])
        kids = trends.children[:, k]
        rows.append(
            {
                "site_id": sid,
                "name": info.get("name", sid),
                "existing": bool(info.get("existing", True)),
                "seats": round(seats, 3),
                "children": {str(y): round(float(v), 1) for y, v in zip(trends.years, kids, strict=True)},
                "utilisation_end": round(float(kids[last]) / seats, 3) if seats > 0 and last >= 0 else None,
                "flags": trends.flags(k),
                "first_year_short": trends.first_short[k],
                "max_shortfall": round(float(trends.max_shortfall[k]), 1),
                "empty_from": trends.first_empty[k],
            }
        )
    judged = [t for t, y in enumerate(trends.years) if trends.from_year is None or y >= trends.from_year]
    if trends.unseated[judged].any():
        first = next(t for t in judged if trends.unseated[t] > 0)
        rows.append(
            {
                "site_id": NO_SEAT,
                "name": "未分到学位 no seat",
                "existing": False,
                "seats": 0.0,
                "children": {
                    str(y): round(float(v), 1) for y, v in zip(trends.years, trends.unseated, strict=True)
                },
                "utilisation_end": None,
                "flags": [NEEDS_SEATS],
                "first_year_short": trends.years[first],
                "max_shortfall": round(float(trends.unseated[judged].max()), 1),
                "empty_from": None,
            }
        )
    return rows


def flat_trend_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with one column per year (``children_2026`` …) and readable flags, for tables,
    CSV and spreadsheets."""
    out = []
    for r in records:
        row = {k: v for k, v in r.items() if k not in ("children", "flags")}
        for year, v in r["children"].items():
            row[f"children_{year}"] = v
        row["flags"] = "; ".join(FLAG_LABELS[f] for f in r["flags"])
        out.append(row)
    return out
