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

from typing import Any

from eduplan.registry.choices import PopulationBasis

from ..cliutil import add_common_arguments, add_county_argument, emit, pivot_years
from ..defaults import BIRTH_SCENARIOS, defaults, parse_series
from ..projection.core import HIGH_SCHOOL_AGES
from .run import run_gaps, run_high_school_gaps

NAME = "gaps"
STAGES = ("preschool", "high_school")


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
        help="学段 stage: preschool (default, 3–5) or high_school (15–17 × target, by county, "
        "to the plan deadline unless --to)",
    )
    add_county_argument(parser)
    add_common_arguments(parser)


def handle(options: dict[str, Any], stdout: Any) -> None:
    series = parse_series(options["series"]) if options.get("series") else None
    if options.get("stage") == "high_school":
        handle_high_school(options, stdout, series)
        return
    run = run_gaps(**_run_options(options, series))
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


def _run_options(options: dict[str, Any], series: dict[int, float] | None) -> dict[str, Any]:
    """The run's arguments from the command line (the same for both stages)."""
    return {
        "counties": options.get("county"),
        "rate": options.get("rate"),
        "basis": options.get("basis"),
        "births": options.get("births") or ("series" if series else None),
        "series": series,
        "end_year": options.get("end_year"),
    }


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
    run = run_high_school_gaps(**_run_options(options, series))
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
