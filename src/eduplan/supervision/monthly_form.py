"""The monthly report form as data (``data/monthly_report.toml``, or ``EDUPLAN_MONTHLY_FORM``):
its items (the numbers a county reports), its validation checks and the plan's tasks with their
lead departments (月报制).

Validation follows DHIS2's data sets (ANCHORS.md): a value outside its plausible range is refused
when saved; on submission, required items must be filled, the cross-item checks must hold
("children in public kindergartens ≤ all children") and a value that moved more than
``[monthly_report] change_comment_pct`` from the last approved month needs a comment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from eduplan.plans import standards
from eduplan.plans.checks import clause_text

DEFAULT_FORM = Path(__file__).parent / "data" / "monthly_report.toml"
OPERATORS = ("<=", "<", ">=", ">", "==", "!=")


class FormError(ValueError):
    """A mistake in the form file; the message names the file and the entry."""


@dataclass(frozen=True)
class Item:
    key: str
    name_zh: str
    name_en: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    integer: bool = True
    required: bool = False

    @property
    def check_id(self) -> str:
        return f"monthly_item:{self.key}"

    @property
    def clause(self) -> str:
        """The clauses of the plan in force this number serves (the plan file maps them)."""
        return clause_text(self.check_id)


@dataclass(frozen=True)
class Check:
    left: tuple[str | float, ...]
    op: str
    right: tuple[str | float, ...]
    importance: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Task:
    clause: str
    lead: str
    cooperating: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One validation result: ``importance`` is ``error`` (refuses) or ``warning`` (recorded)."""

    importance: str
    key: str
    message_zh: str
    message_en: str

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"

    def as_dict(self) -> dict[str, str]:
        return {
            "importance": self.importance,
            "key": self.key,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class Form:
    path: Path
    id: str
    title_zh: str
    title_en: str
    items: tuple[Item, ...]
    checks: tuple[Check, ...]
    tasks: tuple[Task, ...] = field(default_factory=tuple)

    @property
    def plan_tasks(self) -> tuple[Task, ...]:
        """The tasks reported on: the form's own ``[[tasks]]`` when it has any, otherwise the
        clauses of the plan in force that name a lead department."""
        if self.tasks:
            return self.tasks
        from eduplan.plans.loader import load_plan

        return tuple(Task(c.id, c.lead, c.cooperating) for c in load_plan().clauses if c.lead)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)


def form_path() -> Path:
    return Path(os.environ.get("EDUPLAN_MONTHLY_FORM") or DEFAULT_FORM)


def load_form(path: str | Path | None = None) -> Form:
    p = Path(path) if path is not None else form_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise FormError(f"{p}: 找不到月报表定义 / monthly report form not found") from exc
    return _load(str(p), mtime)


@cache
def _load(path: str, _mtime: int) -> Form:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FormError(f"{p}: TOML 格式错误 / not valid TOML: {exc}") from exc
    head = data.get("form", {})
    items = []
    for n, raw in enumerate(data.get("items", []), start=1):
        try:
            items.append(Item(**raw))
        except TypeError as exc:
            raise FormError(f"{p} [[items]] #{n}: {exc}") from exc
    keys = {i.key for i in items}
    checks = []
    for n, raw in enumerate(data.get("checks", []), start=1):
        where = f"{p} [[checks]] #{n}"
        if raw.get("op") not in OPERATORS:
            raise FormError(f"{where}: 未知比较符 / unknown op {raw.get('op')!r}, use {', '.join(OPERATORS)}")
        sides = []
        for side in ("left", "right"):
            terms = raw.get(side)
            terms = tuple(terms) if isinstance(terms, list) else (terms,)
            for t in terms:
                if isinstance(t, str) and t not in keys:
                    raise FormError(f"{where}: {side} 引用了未知项目 / refers to unknown item {t!r}")
            sides.append(terms)
        if raw.get("importance", "error") not in ("error", "warning"):
            raise FormError(f"{where}: importance 应为 error 或 warning / must be error or warning")
        checks.append(
            Check(
                left=sides[0],
                op=raw["op"],
                right=sides[1],
                importance=raw.get("importance", "error"),
                message_zh=raw.get("message_zh", ""),
                message_en=raw.get("message_en", ""),
            )
        )
    tasks = tuple(
        Task(clause=t["clause"], lead=t.get("lead", ""), cooperating=tuple(t.get("cooperating", [])))
        for t in data.get("tasks", [])
    )
    return Form(
        path=p,
        id=head.get("id", "monthly"),
        title_zh=head.get("title_zh", "月报"),
        title_en=head.get("title_en", "Monthly report"),
        items=tuple(items),
        checks=tuple(checks),
        tasks=tasks,
    )


