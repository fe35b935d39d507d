"""``eduplan plan scenario save|list|compare``: named planning assumptions.

A county target is only as good as the births assumption, the city target and the method behind
it; saving them under a name lets the city show which assumptions a target came from and compare
two side by side (``compare A B``: births, 3–5 population, targets, children, seats needed and the
seat gap at the horizon, per county and for the city).
"""

from __future__ import annotations

from typing import Any

from eduplan.registry.choices import PopulationBasis

from ..allocation.methods import METHODS
from ..cliutil import add_common_arguments, emit
from ..defaults import BIRTH_SCENARIOS, parse_series
from .store import (
    compare_scenarios,
    get_scenario,
    owner_division,
    save_scenario,
    scenario_record,
    scenarios_for,
)

NAME = "scenario"


HEADERS = {
    "name": "情景 scenario",
    "division": "代码 code",
    "division_name": "名称 name",
    "births": "出生情景 births",
    "births_series": "出生序列 series",
    "target": "目标 target %",
    "method": "方法 method",
    "end_year": "终年 end",
    "basis": "口径 basis",
    "description": "说明 description",
    "updated_at": "修改 updated",
    "measure": "指标 measure",
    "year": "年份 year",
    "difference": "差 B − A",
}


def _owner_arguments(parser: Any) -> None:
    parser.add_argument("--city", metavar="CODE", help="情景所属的市 the city owning the scenario")
    parser.add_argument("--county", metavar="CODE", help="情景所属的县 a county's own scenario")


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    save = sub.add_parser("save", help="保存情景 save a scenario")
    save.add_argument("name", help="情景名称 scenario name")
    save.add_argument("--births", choices=BIRTH_SCENARIOS, help="出生情景 births assumption")
    save.add_argument("--series", metavar="YEAR:N,…", help="逐年出生人口 births by year, e.g. 2025:19000")
    save.add_argument(
        "--target", type=float, help="全市目标(%%)city target (default: the plan's, at run time)"
    )
    save.add_argument("--method", choices=list(METHODS), help="分解方法 allocation method")
    save.add_argument("--to", dest="end_year", type=int, metavar="YEAR", help="预测终年 last year")
    save.add_argument("--basis", choices=PopulationBasis.values, help="人口口径 projection basis")
    save.add_argument("--description", default="", help="说明 description")
    save.add_argument("--replace", action="store_true", help="覆盖同名情景 overwrite a scenario of that name")
    _owner_arguments(save)
    add_common_arguments(save)

    listing = sub.add_parser("list", help="列出情景 list scenarios")
    _owner_arguments(listing)
    add_common_arguments(listing)

    compare = sub.add_parser("compare", help="比较两个情景 compare two scenarios side by side")
    compare.add_argument("names", nargs=2, metavar="NAME", help="两个情景名称 two scenario names")
    compare.add_argument(
        "--year", type=int, help="目标分解学年 school year of the allocation (default: next)"
    )
    _owner_arguments(compare)
    add_common_arguments(compare)


def handle(options: dict[str, Any], stdout: Any) -> None:
    action = options.get("action")
    if action == "save":
        series = parse_series(options["series"]) if options.get("series") else None
        scenario = save_scenario(
            options["name"],
            division=owner_division(county=options.get("county"), city=options.get("city")),
            births=options.get("births") or ("series" if series else None),
            births_series=series,
            target=options.get("target"),
            method=options.get("method"),
            end_year=options.get("end_year"),
            basis=options.get("basis"),
            description=options.get("description") or "",
            replace=options.get("replace", False),
        )
        emit(
            options,
            stdout,
            sections={"scenario": [scenario_record(scenario)]},
            titles={"scenario": "已保存情景 saved scenario"},
            headers=HEADERS,
        )
    elif action == "list":
        division = None
        if options.get("county") or options.get("city"):
            division = owner_division(county=options.get("county"), city=options.get("city"))
        rows = [scenario_record(s) for s in scenarios_for(None, division)]
        emit(
            options,
            stdout,
            sections={"scenarios": rows},
            titles={"scenarios": "规划情景 planning scenarios"},
            headers=HEADERS,
            notes=[] if rows else ["还没有保存的情景 / no scenarios saved yet"],
        )
    elif action == "compare":
        division = owner_division(county=options.get("county"), city=options.get("city"))
        name_a, name_b = options["names"]
        result = compare_scenarios(
            get_scenario(name_a, division), get_scenario(name_b, division), year=options.get("year")
        )
        headers = {**HEADERS, "a": f"A: {name_a}", "b": f"B: {name_b}"}
        emit(
            options,
            stdout,
            meta={"allocation_year": result["allocation_year"], "horizon": result["horizon"]},
            sections={"scenarios": result["scenarios"], "comparison": result["rows"]},
            titles={
                "scenarios": "情景 scenarios",
                "comparison": f"比较 comparison: A = {name_a}, B = {name_b}",
            },
            headers=headers,
            notes=result["notes"],
            main="comparison",
        )
    else:
        raise ValueError("请给出 save、list 或 compare / give an action: save, list or compare")
