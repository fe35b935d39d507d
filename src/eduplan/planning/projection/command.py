"""``eduplan plan project``: the 3–5 and 15–17 population by county and year to 2035.

Counties lay out kindergartens "from births, pupil flows, rural revitalisation and urbanisation"
; the city needs to know how many children each county will have before it builds.
Prints the projection with the already-born notes (the 3–5 population up to base + 3 and the
15–17 population to 2035 depend on survival and migration, not on the births scenario) and the
back-test error of the method on the registry's own history.
"""

from __future__ import annotations

from typing import Any

from eduplan.registry.choices import PopulationBasis

from ..cliutil import add_common_arguments, add_county_argument, emit, pivot_years
from ..defaults import BIRTH_SCENARIOS, parse_series
from ..registry_inputs import basis_zh
from .run import run_projection

NAME = "project"


HEADERS = {
    "level": "层级 level",
    "division": "代码 code",
    "division_name": "名称 name",
    "ages": "年龄 ages",
    "year": "年份 year",
    "population": "人口 population",
    "observed": "观测 observed",
    "already_born": "均已出生 already born",
    "already_born_share": "已出生占比 born share",
    "births": "出生 births",
    "base_year": "回测基年 base",
    "wape": "WAPE %",
    "bias": "偏差 bias %",
    "mape": "MAPE %",
    "max_ape": "最大误差 max %",
}


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--to", dest="end_year", type=int, metavar="YEAR", help="预测终年 last year (default 2035)"
    )
    parser.add_argument(
        "--births",
        choices=BIRTH_SCENARIOS,
        help="出生情景 births scenario (default [planning] births_scenario)",
    )
    parser.add_argument(
        "--series",
        metavar="YEAR:N,…",
        help="逐年出生人口(所选全部县合计)/ births by year for the whole selection, e.g. 2025:19000,2026:18500",
    )
    parser.add_argument(
        "--basis", choices=PopulationBasis.values, help="人口口径 population basis (default resident)"
    )
    add_county_argument(parser)
    add_common_arguments(parser)


def handle(options: dict[str, Any], stdout: Any) -> None:
    series = parse_series(options["series"]) if options.get("series") else None
    births = options.get("births") or ("series" if series else None)
    run = run_projection(
        counties=options.get("county"),
        basis=options.get("basis"),
        births=births,
        series=series,
        end_year=options.get("end_year"),
    )
    rows = run.band_rows()
    backtest = run.backtest_rows()
    notes = run.all_notes()
    observed_last = run.inputs.last_year
    pivot = pivot_years(
        rows, ["division", "division_name", "ages"], "population", observed_last=observed_last
    )
    summary = [
        {k: r[k] for k in ("births", "base_year", "level", "year", "wape", "bias", "mape", "max_ape")}
        for r in backtest
        if r["level"] != "area × age × sex"
    ]
    emit(
        options,
        stdout,
        meta={
            "base_year": run.projection.base_year,
            "end_year": run.settings.end_year,
            "basis": run.inputs.basis,
            "births_scenario": run.settings.births,
            "migration": run.settings.migration,
        },
        sections={"projection": rows, "backtest": backtest},
        tables={"projection": pivot, "backtest": summary},
        titles={
            "projection": f"{basis_zh(run.inputs.basis)}人口预测(年末年龄,* 为预测值)/ projected population at year end "
            f"(* projected), births {run.settings.births}",
            "backtest": "回测误差 back-test error (%)",
        },
        headers=HEADERS,
        notes=notes,
    )
