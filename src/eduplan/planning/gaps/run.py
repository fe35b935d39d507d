"""The gaps runs over the registry: seats against demand by county and township.

One copy of the computation for both stages: :func:`run_gaps` (preschool, 3–5, by county and
township, with the township and village flags) and :func:`run_high_school_gaps` (15–17, by county,
at the plan's rate). The ``eduplan plan gaps`` command and the seats page call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from eduplan.registry.choices import DivisionLevel

from .. import registry_inputs as ri
from ..defaults import defaults, plan_target
from ..errors import PlanningInputError
from ..projection.core import (
    HIGH_SCHOOL_AGES,
    HIGH_SCHOOL_MAX_AGE,
    KINDERGARTEN_AGES,
    AgeBand,
    FloatArray,
    rake_to_parent,
)
from ..projection.run import ProjectionRun, project_inputs, projection_settings, run_projection
from .core import (
    MergeCandidates,
    SeatBalance,
    TownshipFlags,
    expected_children,
    merge_candidates,
    project_institution_children,
    seat_balance,
    townships_short_of_public_kindergartens,
)

HIGH_SCHOOL_INDICATOR = "high_school_ger"
"""The plan indicator whose city target is the high-school demand rate(≥ 97% in Yuxi's plan)."""

# ----------------------------------------------------------------------------------------- gaps


@dataclass
class GapsRun:
    """Seats against demand for preschool (3–5, on the age cut-off day) by county and township."""

    counties: ProjectionRun
    townships: ProjectionRun | None
    rate: float
    rate_source: str
    county_balance: SeatBalance
    township_balance: SeatBalance | None
    township_flags: TownshipFlags | None
    flags_year: int
    merge: MergeCandidates
    merge_names: list[tuple[str, str]]
    merge_areas: ri.Areas
    notes: list[str] = field(default_factory=list)

    def balance_rows(self, year: int | None = None) -> list[dict[str, Any]]:
        c_areas = self.counties.areas
        rows = []
        for r in self.county_balance.records(c_areas.codes, c_areas.names):
            rows.append({"level": DivisionLevel.COUNTY.value, "county": r["division"], **r})
        if self.township_balance is not None and self.townships is not None:
            t_areas = self.townships.areas
            county_of = [t_areas.county_codes[i] for i in t_areas.county_index]
            for k, r in enumerate(self.township_balance.records(t_areas.codes, t_areas.names)):
                j = k % len(t_areas)
                rows.append({"level": DivisionLevel.TOWNSHIP.value, "county": county_of[j], **r})
        rows = balance_columns(rows, self.rate, self.counties.inputs.last_year, year)
        return sorted(rows, key=lambda r: (r["year"], r["county"], r["level"] != "county", r["division"]))

    def township_flag_rows(self) -> list[dict[str, Any]]:
        if self.township_flags is None or self.townships is None:
            return []
        t = self.townships.areas
        rows = self.township_flags.records(t.codes, t.names)
        for r, i in zip(rows, self.township_flags.index.tolist(), strict=True):
            r["county"] = t.county_codes[t.county_index[i]]
            r["year"] = self.townships.inputs.last_year
            r["school_year"] = self.flags_year
        return rows

    def merge_rows(self) -> list[dict[str, Any]]:
        areas = self.merge_areas
        rows = []
        for k, i in enumerate(self.merge.index.tolist()):
            code, name = self.merge_names[i]
            a = int(self.merge.area[k]) if self.merge.area is not None else 0
            rows.append(
                {
                    "kindergarten": code,
                    "name": name,
                    "division": areas.codes[a],
                    "division_name": areas.names[a],
                    "county": areas.county_codes[areas.county_index[a]],
                    "first_year_below": int(self.merge.first_year_below[k]),
                    "children_then": float(self.merge.children_then[k]),
                    "children_at_horizon": float(self.merge.children_at_horizon[k]),
                }
            )
        return rows

    def all_notes(self) -> list[str]:
        out = [
            f"需求 = {KINDERGARTEN_AGES.label} 岁人口(年龄截止日口径)× {self.rate:g}%({self.rate_source})/ demand = "
            f"the {KINDERGARTEN_AGES.label} population on the age cut-off day × {self.rate:g}% ({self.rate_source})"
        ]
        d = defaults()
        if self.township_flags is not None and not self.township_flags.index.size:
            out.append(
                f"没有人口 {d.township.min_population:,.0f} 以上且公办园少于 {d.township.min_public_kindergartens} 所的"
                f"乡镇 / no township of ≥ {d.township.min_population:,.0f} people has fewer than "
                f"{d.township.min_public_kindergartens} public kindergartens"
            )
        if not self.merge.index.size:
            out.append(
                f"没有幼儿数将持续低于 {d.viability.min_children:g} 人的村级园({len(self.merge_names)} 所村级园)/ no "
                f"village kindergarten stays below {d.viability.min_children:g} children "
                f"({len(self.merge_names)} village kindergartens checked)"
            )
        out += self.counties.all_notes() + self.notes
        if self.townships is not None:
            out += [n for n in self.townships.inputs.notes if n not in out]
        return out


def demand_population(run: ProjectionRun, band: AgeBand = KINDERGARTEN_AGES) -> FloatArray:
    """``(years, areas)`` population of ``band`` on the cut-off day of each school year (observed base)."""
    return ri.band_on_cutoff(run.projection.population, band, ri.cutoff_fraction())


def balance_against(run: ProjectionRun, population: FloatArray, supply: Any, rate: float) -> SeatBalance:
    """Seats of ``supply`` against demand (``population`` × ``rate`` percent) for every year of ``run``:
    the one computation behind both stages, by county or by township."""
    years = run.projection.years.tolist()
    return seat_balance(expected_children(population, rate), supply.seats(years), years=years)


def balance_columns(
    rows: list[dict[str, Any]], rate: float, last_observed: int, year: int | None
) -> list[dict[str, Any]]:
    """Add ``balance`` (seats − demand), ``rate`` and ``observed`` to balance records; keep ``year``'s
    only when one is given."""
    for r in rows:
        r["balance"] = r["seats"] - r["demand"]
        r["rate"] = rate
        r["observed"] = r["year"] <= last_observed
    return [r for r in rows if year is None or r["year"] == year]


def run_gaps(
    *,
    user: Any = None,
    counties: Sequence[str] | None = None,
    rate: float | None = None,
    basis: str | None = None,
    births: str | None = None,
    series: dict[int, float] | None = None,
    end_year: int | None = None,
) -> GapsRun:
    """Preschool seats against demand at ``rate`` (default: the plan's city target) by county and
    township and year; townships of ≥ 20,000 people short of public kindergartens; village
    kindergartens falling below a viable size(thresholds in ``[planning]``)."""
    d = defaults()
    if rate is None:
        rate_value, rate_source = plan_target()
        if rate_value is None:
            rate_value, rate_source = d.default_target_rate, "standards.toml [planning] default_target_rate"
    else:
        rate_value, rate_source = float(rate), "--rate"
    notes: list[str] = []
    county_run = run_projection(
        user=user, counties=counties, basis=basis, births=births, series=series, end_year=end_year
    )
    c_areas = county_run.areas
    years = county_run.projection.years
    c_supply = ri.load_preschool_supply(c_areas, user=user)
    county_balance = balance_against(county_run, demand_population(county_run), c_supply, rate_value)

    township_run: ProjectionRun | None = None
    try:
        t_areas = ri.load_areas(DivisionLevel.TOWNSHIP, user=user, counties=c_areas.codes, on=c_areas.on)
        t_inputs = ri.load_population(
            t_areas, basis=county_run.inputs.basis, user=user, max_age=county_run.settings.max_age
        )
        if not np.array_equal(t_inputs.years, county_run.inputs.years):
            raise PlanningInputError(
                "乡镇与县的人口年份不同 / township and county population cover different years"
            )
        township_run = project_inputs(t_inputs, county_run.settings, series, with_backtest=False)
    except PlanningInputError as exc:
        notes.append(f"没有乡镇层级的结果 / no township-level results: {exc}")

    township_balance = None
    flags = None
    school_year = ri.latest_school_year(user=user) or county_run.inputs.last_year
    if township_run is not None:
        t_areas = township_run.areas
        parent_of = np.array(
            [c_areas.index(t_areas.county_codes[i]) for i in t_areas.county_index], dtype=np.int64
        )
        raked = rake_to_parent(
            township_run.projection.population, county_run.projection.population, parent_of
        )
        township_run.projection = replace(township_run.projection, population=raked)
        t_supply = ri.load_preschool_supply(t_areas, user=user)
        township_balance = balance_against(
            township_run, demand_population(township_run), t_supply, rate_value
        )
        within = township_balance.by_parent(parent_of, len(c_areas)).within_gap
        county_balance = replace(county_balance, within_gap=within)
        flags = townships_short_of_public_kindergartens(
            township_run.inputs.total()[-1], t_supply.public_kindergartens(school_year), d.township
        )
        merge_run, merge_supply = township_run, t_supply
    else:
        merge_run, merge_supply = county_run, c_supply

    villages = [inst for inst in merge_supply.institutions if inst.is_village and inst.counts]
    children = ri.children_by_institution(merge_supply, school_year, user=user)
    villages = [v for v in villages if v.open_on(ri.census_day(school_year))]
    current = np.array([children.get(v.id, 0) for v in villages], dtype=float)
    area_of = np.array([max(v.placement, key=lambda p: p[1])[0] for v in villages], dtype=np.int64)
    band = demand_population(merge_run)
    kids = project_institution_children(current, band, area_of) if villages else np.zeros((len(years), 0))
    merge = merge_candidates(kids, years.tolist(), d.viability, area_of=area_of)
    return GapsRun(
        counties=county_run,
        townships=township_run,
        rate=rate_value,
        rate_source=rate_source,
        county_balance=county_balance,
        township_balance=township_balance,
        township_flags=flags,
        flags_year=school_year,
        merge=merge,
        merge_names=[(v.code, v.name) for v in villages],
        merge_areas=merge_run.areas,
        notes=notes + c_supply.notes,
    )


# ---------------------------------------------------------------------------- high-school stage


def high_school_target() -> tuple[float | None, str, int | None]:
    """The plan file's target for ``high_school_ger``, where it came from, and its deadline year."""
    from eduplan.plans.loader import PlanError, load_plan

    try:
        plan = load_plan()
    except PlanError as exc:
        return None, f"规划文件不可用 / the plan file is not available: {exc}", None
    spec = next((i for i in plan.indicators if i.id == HIGH_SCHOOL_INDICATOR), None)
    if spec is None or spec.target is None:
        return (
            None,
            f"规划文件 {plan.path.name} 中没有指标 {HIGH_SCHOOL_INDICATOR} 的目标 / the plan file "
            f"{plan.path.name} has no target for indicator {HIGH_SCHOOL_INDICATOR}",
            plan.deadline.year,
        )
    return (
        float(spec.target.value),
        f"{plan.path.name}: {HIGH_SCHOOL_INDICATOR} {spec.target.comparison} {spec.target.value:g}% ({spec.clause})",
        spec.target.deadline.year,
    )


@dataclass
class HighSchoolGapsRun:
    """High-school-stage seats against demand (15–17 on the cut-off day × rate) by county and year."""

    counties: ProjectionRun
    rate: float
    rate_source: str
    population: Any  # (years, counties) 15–17 on the cut-off day
    balance: SeatBalance
    notes: list[str] = field(default_factory=list)

    def balance_rows(self, year: int | None = None) -> list[dict[str, Any]]:
        areas = self.counties.areas
        pop = {
            (int(y), code): float(self.population[t, j])
            for t, y in enumerate(self.counties.projection.years.tolist())
            for j, code in enumerate(areas.codes)
        }
        rows = []
        for r in self.balance.records(areas.codes, areas.names):
            row = {"level": DivisionLevel.COUNTY.value, "county": r["division"], **r}
            row["population"] = pop[(int(r["year"]), r["division"])]
            rows.append(row)
        rows = balance_columns(rows, self.rate, self.counties.inputs.last_year, year)
        return sorted(rows, key=lambda r: (r["year"], r["division"]))

    def all_notes(self) -> list[str]:
        out = [
            f"需求 = {HIGH_SCHOOL_AGES.label} 岁人口(年龄截止日口径,由 15–18 岁年末人口算得)× {self.rate:g}%"
            f"({self.rate_source});学位 = 普通高中与中职学校学位 / demand = the {HIGH_SCHOOL_AGES.label} population "
            f"on the age cut-off day (from year-end ages 15–18) × {self.rate:g}% ({self.rate_source}); seats = "
            "general high schools and secondary vocational schools (the gross rate counts both)",
            "高中阶段只按县计算(学校服务全县)/ the high-school stage is computed by county only (schools serve "
            "the whole county)",
        ]
        return out + self.counties.all_notes() + self.notes


def run_high_school_gaps(
    *,
    user: Any = None,
    counties: Sequence[str] | None = None,
    rate: float | None = None,
    basis: str | None = None,
    births: str | None = None,
    series: dict[int, float] | None = None,
    end_year: int | None = None,
) -> HighSchoolGapsRun:
    """High-school-stage seats against demand at ``rate`` (default: the plan's target) by
    county and year, to ``end_year`` (default: the target's deadline year, or the last observed
    year when that is later)."""
    notes: list[str] = []
    target, source, deadline = high_school_target()
    if rate is not None:
        rate_value, rate_source = float(rate), "--rate"
    elif target is not None:
        rate_value, rate_source = target, source
    else:
        raise PlanningInputError(
            f"请用 --rate 给出高中阶段目标毛入学率(百分比):{source} / give the high-school-stage target rate "
            f"with --rate (percent): {source}"
        )
    basis = basis or defaults().projection_basis
    last = ri.latest_population_year(basis=basis, user=user)
    if last is None:
        raise PlanningInputError(
            f"没有{ri.basis_zh(basis)}口径的人口数据 / no {basis} population in the registry (or in your scope)"
        )
    end = end_year or deadline or defaults().end_year
    if end < last:
        notes.append(
            f"规划期限 {end} 年早于最后观测年 {last},只列观测年 / the plan deadline {end} is before the last "
            f"observed year {last}: observed years only"
        )
        end = last
    settings = replace(projection_settings(births, end), max_age=HIGH_SCHOOL_MAX_AGE)
    areas = ri.load_areas(DivisionLevel.COUNTY, user=user, counties=counties, on=ri.year_end(last))
    inputs = ri.load_population(areas, basis=basis, user=user, max_age=HIGH_SCHOOL_MAX_AGE)
    county_run = project_inputs(inputs, settings, series, with_backtest=False)
    population = demand_population(county_run, HIGH_SCHOOL_AGES)
    supply = ri.load_high_school_supply(areas, user=user)
    balance = balance_against(county_run, population, supply, rate_value)
    notes += supply.notes
    if not supply.institutions:
        notes.append("所选县没有高中阶段学校 / the selected counties have no high-school-stage institutions")
    return HighSchoolGapsRun(
        counties=county_run,
        rate=rate_value,
        rate_source=rate_source,
        population=population,
        balance=balance,
        notes=notes,
    )
