"""What every supervision workflow shares: state-machine tables, refusal messages a user can act
on (Chinese and English), who-may-act checks built on the one scoping function, and saving with
history (who and why).

A workflow declares its transitions as a table ``{(state, action): new_state}``; an action not in
the table for the current state is refused with :class:`TransitionError` — approving a draft,
closing an order nobody has reported on — whoever asks. *Who* may take an action is checked
separately: the user must see the record through ``accounts.scoping.scope`` and hold a role the
action allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from eduplan.accounts.scoping import User, profile_of, scope
from eduplan.plans import standards

from .saving import save_record

M = TypeVar("M", bound=models.Model)

#: Role codes; "superuser" and "system" (no user: the daily job, the demo, imports) are added.
SUPERUSER = "superuser"
SYSTEM = "system"


class TransitionError(Exception):
    """An action the record's current state does not allow. ``str()`` is bilingual."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def refuse(zh: str, en: str) -> PermissionDenied:
    """A permission refusal with a bilingual message (raise the result)."""
    return PermissionDenied(f"{zh} / {en}")


def next_state(
    table: Mapping[tuple[str, str], str],
    state: str,
    action: str,
    labels: Mapping[str, str],
    action_labels: Mapping[str, str],
) -> str:
    """The state ``action`` leads to from ``state``, or a :class:`TransitionError` naming what is
    possible instead."""
    target = table.get((state, action))
    if target is not None:
        return target
    allowed = [action_labels.get(a, a) for (s, a) in table if s == state]
    here = labels.get(state, state)
    what = action_labels.get(action, action)
    zh_allowed = "、".join(x.split(" ", 1)[0] for x in allowed) or "无"
    en_allowed = ", ".join(x.split(" ", 1)[-1] for x in allowed) or "none"
    raise TransitionError(
        f"当前状态“{here.split(' ', 1)[0]}”下不能{what.split(' ', 1)[0]}(可进行:{zh_allowed})",
        f"cannot {what.split(' ', 1)[-1].lower()} in state {here.split(' ', 1)[-1]!r} (possible: {en_allowed})",
    )


def role_of(user: User | None) -> str:
    """The acting role: a registry ``Role`` code, ``superuser``, ``system`` (no user) or ``""``."""
    if user is None:
        return SYSTEM
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return SUPERUSER
    profile = profile_of(user)
    return profile.role if profile is not None and user.is_active else ""


def actor(user: User | None) -> Any:
    """The user to record on an event (``None`` for the system)."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def sees(user: User | None, obj: models.Model) -> bool:
    """Whether ``user`` sees ``obj`` through the one scoping function (the system sees all)."""
    if user is None:
        return True
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def writes(user: User | None, obj: models.Model) -> bool:
    """Whether ``user``'s write scope covers ``obj`` (officers of its county or city)."""
    if user is None:
        return True
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk), write=True).exists()


def require_scope(user: User | None, obj: models.Model, *, write: bool = False) -> None:
    ok = writes(user, obj) if write else sees(user, obj)
    if not ok:
        raise refuse("该记录不在您的管辖范围内", "this record is outside your area")


def save_with_history(obj: M, *, user: User | None = None, reason: str = "") -> M:
    """Save through the one save path (``full_clean``, history with who and why, audit entry, data
    version), the workflow having checked who may act (role, transition, scope) itself."""
    return save_record(obj, user=user, reason=reason, scope_checked=True)


def now_or(at: dt.datetime | None) -> dt.datetime:
    """``at`` (imports, the demo and tests replay the past) or the current time."""
    return at if at is not None else timezone.now()


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of ``moment`` in the configured time zone (Asia/Shanghai)."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def require_reason(text: str) -> str:
    """The reason, stripped; refusing, cancelling, extending or retracting must say why."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reason": "请填写原因 / give a reason"})
    return text


def record_transition(
    obj: Any, action: str, before: str, user: User | None, at: dt.datetime, **fields: Any
) -> Any:
    """One line of ``obj``'s event log (its ``events``): who moved it by ``action`` from ``before``
    to its current state, and when; ``fields`` are the log's own columns (``note``, ``level`` …)."""
    return obj.events.create(
        action=action, from_state=before, to_state=obj.state, actor=actor(user), at=at, **fields
    )


def offered_actions(
    table: Mapping[tuple[str, str], str], state: str, role: str, offers: Mapping[str, Iterable[str]]
) -> list[str]:
    """The actions to offer as buttons: those the table allows from ``state`` that ``role`` may
    take (``offers``: action → roles; a superuser may take them all). Each action re-checks."""
    out: list[str] = []
    for s, action in table:
        if s == state and action not in out and (role == SUPERUSER or role in offers[action]):
            out.append(action)
    return out


# -- deadlines and escalation -----------------------------------------------------------------------
# Rectification orders and plan tasks are both tracked against a ``deadline`` at a ``level``
# (county or city 督办, with ``escalated_at``), and log ``extend`` and ``escalate`` events with the
# level and a note. The caller has checked the transition and who acts.


def extend_deadline(
    obj: M, new_deadline: dt.date, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> M:
    """Give ``obj`` a later deadline, saying why; the old one stays in the history and the log."""
    reason = require_reason(reason)
    old = obj.deadline  # type: ignore[attr-defined]
    if new_deadline <= old:
        raise ValidationError(
            {"deadline": "新期限须晚于原期限 / the new deadline must be later than the old one"}
        )
    obj.deadline = new_deadline  # type: ignore[attr-defined]
    save_with_history(obj, user=user, reason="延期 extended")
    note = f"{old} → {new_deadline}: {reason}"
    record_transition(obj, "extend", obj.state, user, now_or(at), level=obj.level, note=note)  # type: ignore[attr-defined]
    return obj


def escalate_to_city(
    obj: M,
    city: str,
    note: str,
    *,
    noun: tuple[str, str],
    user: User | None = None,
    at: dt.datetime | None = None,
) -> M:
    """Raise ``obj`` from county to city tracking (督办: its level becomes ``city``); refused when
    the city already tracks it (``noun``: what it is, in Chinese and English)."""
    if obj.level == city:  # type: ignore[attr-defined]
        raise ValidationError({"level": f"该{noun[0]}已由市级督办 / the city already tracks this {noun[1]}"})
    moment = now_or(at)
    obj.level = city  # type: ignore[attr-defined]
    obj.escalated_at = moment  # type: ignore[attr-defined]
    save_with_history(obj, user=user, reason="升级督办 escalated")
    record_transition(obj, "escalate", obj.state, user, moment, level=city, note=note)  # type: ignore[attr-defined]
    return obj


def escalate_overdue(
    open_at_county: QuerySet[M],
    today: dt.date,
    escalate: Callable[..., M],
    *,
    undone_zh: str,
    at: dt.datetime | None = None,
) -> list[M]:
    """The daily sweep: each record of ``open_at_county`` more than ``[rectification]
    escalate_after_days`` past its deadline is escalated, oldest deadline first, with a reason that
    counts the days (``逾期 N 天{undone_zh},升级市级督办``)."""
    grace = int(standards.value("rectification", "escalate_after_days"))
    due = open_at_county.filter(deadline__lt=today - dt.timedelta(days=grace))
    done = []
    for obj in due.order_by("deadline", "pk"):
        days = (today - obj.deadline).days  # type: ignore[attr-defined]
        done.append(
            escalate(
                obj,
                reason=f"逾期 {days} 天{undone_zh},升级市级督办 / {days} days overdue: escalated to the city",
                at=at,
            )
        )
    return done
