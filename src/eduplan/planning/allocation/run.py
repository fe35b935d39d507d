"""The allocation run over the registry: the city's target split among its counties.

The ``eduplan plan allocate`` command, the allocation page and the scenarios call
:func:`run_allocation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from eduplan.plans.loader import compare, load_plan
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
    #: The indicator's own city value and status for last year (``None`` when it has none).
    city_value: float | None = None
    city_status: str | None = None
    #: True when last year's city value already meets the city target.
    already_met: bool = False

    def rows(self, visible: set[str] | None = None, *, include_city: bool = True) -> list[dict[str, Any]]:
        """One object per county, then the city (``division`` = the city's code). ``visible``
        limits the county rows (a county officer sees their own county only)."""
        rows = self.allocation.records(self.city_code, self.city_name)
        out = []
        for r in rows[:-1]:
            if visible is None or r["division"] in visible:
                out.append({**r, "level": DivisionLevel.COUNTY.value, "basis": self.basis})
        if include_city:
            city = {**rows[-1], "level": DivisionLevel.CITY.value, "basis": self.basis}
            if self.city_value is not None:
                city["last_rate"] = self.city_value
                city["last_status"] = self.city_status
            city["already_met"] = self.already_met
            out.append(city)
        return out


@dataclass(frozen=True)
class IndicatorBaseline:
    """Last year's values of the allocated indicator as ``eduplan indicators`` reports them: the
    rate per county (by code), the city's value and status, the comparison and the upper bound."""

    county_rates: dict[str, float]
    city_value: float | None
    city_status: str | None
    comparison: str
    upper: float | None


def indicator_baseline(year: int, city: str) -> IndicatorBaseline | None:
    """The target indicator's own records for school year ``year`` (``None`` when it has none):
    the allocation starts from the figures the indicator publishes, not from a second computation
    on another population basis (issue 16: the city started at 97.25 while the indicator said 95.0)."""
    from eduplan.metrics.cached import all_indicator_records
    from eduplan.plans.loader import load_plan

    name = defaults().target_indicator
    spec = next((i for i in load_plan().indicators if i.id == name), None)
    if spec is None or spec.target is None:
        return None
    rows = [r for r in all_indicator_records() if r["indicator"] == name and r["year"] == year]
    counties = {
        r["division"]: float(r["value"])
        for r in rows
        if r["level"] == DivisionLevel.COUNTY.value and r["value"] is not None
    }
    city_row = next((r for r in rows if r["division"] == city), None)
    if not counties:
        return None
    return IndicatorBaseline(
        county_rates=counties,
        city_value=None if city_row is None or city_row["value"] is None else float(city_row["value"]),
        city_status=None if city_row is None else city_row.get("status"),
        comparison=spec.target.comparison,
        upper=spec.upper,
    )


def run_allocation(
    year: int,
    *,
    method: str | None = None,
    target: float | None = None,
    user: Any = None,
    city: str | None = None,
    basis: str | None = None,
    keep_last_rate: bool | None = None,
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
    city_code = areas.city_codes[0]
    baseline = indicator_baseline(last_year, city_code)
    upper = None
    if baseline is not None:
        missing = [c for c in areas.codes if c not in baseline.county_rates]
        if missing:
            notes.append(
                f"以下县没有 {last_year} 学年的指标值,上年入园率按登记重算:{', '.join(missing)} / no indicator value "
                f"for {last_year} in these counties; last year's rate recomputed: {', '.join(missing)}"
            )
        last_rate = np.array(
            [baseline.county_rates.get(c, float(r)) for c, r in zip(areas.codes, last_rate, strict=True)]
        )
        spec = next((i for i in load_plan().indicators if i.id == d.target_indicator), None)
        name_zh = f"「{spec.name_zh}」" if spec is not None else d.target_indicator
        name_en = f"“{spec.name_en}”" if spec is not None else d.target_indicator
        notes.append(
            f"上年入园率取自指标{name_zh}的 {last_year} 学年数值;权重为{ri.basis_zh(basis)}口径 3–5 岁人口(假设)"
            f" / last year's rates are the {name_en} values of {last_year}; weights are the {basis} "
            "3–5 population (an assumption)"
        )
        # A rate means at most its bound (100%), unless a county is already above it: then it keeps its rate.
        cap = baseline.upper if baseline.upper is not None else 100.0
        upper = np.maximum(cap, last_rate)
    comparison = baseline.comparison if baseline is not None else ">="
    if keep_last_rate is None:
        keep_last_rate = comparison in (">=", ">")
    seats = supply.seats([last_year, year])
    alloc = allocate(
        city_target,
        last_rate,
        weight,
        seats[0],
        seats[1] - seats[0],
        method=method,
        upper=upper,
        divisions=areas.codes,
        division_names=areas.names,
        year=year,
        settings=AllocationSettings(
            floor_rate=d.floor_rate, keep_last_rate=keep_last_rate, upper_from_seats=upper_from_seats
        ),
    )
    already_met = bool(
        baseline is not None
        and baseline.city_value is not None
        and compare(baseline.city_value, comparison, city_target)
    )
    if already_met and baseline is not None and keep_last_rate and not alloc.feasible and alloc.shortfall < 0:
        # Every county kept at its current rate already gives more than the city target.
        alloc = replace(
            alloc,
            feasible=True,
            message=(
                f"全市 {last_year} 学年已达到目标({baseline.city_value:.4g}% {comparison} {city_target:g}%):各县目标取上年水平,"
                f"不低于现有入园率 / the city already meets its target in {last_year} ({baseline.city_value:.4g}% "
                f"{comparison} {city_target:g}%): every county's target is its current rate, never below it"
            ),
        )
    elif already_met and baseline is not None:
        notes.insert(
            0,
            f"全市 {last_year} 学年已达到目标({baseline.city_value:.4g}% {comparison} {city_target:g}%)/ the city "
            f"already meets its target in {last_year}",
        )
    return AllocationRun(
        allocation=alloc,
        city_code=city_code,
        city_name=areas.city_names[0],
        basis=basis,
        target_source=target_source,
        notes=notes,
        city_value=baseline.city_value if baseline is not None else None,
        city_status=baseline.city_status if baseline is not None else None,
        already_met=already_met,
    )