# -- parsing and validation ---------------------------------------------------------------------


def parse_values(form: Form, raw: Mapping[str, Any]) -> tuple[dict[str, float | int | None], list[Problem]]:
    """Turn submitted text into numbers; report unknown keys, non-numbers and out-of-range values."""
    values: dict[str, float | int | None] = {}
    problems: list[Problem] = []
    for key, text in raw.items():
        item = form.item(key)
        if item is None:
            problems.append(Problem("error", key, f"未知填报项目 {key}", f"unknown item {key!r}"))
            continue
        if text is None or (isinstance(text, str) and not text.strip()):
            values[key] = None
            continue
        try:
            number = Decimal(str(text).strip().replace(",", ""))
        except InvalidOperation:
            problems.append(
                Problem(
                    "error",
                    key,
                    f"“{item.name_zh}”应为数字,收到“{text}”",
                    f"{item.name_en}: {text!r} is not a number",
                )
            )
            continue
        if not number.is_finite():
            problems.append(
                Problem("error", key, f"“{item.name_zh}”应为数字", f"{item.name_en} must be a number")
            )
            continue
        if item.integer and number != number.to_integral_value():
            problems.append(
                Problem(
                    "error",
                    key,
                    f"“{item.name_zh}”应为整数,收到 {text}",
                    f"{item.name_en} must be a whole number, got {text}",
                )
            )
            continue
        value: float | int = int(number) if item.integer else float(number)
        low, high = item.min, item.max
        if (low is not None and value < low) or (high is not None and value > high):
            problems.append(
                Problem(
                    "error",
                    key,
                    f"“{item.name_zh}”={value} 超出合理范围 {low}–{high}{item.unit}",
                    f"{item.name_en} = {value} is outside the plausible range {low}–{high}",
                )
            )
            continue
        values[key] = value
    return values, problems


def _side(terms: Sequence[str | float], values: Mapping[str, Any]) -> float | None:
    total = 0.0
    for t in terms:
        if isinstance(t, str):
            v = values.get(t)
            if v is None:
                return None
            total += float(v)
        else:
            total += float(t)
    return total


def _holds(a: float, op: str, b: float) -> bool:
    return {
        "<=": a <= b,
        "<": a < b,
        ">=": a >= b,
        ">": a > b,
        "==": a == b,
        "!=": a != b,
    }[op]


def validate_submission(
    form: Form,
    values: Mapping[str, Any],
    comments: Mapping[str, str],
    previous: Mapping[str, Any] | None,
) -> list[Problem]:
    """Everything a submission is judged on; the caller refuses it if any problem is an error.

    ``previous`` holds the values of the county's last approved report (or ``None``): a value that
    moved more than ``change_comment_pct`` percent from a non-zero previous value needs a comment.
    """
    problems: list[Problem] = []
    for item in form.items:
        if item.required and values.get(item.key) is None:
            problems.append(
                Problem("error", item.key, f"“{item.name_zh}”为必填项", f"{item.name_en} is required")
            )
    for check in form.checks:
        a, b = _side(check.left, values), _side(check.right, values)
        if a is None or b is None:
            continue  # missing values are reported as required items, not twice
        if not _holds(a, check.op, b):
            key = next((t for t in check.left if isinstance(t, str)), "")
            problems.append(
                Problem(
                    check.importance,
                    key,
                    f"{check.message_zh}({_fmt(a)} {check.op} {_fmt(b)} 不成立)",
                    f"{check.message_en} ({_fmt(a)} {check.op} {_fmt(b)} does not hold)",
                )
            )
    if previous:
        limit = float(standards.value("monthly_report", "change_comment_pct"))
        for item in form.items:
            new, old = values.get(item.key), previous.get(item.key)
            if new is None or old in (None, 0):
                continue
            change = abs(float(new) - float(old)) / abs(float(old)) * 100
            if change > limit and not (comments.get(item.key) or "").strip():
                problems.append(
                    Problem(
                        "error",
                        item.key,
                        f"“{item.name_zh}”较上次审核数 {_fmt(old)} 变化 {change:.0f}%(超过 {limit:g}%),请填写说明",
                        f"{item.name_en} moved {change:.0f}% from the last approved {_fmt(old)} "
                        f"(more than {limit:g}%): add a comment",
                    )
                )
    return problems


def _fmt(x: Any) -> str:
    return f"{float(x):g}"
