"""Planning runs over the registry: the registry adapters feeding the pure core.

One function per tool — :func:`run_projection`, :func:`run_gaps`, :func:`run_allocation` — each
returning a result object whose ``*_rows()`` methods give the records that the ``eduplan plan …``
commands print and the officers' pages draw. The commands and the pages call these and nothing
else, so the numbers a city officer sees on a page are the numbers the CLI prints.

Settings come from ``plan/standards.toml`` ``[planning]`` (every default has its source or is
marked an assumption there) and the default city target from the plan file (its indicator
``target_indicator``, 学前三年毛入园率 ≥ 96% in Yuxi's plan).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from eduplan.plans import standards
from eduplan.registry.choices import DivisionLevel

from . import registry_inputs as ri
from .allocation import METHODS, Allocation, AllocationSettings, allocate
from .gaps import (
    MergeCandidates,
    SeatBalance,
    TownshipFlags,
    TownshipProvisionSettings,
    ViabilitySettings,
    expected_children,
    merge_candidates,
    project_institution_children,
    seat_balance,
    townships_short_of_public_kindergartens,
)
from .projection import (
    HIGH_SCHOOL_AGES,
    KINDERGARTEN_AGES,
    Backtest,
    FloatArray,
    PlanningInputError,
    Projection,
    ProjectionSettings,
    backtest,
    project_from_history,
    rake_to_parent,
)

BIRTH_SCENARIOS = ("constant", "trend", "series")
BANDS = (KINDERGARTEN_AGES, HIGH_SCHOOL_AGES)


# ------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PlanningDefaults:
    """``[planning]`` of the standards file, with the floor of ``floor_share`` from
    ``[assessment] gross_enrollment_rate_min`` (85%, 教督〔2020〕1号)."""

    end_year: int
    births: str
    backtest_years: int
    projection_basis: str
    allocation_basis: str
    allocation_method: str
    target_indicator: str
    default_target_rate: float
    floor_rate: float
    township: TownshipProvisionSettings
    viability: ViabilitySettings


def defaults() -> PlanningDefaults:
    sec = standards.section("planning")

    def get(key: str) -> Any:
        return standards.value("planning", key) if key not in sec else sec[key]

    return PlanningDefaults(
        end_year=int(get("end_year")),
        births=str(get("births_scenario")),
        backtest_years=int(get("backtest_years")),
        projection_basis=str(get("projection_basis")),
        allocation_basis=str(get("allocation_basis")),
        allocation_method=str(get("allocation_method")),
        target_indicator=str(get("target_indicator")),
        default_target_rate=float(get("default_target_rate")),
        floor_rate=float(standards.value("assessment", "gross_enrollment_rate_min")),
        township=TownshipProvisionSettings(
            min_population=float(get("township_min_population")),
            min_public_kindergartens=int(get("township_min_public_kindergartens")),
        ),
        viability=ViabilitySettings(
            min_children=float(get("village_min_children")),
            min_years_below=int(get("village_min_years_below")),
        ),
    )


def plan_target() -> tuple[float | None, str]:
    """The city target of ``[planning] target_indicator`` in the plan file, and where it came from
    (or ``None`` and why not: then ``--target`` is required)."""
    from eduplan.plans.loader import PlanError, load_plan

    name = defaults().target_indicator
    try:
        plan = load_plan()
    except PlanError as exc:
        return None, f"规划文件不可用 / the plan file is not available: {exc}"
    spec = next((i for i in plan.indicators if i.id == name), None)
    if spec is None or spec.target is None:
        return None, (
            f"规划文件 {plan.path.name} 中没有指标 {name} 的目标 / the plan file {plan.path.name} has no "
            f"target for indicator {name}"
        )
    return float(
        spec.target.value
    ), f"{plan.path.name}: {name} {spec.target.comparison} {spec.target.value:g}%"


def resolve_target(target: float | None) -> tuple[float, str]:
    """``target`` if given, else the plan file's; a clear error when neither exists."""
    if target is not None:
        return float(target), "--target"
    value, where = plan_target()
    if value is None:
        raise PlanningInputError(
            f"请用 --target 给出全市目标(百分比):{where} / give the city target with --target (percent): {where}"
        )
    return value, where


