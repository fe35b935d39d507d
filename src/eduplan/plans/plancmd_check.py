"""``eduplan plan check [FILE]``: load a plan file and report its first mistake with file, line and
key — unknown checks, clauses nothing carries, targets without a source, deadlines outside the
plan period, formulas over unknown measures — or say it is sound."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from eduplan.plans.loader import load_plan, plan_path
from eduplan.plans.validate import check_formulas


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="规划文件 the plan file (default: the plan in force)")


def handle(options: dict[str, Any], stdout) -> None:
    path = options.get("file") or plan_path()
    plan = load_plan(path)  # PlanError (a ValueError) becomes the command's error message
    check_formulas(plan)
    carried = sum(1 for c in plan.clauses if any(c.id in v for v in plan.check_map.values()))
    stdout.write(
        f"{plan.path}: 规划文件无误 the plan file is sound — {len(plan.clauses)} 条款 clauses "
        f"({carried} 有检查项 carried by checks, {len(plan.clauses) - carried} 未计算 explained "
        f"under not_computed), {len(plan.indicators)} 指标 indicators, {len(plan.tasks)} 任务 tasks\n"
    )
