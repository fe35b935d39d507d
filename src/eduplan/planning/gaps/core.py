"""Seat demand, gaps and surpluses by county and township, and the plan's layout flags.

A projection (``projection/core.py``) says how many children of kindergarten age (3–5) and high-school
age (15–17) each area will have; this module turns that into seats: children expected in school at
the target gross rate, set against existing and planned seats, year by year. It also raises the two
layout questions the plan asks counties to answer: townships of 20,000 people or more
with fewer than two public kindergartens (鼓励人口规模2万人以上的乡镇建设第二所、第三所公办幼儿园), and
village kindergartens whose children are falling below a viable size, which the plan would fold
into a township central kindergarten's branch (依托乡镇中心幼儿园举办分园 … 动态调整资源).

Pure functions over numpy arrays with areas on the last axis (``(years, areas)``); rates are in
percent (96.0 means 96%), as the plan states them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..errors import PlanningInputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

PERCENT = 100.0

ROUNDING_TOLERANCE = 1e-9
"""Float noise (in children) below which a fraction does not become one more seat when rounding."""


def _array(values: Any, name: str, ndim: Sequence[int]) -> FloatArray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim not in ndim:
        expected = " or ".join(str(n) for n in ndim)
        raise PlanningInputError(
            f"{name}: 维数为 {arr.ndim},应为 {expected} / has {arr.ndim} dimensions, expected {expected}"
        )
    if not np.all(np.isfinite(arr)):
        raise PlanningInputError(f"{name}: 含有缺失或无穷值 / contains missing or infinite values")
    if np.any(arr < 0):
        where = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise PlanningInputError(f"{name}: 位置 {where} 为负数 / negative value at index {where}")
    return arr


def _index(values: Any, n_items: int, n_parents: int, name: str) -> IntArray:
    idx = np.asarray(values)
    if idx.shape != (n_items,) or not np.issubdtype(idx.dtype, np.integer):
        raise PlanningInputError(
            f"{name}: 应为 {n_items} 个整数序号 / must be {n_items} integer indices, got shape {idx.shape}"
        )
    if n_items and (idx.min() < 0 or idx.max() >= n_parents):
        raise PlanningInputError(
            f"{name}: 序号须在 0 至 {n_parents - 1} 之间 / indices must lie between 0 and {n_parents - 1}"
        )
    return idx.astype(np.int64)


def expected_children(population: Any, rate: Any) -> FloatArray:
    """Children expected in school: the age-band population times the target gross rate (percent).

    ``population`` is ``(years, areas)`` (e.g. ``Projection.band(KINDERGARTEN_AGES)``); ``rate`` a
    number or anything broadcasting to it (a rate per year, per area, or both). The gross rate may
    exceed 100% (its numerator ignores age), so no upper limit is imposed.
    """
    pop = _array(population, "population / 人口", (1, 2))
    r = _array(rate, "target rate / 目标入学率", (0, 1, 2))
    try:
        return pop * r / PERCENT
    except ValueError:
        raise PlanningInputError(
            f"目标率形状 {r.shape} 与人口 {pop.shape} 不符 / rate shape {r.shape} does not fit population {pop.shape}"
        ) from None


def sum_by_parent(values: Any, parent_of: Any, n_parents: int) -> FloatArray:
    """Add township values (last axis) up to their county: ``(..., townships) -> (..., counties)``."""
    arr = np.asarray(values, dtype=float)
    idx = _index(parent_of, arr.shape[-1], n_parents, "parent_of / 上级序号")
    membership = sparse.csr_matrix(
        (np.ones(idx.size), (np.arange(idx.size), idx)), shape=(idx.size, n_parents)
    )
    flat = arr.reshape(-1, idx.size)
    return np.asarray(flat @ membership).reshape((*arr.shape[:-1], n_parents))


@dataclass(frozen=True)
class SeatBalance:
    """Demand against seats, by year (rows) and area (columns).

    ``balance = seats − demand`` (negative: short of seats). ``gap`` is the whole seats missing
    (rounded up: 0.2 of a child still needs a seat), ``surplus`` the whole seats left over (rounded
    down). ``within_gap`` is set on a county balance built from townships by :meth:`by_parent`: the
    sum of its townships' gaps, which surpluses elsewhere in the county cannot fill unless children
    travel — the county total alone hides it.
    """

    years: IntArray
    demand: FloatArray
    seats: FloatArray
    within_gap: IntArray | None = None

    @property
    def balance(self) -> FloatArray:
        return self.seats - self.demand

    @property
    def gap(self) -> IntArray:
        return np.ceil(np.maximum(-self.balance - ROUNDING_TOLERANCE, 0.0)).astype(np.int64)

    @property
    def surplus(self) -> IntArray:
        return np.floor(np.maximum(self.balance + ROUNDING_TOLERANCE, 0.0)).astype(np.int64)

    def first_gap_year(self) -> list[int | None]:
        """Per area, the first year short of seats (``None`` if never)."""
        short = self.gap > 0
        first = short.argmax(axis=0)
        return [int(self.years[first[j]]) if short[:, j].any() else None for j in range(short.shape[1])]

    def peak_gap(self) -> IntArray:
        """Per area, the largest yearly gap over the horizon (seats to build once, not each year)."""
        return self.gap.max(axis=0) if self.gap.size else np.zeros(self.gap.shape[1], dtype=np.int64)

    def by_parent(self, parent_of: Any, n_parents: int) -> SeatBalance:
        """County balances from township balances, keeping the townships' own gaps visible."""
        return SeatBalance(
            years=self.years,
            demand=sum_by_parent(self.demand, parent_of, n_parents),
            seats=sum_by_parent(self.seats, parent_of, n_parents),
            within_gap=sum_by_parent(self.gap, parent_of, n_parents).astype(np.int64),
        )

    def records(
        self, units: Sequence[str] | None = None, names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """One row per year × area, for JSON, CSV or a table."""
        n = self.demand.shape[1]
        codes = list(units) if units is not None else [str(j) for j in range(n)]
        labels = list(names) if names is not None else [""] * n
        gap, surplus = self.gap, self.surplus
        rows = []
        for i, year in enumerate(self.years):
            for j in range(n):
                row: dict[str, Any] = {
                    "year": int(year),
                    "division": codes[j],
                    "division_name": labels[j],
                    "demand": float(self.demand[i, j]),
                    "seats": float(self.seats[i, j]),
                    "gap": int(gap[i, j]),
                    "surplus": int(surplus[i, j]),
                }
                if self.within_gap is not None:
                    row["within_gap"] = int(self.within_gap[i, j])
                rows.append(row)
        return rows


def seat_balance(
    demand: Any,
    seats: Any,
    *,
    added_seats: Any | None = None,
    years: Sequence[int] | None = None,
) -> SeatBalance:
    """Gap or surplus of seats by year and area.

    ``demand`` is ``(years, areas)`` children expected (:func:`expected_children`); ``seats`` the
    existing seats ``(areas,)`` or seats already known by year ``(years, areas)``; ``added_seats``
    ``(years, areas)`` the seats planned to open in each year, accumulated from the first year on
    (a kindergarten opened in 2026 still stands in 2030). Closures are negative additions.
    """
    d = _array(demand, "demand / 需求", (2,))
    s = _array(seats, "seats / 学位", (1, 2))
    try:
        total = np.broadcast_to(s, d.shape).astype(float)
    except ValueError:
        raise PlanningInputError(
            f"学位形状 {s.shape} 与需求 {d.shape} 不符 / seats shape {s.shape} does not fit demand {d.shape}"
        ) from None
    if added_seats is not None:
        added = np.asarray(added_seats, dtype=float)
        if added.shape != d.shape or not np.all(np.isfinite(added)):
            raise PlanningInputError(
                f"新增学位应为 {d.shape} 的有限数 / added seats must be finite and shaped {d.shape}, got {added.shape}"
            )
        total = total + np.cumsum(added, axis=0)
        if np.any(total < 0):
            raise PlanningInputError("减少的学位多于现有学位 / more seats closed than exist")
    yrs = np.asarray(years if years is not None else np.arange(d.shape[0]), dtype=np.int64)
    if yrs.shape != (d.shape[0],):
        raise PlanningInputError(
            f"年份有 {yrs.size} 个,需求有 {d.shape[0]} 年 / {yrs.size} years given for {d.shape[0]} years of demand"
        )
    return SeatBalance(years=yrs, demand=d, seats=total)


# --------------------------------------------------------------------------------- layout flags


@dataclass(frozen=True)
class TownshipProvisionSettings:
    """The plan encourages townships of 20,000 people or more (人口规模2万人以上, "以上" includes the
    bound) to build a second and third public kindergarten; those with fewer than two are flagged."""

    min_population: float = 20_000
    min_public_kindergartens: int = 2


@dataclass(frozen=True)
class TownshipFlags:
    """Townships short of public kindergartens: index, population, public count, how many missing."""

    index: IntArray
    population: FloatArray
    public_kindergartens: IntArray
    missing: IntArray

    def records(
        self, units: Sequence[str] | None = None, names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        return [
            {
                "division": units[i] if units is not None else str(i),
                "division_name": names[i] if names is not None else "",
                "population": float(self.population[k]),
                "public_kindergartens": int(self.public_kindergartens[k]),
                "missing": int(self.missing[k]),
            }
            for k, i in enumerate(self.index.tolist())
        ]


def townships_short_of_public_kindergartens(
    population: Any,
    public_kindergartens: Any,
    settings: TownshipProvisionSettings | None = None,
) -> TownshipFlags:
    """Flag townships with at least ``min_population`` people and fewer than
    ``min_public_kindergartens`` public kindergartens.

    ``population`` is each township's total population (all ages), ``public_kindergartens`` its
    count of public kindergartens (branches of the central kindergarten counted as the adapter
    decides — say so in the report).
    """
    cfg = settings or TownshipProvisionSettings()
    pop = _array(population, "township population / 乡镇人口", (1,))
    count = _array(public_kindergartens, "public kindergartens / 公办园数", (1,))
    if pop.shape != count.shape:
        raise PlanningInputError(
            f"人口 {pop.shape} 与公办园数 {count.shape} 长度不同 / population {pop.shape} and counts "
            f"{count.shape} differ in length"
        )
    flagged = np.flatnonzero((pop >= cfg.min_population) & (count < cfg.min_public_kindergartens))
    have = count[flagged].astype(np.int64)
    return TownshipFlags(
        index=flagged.astype(np.int64),
        population=pop[flagged],
        public_kindergartens=have,
        missing=cfg.min_public_kindergartens - have,
    )


@dataclass(frozen=True)
class ViabilitySettings:
    """When a village kindergarten becomes a candidate for merging into a central kindergarten's
    branch (依托乡镇中心幼儿园举办分园 … 动态调整资源).

    ASSUMPTION — the plan gives no number. ``min_children = 10`` (about a third of one mixed-age
    class of 30, 幼儿园工作规程 art. 11) is a placeholder for the county to set. A kindergarten is
    flagged only if its projected children stay below the threshold from some year to the end of
    the horizon, for at least ``min_years_below`` years, so a one-year dip does not close it.
    """

    min_children: float = 10.0
    min_years_below: int = 2


def project_institution_children(current: Any, area_population: Any, area_of: Any) -> FloatArray:
    """Children of each kindergarten by year, assuming it keeps its share of its area's children.

    ``current`` ``(kindergartens,)`` is this year's enrolment, ``area_population`` ``(years, areas)``
    the projected age-band population with the current year first, ``area_of`` each kindergarten's
    area index. Enrolment moves with the area's population: ``current × P[y] / P[0]``; where the
    area's base population is 0, enrolment is held constant (there is no trend to apply).
    """
    cur = _array(current, "current children / 在园幼儿数", (1,))
    pop = _array(area_population, "area population / 区域人口", (2,))
    idx = _index(area_of, cur.shape[0], pop.shape[1], "area_of / 所属区域序号")
    base = pop[0]
    ratio = np.divide(pop, base, out=np.ones_like(pop), where=base > 0)
    return cur[None, :] * ratio[:, idx]


@dataclass(frozen=True)
class MergeCandidates:
    """Village kindergartens whose children fall and stay below the viable size.

    ``first_year_below``: from this year to the horizon the projection stays below the threshold;
    ``children_then`` and ``children_at_horizon``: projected children in that year and the last.
    ``area``: the township index (whose central kindergarten would run the branch), if given.
    """

    index: IntArray
    first_year_below: IntArray
    children_then: FloatArray
    children_at_horizon: FloatArray
    area: IntArray | None

    def records(self, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
        return [
            {
                "kindergarten": names[i] if names is not None else str(i),
                "area": int(self.area[k]) if self.area is not None else None,
                "first_year_below": int(self.first_year_below[k]),
                "children_then": float(self.children_then[k]),
                "children_at_horizon": float(self.children_at_horizon[k]),
            }
            for k, i in enumerate(self.index.tolist())
        ]


def merge_candidates(
    projected_children: Any,
    years: Sequence[int],
    settings: ViabilitySettings | None = None,
    *,
    area_of: Any | None = None,
) -> MergeCandidates:
    """Flag village kindergartens whose projected children fall below ``min_children`` and stay
    there to the end of the horizon for at least ``min_years_below`` years (fewer if the horizon is
    shorter). ``projected_children`` is ``(years, kindergartens)``, e.g. from
    :func:`project_institution_children`.
    """
    cfg = settings or ViabilitySettings()
    kids = _array(projected_children, "projected children / 预测幼儿数", (2,))
    yrs = np.asarray(years, dtype=np.int64)
    n_years = kids.shape[0]
    if yrs.shape != (n_years,) or n_years == 0:
        raise PlanningInputError(
            f"年份有 {yrs.size} 个,预测有 {n_years} 年 / {yrs.size} years given for {n_years} projected years"
        )
    below = kids < cfg.min_children
    stays_below = np.flip(np.logical_and.accumulate(np.flip(below, axis=0), axis=0), axis=0)
    run = stays_below.sum(axis=0)
    needed = max(1, min(cfg.min_years_below, n_years))
    flagged = np.flatnonzero(run >= needed)
    first = n_years - run[flagged]
    area = None
    if area_of is not None:
        idx = np.asarray(area_of, dtype=np.int64)
        if idx.shape != (kids.shape[1],):
            raise PlanningInputError(
                f"area_of 应有 {kids.shape[1]} 个序号 / area_of must have {kids.shape[1]} indices"
            )
        area = idx[flagged]
    return MergeCandidates(
        index=flagged.astype(np.int64),
        first_year_below=yrs[first],
        children_then=kids[first, flagged],
        children_at_horizon=kids[-1, flagged],
        area=area,
    )
