"""``eduplan plan gaps``: preschool seats against demand by county and township.

Demand is the projected 3–5 population on the age cut-off day times the target rate; seats are
those the registry knows for each school year (openings and closures included). The county total
hides a township short of seats while another has spare ones, so county rows carry
``within_gap`` — the sum of their townships' own gaps. Also lists the townships of ≥ 20,000 people
with fewer than two public kindergartens (鼓励人口规模2万人以上的乡镇建设第二所、第三所公办幼儿园) and the
village kindergartens whose children fall and stay below a viable size (candidates for a branch of
the township central kindergarten).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eduplan.registry.choices import DivisionLevel, PopulationBasis

from . import registry_inputs as ri
from .cliutil import add_common_arguments, add_county_argument, emit, pivot_years
from .gaps import SeatBalance, expected_children, seat_balance
from .projection import HIGH_SCHOOL_AGES, HIGH_SCHOOL_MAX_AGE, PlanningInputError
from .runs import (
    BIRTH_SCENARIOS,
    ProjectionRun,
    defaults,
    parse_series,
    project_inputs,
    projection_settings,
    run_gaps,
)

NAME = "gaps"
HELP = (
    "学位缺口 Preschool (default) or high-school-stage seats against demand by county/township and year; "
    "township and village flags"
)
STAGES = ("preschool", "high_school")
HIGH_SCHOOL_INDICATOR = "high_school_ger"
"""The plan indicator whose city target is the high-school demand rate (≥ 97% in Yuxi's plan)."""


# ------------------------------------------------------------------------- high-school stage


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
            row["balance"] = row["seats"] - row["demand"]
            row["rate"] = self.rate
            row["observed"] = row["year"] <= self.counties.inputs.last_year
            rows.append(row)
        if year is not None:
            rows = [r for r in rows if r["year"] == year]
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
    years = county_run.projection.years.tolist()
    population = ri.band_on_cutoff(county_run.projection.population, HIGH_SCHOOL_AGES, ri.cutoff_fraction())
    supply = ri.load_high_school_supply(areas, user=user)
    balance = seat_balance(expected_children(population, rate_value), supply.seats(years), years=years)
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


HEADERS = {
    "level": "层级 level",
    "county": "县 county",
    "division": "代码 code",
    "division_name": "名称 name",
    "year": "年份 year",
    "demand": "需求 demand",
    "seats": "学位 seats",
    "gap": "缺口 gap",
    "surplus": "富余 surplus",
    "within_gap": "乡镇缺口合计 townships' gaps",
    "balance": "余缺 seats − demand",
    "population": "人口 population",
    "public_kindergartens": "公办园 public KGs",
    "missing": "尚缺 missing",
    "kindergarten": "幼儿园 code",
    "name": "名称 name",
    "first_year_below": "低于阈值起 below from",
    "children_then": "当年幼儿 children then",
    "children_at_horizon": "终年幼儿 at horizon",
}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--year", type=int, help="只看某一年 only this year (default: every year)")
    parser.add_argument(
        "--rate",
        type=float,
        help="目标毛入园率(%%)target gross rate, percent (default: the plan's city target)",
    )
    parser.add_argument(
        "--to", dest="end_year", type=int, metavar="YEAR", help="预测终年 last year (default 2035)"
    )
    parser.add_argument("--births", choices=BIRTH_SCENARIOS, help="出生情景 births scenario")
    parser.add_argument("--series", metavar="YEAR:N,…", help="逐年出生人口 births by year, e.g. 2025:19000")
    parser.add_argument("--basis", choices=PopulationBasis.values, help="人口口径 population basis")
    parser.add_argument(
        "--stage",
        choices=STAGES,
        default="preschool",
        help="学段 stage: preschool (default, 3–5) or high_school (15–17 × the target, by county, "
        "to the plan deadline unless --to)",
    )
    add_county_argument(parser)
    add_common_arguments(parser)


def handle(options: dict[str, Any], stdout: Any) -> None:
    series = parse_series(options["series"]) if options.get("series") else None
    if options.get("stage") == "high_school":
        handle_high_school(options, stdout, series)
        return
    run = run_gaps(
        counties=options.get("county"),
        rate=options.get("rate"),
        basis=options.get("basis"),
        births=options.get("births") or ("series" if series else None),
        series=series,
        end_year=options.get("end_year"),
    )
    year = options.get("year")
    balance = _balance(run, year)
    flags = run.township_flag_rows()
    merge = run.merge_rows()
    observed_last = run.counties.inputs.last_year
    settings = defaults().township
    county_rows = [r for r in balance if r["level"] == "county"]
    keys = ["division", "division_name"]
    tables: dict[str, Any] = (
        {"balance": balance}
        if year is not None
        else {
            "balance": pivot_years(county_rows, keys, "balance", observed_last=observed_last),
            "within_gap": pivot_years(county_rows, keys, "within_gap", observed_last=observed_last),
        }
    )
    tables |= {"township_flags": flags, "merge_candidates": merge}
    emit(
        options,
        stdout,
        meta={"rate": run.rate, "rate_source": run.rate_source, "year": year},
        sections={"balance": balance, "township_flags": flags, "merge_candidates": merge},
        tables=tables,
        titles={
            "balance": (
                f"学位余缺(学位 − 需求,负数为缺口,* 为预测)/ seats − demand by county (negative: short; "
                f"* projected), rate {run.rate:g}%"
                if year is None
                else f"{year} 年学位与需求 / seats and demand in {year}, rate {run.rate:g}%"
            ),
            "within_gap": "各乡镇自身缺口之和(县内富余不能自动填补)/ sum of the townships' own gaps "
            "(a surplus elsewhere in the county does not seat these children)",
            "township_flags": f"人口 {settings.min_population:,.0f} 以上、公办园少于 {settings.min_public_kindergartens} 所的乡镇 / "
            f"townships of ≥ {settings.min_population:,.0f} people with fewer than "
            f"{settings.min_public_kindergartens} public kindergartens",
            "merge_candidates": "幼儿持续过少的村级园 / village kindergartens falling below a viable size",
        },
        headers=HEADERS,
        notes=run.all_notes(),
    )


def _balance(run: Any, year: int | None) -> list[dict[str, Any]]:
    """The run's balance rows (of ``year`` only, when given; refused when it is not projected)."""
    balance = run.balance_rows(year)
    if year is not None and not balance:
        years = run.counties.projection.years
        raise ValueError(
            f"{year} 年不在 {years[0]}–{years[-1]} 之内 / {year} is outside the projected years {years[0]}–{years[-1]}"
        )
    return balance


def handle_high_school(options: dict[str, Any], stdout: Any, series: dict[int, float] | None) -> None:
    run = run_high_school_gaps(
        counties=options.get("county"),
        rate=options.get("rate"),
        basis=options.get("basis"),
        births=options.get("births") or ("series" if series else None),
        series=series,
        end_year=options.get("end_year"),
    )
    year = options.get("year")
    balance = _balance(run, year)
    observed_last = run.counties.inputs.last_year
    keys = ["division", "division_name"]
    tables: dict[str, Any] = (
        {"balance": balance}
        if year is not None
        else {
            "population": pivot_years(balance, keys, "population", observed_last=observed_last),
            "balance": pivot_years(balance, keys, "balance", observed_last=observed_last),
        }
    )
    emit(
        options,
        stdout,
        meta={"stage": "high_school", "rate": run.rate, "rate_source": run.rate_source, "year": year},
        sections={"balance": balance},
        tables=tables,
        titles={
            "population": f"{HIGH_SCHOOL_AGES.label} 岁人口(年龄截止日)/ {HIGH_SCHOOL_AGES.label} population on "
            "the age cut-off day (* projected)",
            "balance": (
                f"高中阶段学位余缺(学位 − 需求,负数为缺口,* 为预测)/ high-school-stage seats − demand by county "
                f"(negative: short; * projected), rate {run.rate:g}%"
                if year is None
                else f"{year} 年高中阶段学位与需求 / high-school-stage seats and demand in {year}, rate {run.rate:g}%"
            ),
        },
        headers=HEADERS,
        notes=run.all_notes(),
    )
