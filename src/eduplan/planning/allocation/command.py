"""``eduplan plan allocate``: the city's enrollment target split among its counties (精准下达).

"市教育体育局要结合上年度各县(市、区)学前三年毛入园率达标情况、年度户籍适龄人口底数、现有幼儿园学位数及年内学位
增长数,精准下达各县(市、区)所需要达到的普及目标": last year's rate, the registered 3–5 population, existing
seats and the seats added this year, per county, go into one of the five methods of
``allocation.py``; the county targets' population-weighted mean is the city target, and children
are whole numbers that add up.

JSON contract: a list with one object per county (division, division_name, year, method, last_rate,
target, weight — the registered 3–5 population that weights the rate — seats, planned_seats,
children, seats_needed, lower, upper, feasible, level, basis), then one object for the city whose
``division`` is the city's code in the registry, adding achieved, shortfall, message, target_source
and notes.
"""

from __future__ import annotations

import argparse
from typing import Any

from eduplan.output import to_json, write_records
from eduplan.registry.choices import PopulationBasis

from ..cliutil import add_common_arguments
from .methods import METHODS
from .run import run_allocation

NAME = "allocate"


COLUMNS = [
    "division",
    "division_name",
    "method",
    "last_rate",
    "target",
    "weight",
    "seats",
    "planned_seats",
    "children",
    "seats_needed",
    "lower",
    "upper",
]
HEADERS = {
    "division": "代码 code",
    "division_name": "名称 name",
    "method": "方法 method",
    "last_rate": "上年入园率 last rate %",
    "target": "目标 target %",
    "weight": "户籍3–5岁 weight",
    "seats": "现有学位 seats",
    "planned_seats": "年内新增 added",
    "children": "应在园 children",
    "seats_needed": "尚缺学位 seats needed",
    "lower": "下限 lower",
    "upper": "上限 upper",
}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--year", type=int, required=True, help="目标学年 school year of the targets")
    parser.add_argument(
        "--method",
        choices=list(METHODS),
        help="分解方法 allocation method (default [planning] allocation_method)",
    )
    parser.add_argument(
        "--target",
        type=float,
        help="全市目标(%%)city target, percent (default: the plan file's target for [planning] target_indicator)",
    )
    parser.add_argument(
        "--city", metavar="CODE", help="市级区划代码 the city (when the registry holds several)"
    )
    parser.add_argument(
        "--basis",
        choices=PopulationBasis.values,
        help="权重与入园率的人口口径 basis of weights and rates (default registered, 户籍)",
    )
    parser.add_argument(
        "--keep-last-rate",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="各县目标不低于上年(“≥”目标默认开启)no county target below last year's rate (default on for "
        "a '≥' target; --no-keep-last-rate to allow it)",
    )
    parser.add_argument(
        "--upper-from-seats",
        action="store_true",
        help="各县目标不超过学位可容纳 no county target above what its seats can hold",
    )
    add_common_arguments(parser)


def handle(options: dict[str, Any], stdout: Any) -> None:
    run = run_allocation(
        options["year"],
        method=options.get("method"),
        target=options.get("target"),
        city=options.get("city"),
        basis=options.get("basis"),
        keep_last_rate=options.get("keep_last_rate"),
        upper_from_seats=options.get("upper_from_seats", False),
    )
    rows = run.rows()
    rows[-1]["target_source"] = run.target_source
    rows[-1]["notes"] = run.notes
    fmt = options.get("format") or "table"
    if fmt == "json":
        text = to_json(rows) + "\n"
        if options.get("out"):
            with open(options["out"], "w", encoding="utf-8") as fh:
                fh.write(text)
            stdout.write(f"已写入 written: {options['out']}")
        else:
            stdout.write(text, ending="")
        return
    alloc = run.allocation
    title = (
        f"{run.city_name} {alloc.year} 学年目标分解:全市 {alloc.city_target:g}%({run.target_source}),"
        f"{METHODS[alloc.method].label_zh} / {run.city_code} targets for {alloc.year}, method {alloc.method}"
    )
    write_records(
        rows,
        fmt,
        options.get("out"),
        columns=COLUMNS if fmt in ("table", "xlsx") else None,
        headers=HEADERS,
        title=title if fmt == "table" else "allocation",
        stream=stdout,
    )
    if fmt == "table" or options.get("out"):
        for line in [alloc.message, *run.notes]:
            stdout.write(f"- {line}")
