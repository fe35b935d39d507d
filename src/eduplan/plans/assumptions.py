"""The assumptions register: values a verdict rests on that the plan does not state.

The plan file lists them (``[[assumptions]]``: where the value lives, why we chose it, which checks
rest on it). City officers confirm each one, or set the city's own value, on the officers' page,
with ``eduplan plan assumptions --confirm`` or through the API; every confirmation is kept
(:class:`~eduplan.plans.models.AssumptionConfirmation`), the latest is in force.

Until an assumption is confirmed, what rests on it may be shown — a finding, an overdue task —
marked "依据待确认" (basis to be confirmed), but never sanctions: no escalation (督办), no
criticism of a county in the notice, no closure proposed (:func:`pending_for`). Once confirmed it
acts as the plan's own words. A value the city sets replaces the file's value for a
``standards:`` assumption (:func:`override`); for a task deadline the confirmed date is recorded
and shown, and the plan file is the place to change it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from eduplan.plans.loader import AssumptionSpec, Plan, PlanError, load_plan

PENDING_ZH = "依据待确认"
PENDING_EN = "basis to be confirmed"
#: Seconds a process keeps the confirmations it read (a confirmation in this process clears it).
CACHE_SECONDS = 5.0

_cache: dict[str, Any] = {"at": 0.0, "rows": None}


@dataclass(frozen=True)
class State:
    """An assumption as it stands: the file's value, the value in force, and its confirmation."""

    spec: AssumptionSpec
    file_value: Any
    value: Any
    confirmed: bool
    confirmed_by: str
    confirmed_at: dt.datetime | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.spec.id,
            "of": self.spec.of,
            "value": _jsonable(self.value),
            "file_value": _jsonable(self.file_value),
            "reason": self.spec.reason_zh + " / " + self.spec.reason_en,
            "used_by": list(self.spec.used_by),
            "confirmed": self.confirmed,
            "confirmed_by": self.confirmed_by or None,
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "confirmation_reason": self.reason or None,
        }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def file_value(spec: AssumptionSpec, plan: Plan) -> Any:
    """The value the files give (before any confirmation)."""
    from eduplan.plans import standards

    kind, _, ref = spec.of.partition(":")
    if kind == "standards":
        section, _, key = ref.partition(".")
        return standards.file_value(section, key)
    if kind == "target":
        ind = next((i for i in plan.indicators if i.id == ref and i.target is not None), None)
        if ind is None or ind.target is None:
            raise PlanError(f"{plan.path} 假设 assumption {spec.id}: 未知目标 unknown target {ref!r}")
        value = ind.target.value
        return int(value) if float(value).is_integer() else value
    if kind == "task":
        task = next((t for t in plan.tasks if t.id == ref), None)
        if task is None:
            raise PlanError(f"{plan.path} 假设 assumption {spec.id}: 未知任务 unknown task {ref!r}")
        return task.deadline
    raise PlanError(
        f"{plan.path} 假设 assumption {spec.id}: of 应为 standards:节.键、task:任务 或 target:指标 / 'of' "
        f"must be standards:section.key, task:<task id> or target:<indicator id>, not {spec.of!r}"
    )


def _rows() -> dict[tuple[str, str], Any]:
    """Latest confirmation per (plan, assumption), read at most every few seconds."""
    now = time.monotonic()
    if _cache["rows"] is not None and now - _cache["at"] < CACHE_SECONDS:
        return _cache["rows"]
    rows: dict[tuple[str, str], Any] = {}
    try:
        from eduplan.plans.models import AssumptionConfirmation

        for row in AssumptionConfirmation.objects.order_by("confirmed_at", "pk"):
            rows[(row.plan, row.assumption)] = row
    except Exception:  # no table yet (before migrate) or no database: nothing is confirmed
        rows = {}
    _cache.update(at=now, rows=rows)
    return rows


def forget() -> None:
    _cache.update(at=0.0, rows=None, pending=None)


def states(plan: Plan | None = None) -> list[State]:
    plan = plan or load_plan()
    latest = _rows()
    out = []
    for spec in plan.assumptions:
        row = latest.get((plan.id, spec.id))
        base = file_value(spec, plan)
        out.append(
            State(
                spec=spec,
                file_value=base,
                value=_restore(row.value, base) if row is not None else base,
                confirmed=row is not None,
                confirmed_by=row.user_name if row is not None else "",
                confirmed_at=row.confirmed_at if row is not None else None,
                reason=row.reason if row is not None else "",
            )
        )
    return out


def get(assumption_id: str, plan: Plan | None = None) -> State:
    for state in states(plan):
        if state.spec.id == assumption_id:
            return state
    raise ValidationError(
        {
            "assumption": f"未知的假设 {assumption_id} / unknown assumption {assumption_id!r} (eduplan plan assumptions lists them)"
        }
    )


