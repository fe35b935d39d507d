"""``eduplan plan coverage [--live] [--format table|json]``: each clause of the plan in force with
the checks that carry it, the clauses nothing carries, the checks no clause uses, and check ids in
the plan the software does not know."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from eduplan.output import write_records
from eduplan.plans.coverage import coverage


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--format", default="table", choices=("table", "json"), help="输出格式 output format")
    parser.add_argument(
        "--live",
        action="store_true",
        help="标出在当前数据上实际运行的检查 mark each check that ran on the current data (live)",
    )


def _label(entry: dict[str, Any]) -> str:
    text = f"{entry['kind']}:{entry['id']}"
    if entry.get("live") is False:
        text += " (未运行 not live)"
    return text


def handle(options: dict[str, Any], stdout) -> None:
    report = coverage(live=bool(options.get("live")))
    if options.get("format") == "json":
        write_records(report.rows, "json", stream=stdout)
    else:
        rows = [
            {
                "clause": r["clause"],
                "title_zh": r["title_zh"],
                "implemented_by": ", ".join(_label(e) for e in r["implemented_by"]) or "—",
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
        stdout.write(
            f"没有条款使用的检查 checks no clause uses ({len(report.unused)}): "
            + (", ".join(f"{u['kind']}:{u['id']}" for u in report.unused) or "无 none")
            + "\n"
        )
    # Problems go to stderr after the data, never into the JSON itself.
    if options.get("format") == "json" and report.unused:
        sys.stderr.write(
            "没有条款使用的检查 checks no clause uses: "
            + ", ".join(f"{u['kind']}:{u['id']}" for u in report.unused)
            + "\n"
        )
    for u in report.unknown:
        sys.stderr.write(
            f"未知检查 unknown check {u['check']!r} in {report.plan.path} (clauses {', '.join(u['clauses'])})\n"
        )
