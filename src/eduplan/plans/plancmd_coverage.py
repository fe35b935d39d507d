"""``eduplan plan coverage [--format table|json]``: each clause of the plan with what implements it,
the clauses nothing implements yet, and declared clause ids the plan does not know."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from eduplan.output import write_records
from eduplan.plans.coverage import coverage

NAME = "coverage"
HELP = "条款覆盖 Which clause of the plan is implemented by what (--format table|json)"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--format", default="table", choices=("table", "json"), help="输出格式 output format")


def handle(options: dict[str, Any], stdout) -> None:
    report = coverage()
    if options.get("format") == "json":
        write_records(report.rows, "json", stream=stdout)
    else:
        rows = [
            {
                "clause": r["clause"],
                "title_zh": r["title_zh"],
                "implemented_by": ", ".join(f"{e['kind']}:{e['id']}" for e in r["implemented_by"]) or "—",
            }
            for r in report.rows
        ]
        write_records(
            rows,
            "table",
            stream=stdout,
            headers={"clause": "条款 clause", "title_zh": "内容", "implemented_by": "实现 implemented by"},
            title=f"{report.plan.document} 条款覆盖 clause coverage",
        )
        uncovered = report.uncovered
        stdout.write(
            f"尚未实现的条款 clauses nothing implements yet ({len(uncovered)}/{len(report.rows)}): "
            + (", ".join(uncovered) or "无 none")
            + "\n"
        )
    # Problems go to stderr after the data, never into the JSON itself.
    for u in report.unknown:
        sys.stderr.write(
            f"未知条款 unknown clause id {u['clause']!r} declared by {u['kind']}:{u['id']} ({u['module']})\n"
        )
    for p in report.import_problems:
        sys.stderr.write(f"模块导入失败 could not import {p.module}: {p.error}\n")