def _restore(value: Any, like: Any) -> Any:
    if isinstance(like, dt.date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def parse_value(text: Any, like: Any, assumption_id: str) -> Any:
    """A value typed by a user, as the same type as the file's value; a mistake names the field."""
    if not isinstance(text, str):
        value = text
    elif isinstance(like, dt.date):
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError as exc:
            raise ValidationError(
                {"value": f"{assumption_id}: 应为日期 YYYY-MM-DD / must be a date"}
            ) from exc
    elif isinstance(like, str):
        return text.strip()
    else:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                {"value": f"{assumption_id}: 无法识别的取值 {text!r} / not a value"}
            ) from exc
    numeric = (int, float)
    same = (
        (isinstance(like, bool) and isinstance(value, bool))
        or (not isinstance(like, bool) and isinstance(like, numeric) and isinstance(value, numeric))
        or (isinstance(like, list) and isinstance(value, list))
        or type(like) is type(value)
    )
    if not same:
        raise ValidationError(
            {
                "value": f"{assumption_id}: 取值类型应与原值相同({type(like).__name__})/ must be a {type(like).__name__}"
            }
        )
    if (
        isinstance(like, int)
        and not isinstance(like, bool)
        and isinstance(value, float)
        and value.is_integer()
    ):
        value = int(value)
    return value


def confirm(
    assumption_id: str,
    *,
    reason: str,
    value: Any = None,
    user: Any = None,
    user_name: str = "",
    plan: Plan | None = None,
) -> State:
    """Confirm an assumption (``value`` None: the value in force) or set the city's own value.
    Only a city officer (or an administrator) confirms; a reason is required."""
    from eduplan.plans.models import AssumptionConfirmation

    plan = plan or load_plan()
    state = get(assumption_id, plan)
    if user is not None:
        _require_city(user)
    if not reason.strip():
        raise ValidationError({"reason": "须说明理由 / a reason is required"})
    name = user_name or (user.get_full_name() or user.get_username() if user is not None else "")
    if not name.strip():
        raise ValidationError({"user": "须写明确认人 / say who confirms (--user NAME)"})
    new = state.value if value is None or value == "" else parse_value(value, state.file_value, assumption_id)
    AssumptionConfirmation.objects.create(
        plan=plan.id,
        assumption=assumption_id,
        value=_jsonable(new),
        reason=reason.strip(),
        user=user if user is not None and user.is_authenticated else None,
        user_name=name.strip(),
    )
    forget()
    return get(assumption_id, plan)


def _require_city(user: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from eduplan.accounts import permissions

    if not permissions.has(user, "may_confirm_assumptions"):
        raise PermissionDenied("只有市级人员可以确认假设 / only city officers confirm assumptions")


def history(assumption_id: str, plan: Plan | None = None) -> list[dict[str, Any]]:
    from eduplan.plans.models import AssumptionConfirmation

    plan = plan or load_plan()
    return [
        {
            "value": row.value,
            "reason": row.reason,
            "confirmed_by": row.user_name,
            "confirmed_at": row.confirmed_at.isoformat(),
        }
        for row in AssumptionConfirmation.objects.filter(plan=plan.id, assumption=assumption_id)
    ]


def pending_for(check_id: str, plan: Plan | None = None) -> list[str]:
    """The unconfirmed assumptions ``check_id`` rests on: while any is listed, what the check
    finds is shown marked "依据待确认" and never sanctions."""
    try:
        plan = plan or load_plan()
    except PlanError:
        return []
    rows = _rows()
    key = (str(plan.path), id(plan), id(rows))
    cached = _cache.get("pending")
    if cached is None or cached[0] != key:
        by_check: dict[str, list[str]] = {}
        for s in plan.assumptions:
            if (plan.id, s.id) not in rows:
                for used in s.used_by:
                    by_check.setdefault(used, []).append(s.id)
        cached = (key, by_check)
        _cache["pending"] = cached
    return list(cached[1].get(check_id, []))


def pending_tasks(plan: Plan | None = None) -> set[str]:
    """Task ids whose deadline is an unconfirmed assumption: never escalated when overdue."""
    return {
        s.spec.of.partition(":")[2] for s in states(plan) if not s.confirmed and s.spec.of.startswith("task:")
    }


_busy: list[bool] = []


def override(section: str, key: str) -> tuple[bool, Any]:
    """The city's own value for ``standards:section.key`` when it set one, else ``(False, None)``."""
    if _busy:  # reading the plan reads standards: no override while the plan itself is loading
        return False, None
    _busy.append(True)
    try:
        plan = load_plan()
    except PlanError:
        return False, None
    finally:
        _busy.pop()
    of = f"standards:{section}.{key}"
    # Only a value the plan lists as an assumption can have the city's own: no query otherwise.
    spec = next((s for s in plan.assumptions if s.of == of), None)
    if spec is None:
        return False, None
    row = _rows().get((plan.id, spec.id))
    return (True, row.value) if row is not None else (False, None)