# --------------------------------------------------------------------------------------- births


SERIES_ITEM = re.compile(r"^\s*(\d{4})\s*:\s*(\d+(?:\.\d+)?)\s*$")


def parse_series(text: str) -> dict[int, float]:
    """``"2025:19000,2026:18500"`` → ``{2025: 19000.0, 2026: 18500.0}`` (births of the whole
    selection by year)."""
    out: dict[int, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        m = SERIES_ITEM.match(item)
        if m is None:
            raise PlanningInputError(
                f"出生序列项 {item.strip()!r} 格式错误,应为 年份:人数 / births series item {item.strip()!r} "
                "must be YEAR:BIRTHS, e.g. 2025:19000,2026:18500"
            )
        year = int(m.group(1))
        if year in out:
            raise PlanningInputError(
                f"出生序列中 {year} 年重复 / year {year} appears twice in the births series"
            )
        out[year] = float(m.group(2))
    if not out:
        raise PlanningInputError("出生序列为空 / the births series is empty")
    return out


def series_by_area(
    series: dict[int, float], base_year: int, end_year: int, base_births: FloatArray
) -> tuple[FloatArray, list[str]]:
    """Births ``(end_year − base_year, areas)`` from totals by year, shared among the areas as in
    the base year's births. The series must start the year after the base and have no holes; after
    its last year the last value is held (noted)."""
    notes: list[str] = []
    ignored = sorted(y for y in series if y <= base_year)
    if ignored:
        notes.append(
            f"出生序列中 {', '.join(map(str, ignored))} 年不晚于基年 {base_year},已忽略 / births series years "
            f"{', '.join(map(str, ignored))} are not after the base year {base_year} and were ignored"
        )
    future = {y: v for y, v in series.items() if y > base_year}
    if base_year + 1 not in future:
        raise PlanningInputError(
            f"出生序列须从基年后一年 {base_year + 1} 开始 / the births series must start in {base_year + 1}, "
            f"the year after the base year {base_year}"
        )
    last = max(future)
    holes = [y for y in range(base_year + 1, last) if y not in future]
    if holes:
        raise PlanningInputError(
            f"出生序列缺少 {', '.join(map(str, holes))} 年 / the births series misses {', '.join(map(str, holes))}"
        )
    if last < end_year:
        notes.append(
            f"{last} 年以后的出生人口沿用 {last} 年的 {future[last]:.0f} / births after {last} are held at "
            f"{future[last]:.0f}"
        )
    totals = np.array([future.get(y, future[last]) for y in range(base_year + 1, end_year + 1)])
    base = np.asarray(base_births, dtype=float)
    share = base / base.sum() if base.sum() > 0 else np.full(base.size, 1.0 / max(base.size, 1))
    return totals[:, None] * share[None, :], notes


# ----------------------------------------------------------------------------------- projection


@dataclass
class ProjectionRun:
    """A projection of ages 0–17 by area from the registry, with its back-tests and notes."""

    inputs: ri.PopulationInputs
    settings: ProjectionSettings
    projection: Projection
    backtest: Backtest | None
    backtest_observed: Backtest | None
    notes: list[str] = field(default_factory=list)

    @property
    def areas(self) -> ri.Areas:
        return self.inputs.areas

    @property
    def city(self) -> tuple[str, str]:
        a = self.areas
        return (a.city_codes[0], a.city_names[0]) if len(a.city_codes) == 1 else ("", "")

    def all_notes(self) -> list[str]:
        return self.projection.notes(BANDS) + self.notes + self.inputs.notes

    def band_rows(self) -> list[dict[str, Any]]:
        """Ages 3–5 and 15–17 at year end by area and year, then the selection's total per year."""
        city_code, city_name = self.city
        rows: list[dict[str, Any]] = []
        names = dict(zip(self.areas.codes, self.areas.names, strict=True))
        for band in BANDS:
            records = self.projection.band_records(band, self.areas.codes)
            history = self.inputs.population[:-1, :, band.lo : band.hi + 1].sum(axis=(2, 3))
            for t, year in enumerate(self.inputs.years[:-1].tolist()):
                for j, code in enumerate(self.areas.codes):
                    records.append(
                        {
                            "year": year,
                            "division": code,
                            "ages": band.label,
                            "population": float(history[t, j]),
                            "already_born": True,
                            "already_born_share": 1.0,
                        }
                    )
            for r in records:
                r["division_name"] = names[r["division"]]
                r["level"] = self.areas.level
            values = np.concatenate([history, self.projection.band(band)])
            born_all = np.concatenate([np.ones(len(history), bool), self.projection.band_already_born(band)])
            born_share = np.concatenate([np.ones_like(history), self.projection.band_born_share(band)])
            all_years = [*self.inputs.years[:-1].tolist(), *self.projection.years.tolist()]
            for i, year in enumerate(all_years):
                total = float(values[i].sum())
                share = float((born_share[i] * values[i]).sum() / total) if total > 0 else 1.0
                records.append(
                    {
                        "year": int(year),
                        "division": city_code,
                        "ages": band.label,
                        "population": total,
                        "already_born": bool(born_all[i]),
                        "already_born_share": share,
                        "division_name": city_name or "合计 total",
                        "level": DivisionLevel.CITY.value if city_code else "total",
                    }
                )
            rows += records
        for r in rows:
            r["observed"] = r["year"] <= self.inputs.last_year
            r["basis"] = self.inputs.basis
            r["births_scenario"] = self.settings.births
        order = ["level", "division", "division_name", "ages", "year", "population", "observed"]
        band_order = {band.label: i for i, band in enumerate(BANDS)}
        return [
            {k: r[k] for k in order} | {k: v for k, v in r.items() if k not in order}
            for r in sorted(
                rows,
                key=lambda r: (
                    band_order[r["ages"]],
                    r["level"] != self.areas.level,
                    r["division"],
                    r["year"],
                ),
            )
        ]

    def backtest_rows(self) -> list[dict[str, Any]]:
        """Back-test errors by year: the selection's areas for ages 0–17 and each band, and cells."""
        out: list[dict[str, Any]] = []
        for label, bt in (("scenario", self.backtest), ("observed", self.backtest_observed)):
            if bt is None:
                continue
            for r in bt.records():
                out.append({"births": label, "base_year": bt.base_year, **r})
        return out

    def pyramid(self, area: int, year: int) -> dict[str, list[float]]:
        """Males and females by single age (0–17) of one area in one year (observed or projected)."""
        years = list(self.projection.years)
        if year < self.inputs.first_year or year > years[-1]:
            raise PlanningInputError(
                f"{year} 年不在 {self.inputs.first_year}–{years[-1]} 之内 / {year} is outside "
                f"{self.inputs.first_year}–{years[-1]}"
            )
        if year <= self.inputs.last_year:
            cells = self.inputs.population[year - self.inputs.first_year, area]
        else:
            cells = self.projection.population[years.index(year), area]
        return {"male": [float(x) for x in cells[:, 0]], "female": [float(x) for x in cells[:, 1]]}


def _births_array(
    inputs: ri.PopulationInputs, settings: ProjectionSettings, series: dict[int, float] | None
) -> tuple[FloatArray | None, list[str]]:
    if settings.births != "series":
        return None, []
    if not series:
        raise PlanningInputError(
            '出生情景为 "series" 时须用 --series 给出逐年出生人口 / the "series" births scenario needs --series '
            "YEAR:BIRTHS,…"
        )
    return series_by_area(series, inputs.last_year, settings.end_year, inputs.births[-1])


def projection_settings(births: str | None, end_year: int | None) -> ProjectionSettings:
    """The projection's settings for a births scenario and horizon (defaults where not given)."""
    d = defaults()
    scenario = births or d.births
    if scenario not in BIRTH_SCENARIOS:
        raise PlanningInputError(
            f"未知出生情景 {scenario!r} / unknown births scenario {scenario!r}: {', '.join(BIRTH_SCENARIOS)}"
        )
    return ProjectionSettings(end_year=end_year or d.end_year, births=scenario)  # type: ignore[arg-type]


def project_inputs(
    inputs: ri.PopulationInputs,
    settings: ProjectionSettings,
    series: dict[int, float] | None = None,
    *,
    with_backtest: bool = True,
) -> ProjectionRun:
    """Project observed inputs to ``settings.end_year`` and back-test the method on their history."""
    if settings.end_year < inputs.last_year:
        raise PlanningInputError(
            f"预测终年 {settings.end_year} 早于最后观测年 {inputs.last_year} / the end year {settings.end_year} "
            f"is before the last observed year {inputs.last_year}"
        )
    notes: list[str] = []
    future, series_notes = _births_array(inputs, settings, series)
    notes += series_notes
    proj = project_from_history(
        inputs.population, inputs.births, inputs.first_year, settings=settings, births_series=future
    )
    bt = bt_observed = None
    if with_backtest:
        n_back = min(defaults().backtest_years, len(inputs.years) - 1)
        if n_back < 1:
            notes.append("只有一年人口数据,无法回测 / one observed year only: no back-test is possible")
        else:
            base = inputs.last_year - n_back
            bt_settings = settings if settings.births != "series" else replace(settings, births="constant")
            if settings.births == "series":
                notes.append(
                    "回测时出生人口按不变情景(用户序列只对未来)/ the back-test uses constant births (a user "
                    "series describes the future only)"
                )
            bt = backtest(inputs.population, inputs.births, inputs.first_year, base, settings=bt_settings)
            bt_observed = backtest(
                inputs.population,
                inputs.births,
                inputs.first_year,
                base,
                settings=bt_settings,
                observed_births=True,
            )
    return ProjectionRun(
        inputs=inputs,
        settings=settings,
        projection=proj,
        backtest=bt,
        backtest_observed=bt_observed,
        notes=notes,
    )


def run_projection(
    *,
    user: Any = None,
    counties: Sequence[str] | None = None,
    city: str | None = None,
    basis: str | None = None,
    births: str | None = None,
    series: dict[int, float] | None = None,
    end_year: int | None = None,
    level: str = DivisionLevel.COUNTY,
    with_backtest: bool = True,
) -> ProjectionRun:
    """Project the population of the counties (or townships) ``user`` may see to ``end_year``.

    Areas are those valid at the end of the last population year (today's boundaries, see
    ``registry_inputs``); ``basis`` defaults to ``[planning] projection_basis`` (resident).
    """
    settings = projection_settings(births, end_year)
    basis = basis or defaults().projection_basis
    last = ri.latest_population_year(basis=basis, user=user)
    if last is None:
        raise PlanningInputError(
            f"没有{ri.basis_zh(basis)}口径的人口数据 / no {basis} population in the registry (or in your scope)"
        )
    areas = ri.load_areas(level, user=user, counties=counties, city=city, on=ri.year_end(last))
    inputs = ri.load_population(areas, basis=basis, user=user, max_age=settings.max_age)
    return project_inputs(inputs, settings, series, with_backtest=with_backtest)


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
        for r in rows:
            r["balance"] = r["seats"] - r["demand"]
            r["rate"] = self.rate
            r["observed"] = r["year"] <= self.counties.inputs.last_year
        if year is not None:
            rows = [r for r in rows if r["year"] == year]
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


def _demand_population(run: ProjectionRun) -> FloatArray:
    """``(years, areas)`` 3–5 population on the cut-off day of each school year (observed base)."""
    return ri.band_on_cutoff(run.projection.population, KINDERGARTEN_AGES, ri.cutoff_fraction())


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
    kindergartens falling below a viable size (thresholds in ``[planning]``)."""
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
    c_demand = expected_children(_demand_population(county_run), rate_value)
    county_balance = seat_balance(c_demand, c_supply.seats(years.tolist()), years=years.tolist())

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
        t_demand = expected_children(_demand_population(township_run), rate_value)
        township_balance = seat_balance(t_demand, t_supply.seats(years.tolist()), years=years.tolist())
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
    band = _demand_population(merge_run)
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
    """Split the city target for school year ``year`` among the counties (精准下达).

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
