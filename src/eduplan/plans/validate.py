"""A plan checks itself: the mistakes a plan author makes are refused with file, line and key.

Refused on loading (:func:`check_plan`, called by the loader):

- a check id the software does not know (``rule:KG-NAMEE``), or not written ``kind:id``;
- a clause that no check carries and no ``[[not_computed]]`` entry explains;
- a target value with no ``source`` (``plan``: the clause says it; ``assumption``: ours, with
  ``reason``), or a standard reference (which brings its own source);
- a deadline (target, task, milestone) outside the plan period (``[plan] start`` … ``deadline``).

An indicator formula over an unknown measure is refused where the measures live
(:func:`check_formulas`, run by ``eduplan plan check`` and by every indicator computation), so that
loading a plan never pulls in the analytics stack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eduplan.plans.loader import Plan

#: ``source`` of a target value.
TARGET_SOURCES = ("plan", "assumption")


#: ``key = "text"`` at the start of a line (the text without escapes: ids never have them).
_STRING_KEY = re.compile(r'^\s*([A-Za-z0-9_-]+)\s*=\s*"([^"\\]*)"')


@dataclass(frozen=True)
class Locator:
    """Line numbers in a plan file's text: the entry of a table array found by its id, then a key
    inside it (the TOML parser keeps no positions)."""

    path: Path
    lines: tuple[str, ...]

    @classmethod
    def of(cls, path: Path) -> Locator:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = ""
        return cls(path, tuple(text.splitlines()))

    def entry(self, table: str, ident: str, id_key: str = "id") -> int:
        """The line (1-based) of ``id_key = "ident"`` inside a ``[[table]]`` entry; 0 if not found."""
        return self._entries.get((table, id_key, ident), 0)

    @cached_property
    def _entries(self) -> dict[tuple[str, str, str], int]:
        """Every ``key = "text"`` line by table, key and text (the first of each), read in one pass:
        a plan is checked entry by entry, and scanning the file for each took half a second."""
        found: dict[tuple[str, str, str], int] = {}
        current = ""
        for n, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                current = stripped.strip("[] ")
            elif m := _STRING_KEY.match(line):
                found.setdefault((current, m.group(1), m.group(2)), n)
        return found

    def key(self, table: str, ident: str, key: str, needle: str = "", id_key: str = "id") -> int:
        """The line of ``key`` in the entry (from there, the first line containing ``needle`` when
        given: an item of a multi-line list); the entry's line when the key is not written."""
        start = self.entry(table, ident, id_key)
        if not start:
            return 0
        key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
        found = 0
        for n in range(start - 1, len(self.lines)):
            line = self.lines[n]
            if n >= start and line.strip().startswith("["):
                break
            if not found and key_re.match(line):
                found = n + 1
            if found and (not needle or needle in line):
                return n + 1
        return found or start

    def where(self, line: int, what: str) -> str:
        return f"{self.path}:{line}: {what}" if line else f"{self.path}: {what}"


def _fail(message: str) -> None:
    from eduplan.plans.loader import PlanError

    raise PlanError(message)


def check_plan(plan: Plan, raw: dict[str, Any]) -> None:
    """Refuse the mistakes listed in the module docstring, the first one found."""
    loc = Locator.of(plan.path)
    _check_ids(plan, loc)
    _check_carried(plan, loc)
    _check_targets(plan, raw, loc)
    _check_deadlines(plan, loc)
    _check_assumptions(plan, loc)


def _check_ids(plan: Plan, loc: Locator) -> None:
    known = _known_checks(plan)
    for clause in plan.clauses:
        for key, ids in (("checks", clause.checks), ("also", clause.also)):
            for check_id in ids:
                line = loc.key("clauses", clause.id, key, f'"{check_id}"')
                _known_check(check_id, known, loc.where(line, f"[[clauses]] {clause.id} {key}"))


def _known_check(check_id: str, known: set[str] | None, where: str) -> None:
    """Refuse a check id not written ``kind:id``, or (``known`` given) not registered."""
    from eduplan.plans import checks

    try:
        checks.split(check_id)
    except ValueError as exc:
        _fail(f"{where}: {exc}")
    if known is not None and check_id not in known:
        _fail(
            f"{where}: 未知的检查项 {check_id} / unknown check {check_id!r} (eduplan plan coverage "
            "lists the checks the software has)"
        )


def _known_checks(plan: Plan) -> set[str] | None:
    """Every check id the software registers plus the plan's own indicators; ``None`` before the
    apps are ready (a plan read that early is checked again when a command loads it)."""
    from eduplan.plans import checks

    if not _apps_ready():
        return None
    return {c.key for c in checks.registered()} | {f"indicator:{i.id}" for i in plan.indicators}


def _apps_ready() -> bool:
    from django.apps import apps

    return apps.ready


