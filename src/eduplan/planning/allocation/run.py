"""The allocation run over the registry: the city's target split among its counties.

The ``eduplan plan allocate`` command, the allocation page and the scenarios call
:func:`run_allocation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eduplan.registry.choices import DivisionLevel

from .. import registry_inputs as ri
from ..defaults import defaults, resolve_target
from ..errors import PlanningInputError
from ..projection.core import (
    KINDERGARTEN_AGES,
    ProjectionSettings,
)
from ..projection.run import project_inputs
from .core import METHODS, Allocation, AllocationSettings, allocate

# ----------------------------------------------------------------------------------- allocation


@dataclass
class AllocationRun:
    """The city's target split among its counties for one school year (精准下达)."""

    allocation: Allocation
    city_code: str
    city_name: str
    basis: str
    target_source: str
    notes: list[str] = field(default_factory=list)

    def rows(self, visible: set[str] | None = None, *, include_city: bool = True) -> list[dict[str, Any]]:
        """One object per county, then the city (``division`` = the city's code). ``visible``
        limits the county rows (a county officer sees their own county only)."""
        rows = self.allocation.records(self.city_code, self.city_name)
        out = []
        for r in rows[:-1]:
            if visible is None or r["division"] in visible:
                out.append({**r, "level": DivisionLevel.COUNTY.value, "basis": self.basis})
        if include_city:
            out.append({**rows[-1], "level": DivisionLevel.CITY.value, "basis": self.basis})
        return out


def run_allocation(
    year: int,
    *,
    method: str | None = None,
    target: float | None = None,
    user: Any = None,
    city: str | None = None,
    basis: str | None = None,
    keep_last_rate: bool = False,
    upper_from_seats: bool = False,
) -> AllocationRun:
    """Split the city target for school year ``year`` among the counties(精准下达).

    Per county, as the clause lists them: last year's rate (children enrolled in school year
    ``year − 1`` over the 3–5 population of ``basis`` on the cut-off day, percent); the registered
    (户籍) 3–5 population of ``year`` as the weight (projected with constant births when the
    registry does not hold that year yet); existing seats (school year ``year − 1``) and the seats
    added in ``year`` (known openings and snapshots, closures negative).
    """
    d = defaults()
    method = method or d.allocation_method
    if method not in METHODS:
        raise PlanningInputError(
            f"未知分解方法 {method!r} / unknown allocation method {method!r}: {', '.join(METHODS)}"
        )
    city_target, target_source = resolve_target(target)
    basis = basis or d.allocation_basis
    areas = ri.load_areas(DivisionLevel.COUNTY, user=user, city=city, on=ri.census_day(year))
    if len(areas.city_codes) > 1:
        raise PlanningInputError(
            f"所选县属于多个市({', '.join(areas.city_codes)}),请用 --city 指定 / the counties belong to several "
            f"cities ({', '.join(areas.city_codes)}): choose one with --city"
        )
    if not areas.city_codes:
        raise PlanningInputError("所选县不属于任何市 / the counties belong to no city in the registry")
    notes: list[str] = []
    inputs = ri.load_population(areas, basis=basis, user=user)
    notes += inputs.notes
    fraction = ri.cutoff_fraction()
    last_year = year - 1
    if not inputs.first_year <= last_year <= inputs.last_year:
        raise PlanningInputError(
            f"计算上年入园率需要 {last_year} 年的{ri.basis_zh(basis)}人口,登记只有 {inputs.first_year}–{inputs.last_year} 年 / "
            f"last year's rate needs the {basis} population of {last_year}; the registry holds "
            f"{inputs.first_year}–{inputs.last_year}"
        )
    last_population = ri.band_on_cutoff(
        inputs.population[inputs.year_index(last_year)], KINDERGARTEN_AGES, fraction
    )
    if year <= inputs.last_year:
        weight = ri.band_on_cutoff(inputs.population[inputs.year_index(year)], KINDERGARTEN_AGES, fraction)
    else:
        proj = project_inputs(
            inputs, ProjectionSettings(end_year=year, births="constant"), with_backtest=False
        ).projection
        weight = ri.band_on_cutoff(proj.population[-1], KINDERGARTEN_AGES, fraction)
        notes.append(
            f"{year} 年{ri.basis_zh(basis)}口径 3–5 岁人口为预测值(出生不变情景)/ the {basis} 3–5 population of {year} is "
            "projected (constant births)"
        )
    supply = ri.load_preschool_supply(areas, user=user)
    notes += supply.notes
    if ri.latest_school_year(user=user, up_to=last_year) != last_year:
        raise PlanningInputError(
            f"没有 {last_year} 学年的在园幼儿数(班级),无法计算上年入园率 / no preschool classes recorded for "
            f"school year {last_year}: last year's rate cannot be computed"
        )
    enrolled = ri.children_enrolled(supply, last_year, user=user)
    last_rate = np.divide(
        enrolled * 100.0, last_population, out=np.zeros_like(enrolled), where=last_population > 0
    )
    empty = [areas.codes[i] for i in np.flatnonzero(last_population <= 0)]
    if empty:
        notes.append(
            f"以下县 {last_year} 年 3–5 岁人口为 0,上年入园率按 0 计:{', '.join(empty)} / these counties have "
            f"no 3–5 population in {last_year}; last year's rate counts as 0: {', '.join(empty)}"
        )
    seats = supply.seats([last_year, year])
    alloc = allocate(
        city_target,
        last_rate,
        weight,
        seats[0],
        seats[1] - seats[0],
        method=method,
        divisions=areas.codes,
        division_names=areas.names,
        year=year,
        settings=AllocationSettings(
            floor_rate=d.floor_rate, keep_last_rate=keep_last_rate, upper_from_seats=upper_from_seats
        ),
    )
    return AllocationRun(
        allocation=alloc,
        city_code=areas.city_codes[0],
        city_name=areas.city_names[0],
        basis=basis,
        target_source=target_source,
        notes=notes,
    )