def _check_carried(plan: Plan, loc: Locator) -> None:
    carried = {
        c for check, clauses in plan.check_map.items() if not check.startswith("demo:") for c in clauses
    }
    explained = {n.clause for n in plan.not_computed}
    for clause in plan.clauses:
        if clause.id not in carried and clause.id not in explained:
            _fail(
                loc.where(
                    loc.entry("clauses", clause.id),
                    f"[[clauses]] {clause.id}: 没有检查项承担,也没有 [[not_computed]] 说明 / no check "
                    "carries this clause and no [[not_computed]] entry explains why (add `checks` or "
                    "a [[not_computed]] entry)",
                )
            )


def _check_targets(plan: Plan, raw: dict[str, Any], loc: Locator) -> None:
    for entry in raw.get("indicators", []):
        target = entry.get("target")
        if not isinstance(target, dict) or "standard" in target:
            continue
        ident = entry.get("id", "")
        line = loc.key("indicators", ident, "target")
        source = target.get("source")
        if source not in TARGET_SOURCES:
            _fail(
                loc.where(
                    line,
                    f"指标 indicator {ident} target: 目标值须注明来源 source / the target value needs "
                    f'a source: source = "plan" (the clause states it), "assumption" (with reason) '
                    f'or a standard = "section.key"; found {source!r}',
                )
            )
        if source == "assumption" and not str(target.get("reason", "")).strip():
            _fail(
                loc.where(
                    line,
                    f"指标 indicator {ident} target: 假设须说明理由 reason / an assumption needs a reason",
                )
            )


def plan_period(plan: Plan) -> tuple[dt.date, dt.date]:
    """The plan period: ``[plan] start`` (default: the first day of the year it was issued) to
    ``[plan] deadline``."""
    return plan.start, plan.deadline


def _check_deadlines(plan: Plan, loc: Locator) -> None:
    start, end = plan_period(plan)

    def outside(day: dt.date) -> bool:
        return day < start or day > end

    def refuse(line: int, what: str, day: dt.date) -> None:
        _fail(
            loc.where(
                line,
                f"{what}: 日期 {day} 不在规划期 {start} 至 {end} 内 / the date {day} is outside the plan "
                f"period {start} to {end}",
            )
        )

    for ind in plan.indicators:
        if ind.target is not None and outside(ind.target.deadline):
            refuse(
                loc.key("indicators", ind.id, "target"),
                f"指标 indicator {ind.id} target deadline",
                ind.target.deadline,
            )
    for task in plan.tasks:
        if outside(task.deadline):
            refuse(loc.key("tasks", task.id, "deadline"), f"任务 task {task.id} deadline", task.deadline)
        for m in task.milestones:
            if outside(m.due):
                refuse(
                    loc.key("tasks", task.id, "milestones", str(m.due)),
                    f"任务 task {task.id} milestone due",
                    m.due,
                )


def _check_assumptions(plan: Plan, loc: Locator) -> None:
    """Each assumption names a value that exists and checks the software knows."""
    from eduplan.plans import standards

    known = _known_checks(plan)
    tasks = {t.id for t in plan.tasks}
    for a in plan.assumptions:
        kind, _, ref = a.of.partition(":")
        line = loc.key("assumptions", a.id, "of")
        if kind == "standards":
            section, _, key = ref.partition(".")
            try:
                standards.file_value(section, key)
            except (standards.StandardsError, KeyError) as exc:
                _fail(loc.where(line, f"假设 assumption {a.id} of: {exc}"))
        elif kind == "target" and ref in {i.id for i in plan.indicators if i.target is not None}:
            pass
        elif kind != "task" or ref not in tasks:
            _fail(
                loc.where(
                    line,
                    f"假设 assumption {a.id} of: 应为 standards:节.键 或 task:已有任务 / must be "
                    f"standards:section.key, task:<a task> or target:<an indicator with a target>, not {a.of!r}",
                )
            )
        for check_id in a.used_by:
            line = loc.key("assumptions", a.id, "used_by", f'"{check_id}"')
            _known_check(check_id, known, loc.where(line, f"假设 assumption {a.id} used_by"))


def check_formulas(plan: Plan) -> None:
    """Refuse a formula over an unknown measure (metrics owns the measures), with file and line."""
    from eduplan.metrics import formula as fm
    from eduplan.metrics.indicators import load_catalogue

    try:
        load_catalogue(plan)
    except fm.FormulaError as exc:
        text = str(exc)
        match = re.search(r"指标 indicator (\S+):", text)
        line = Locator.of(plan.path).key("indicators", match.group(1), "formula") if match else 0
        _fail(f"{plan.path}:{line}: {text.split(': ', 1)[-1]}" if line else text)


def unknown_checks(plan: Plan) -> Iterable[str]:
    """Check ids the plan names that the software does not know (for reports)."""
    from eduplan.plans import checks

    indicators = {f"indicator:{i.id}" for i in plan.indicators}
    return [c for c in plan.check_map if c not in indicators and not checks.is_registered(c)]
