"""Recording changes of an institution's tracked attributes with the date from which they hold
(ARCHITECTURE.md, "time"; ``models.states``). Called by the registry actions' save path only, so
every channel — a page, the API, an import, the demo — writes the same attribute rows.

The effective date of a change is given by the caller (``effective_from``) or by the pipeline around
it (:func:`effective`, e.g. an import taking the date from its form); without either it is today.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from eduplan.accounts.scoping import User

from .models import Institution, InstitutionState
from .models.states import TRACKED, in_force_on, opening_rows, state_of

_effective: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("eduplan_effective", default=None)


@contextmanager
def effective(day: dt.date | None) -> Iterator[None]:
    """Within the block, changes of tracked attributes hold from ``day`` (``None``: the enclosing
    block's day, else today)."""
    token = _effective.set(day if day is not None else _effective.get())
    try:
        yield
    finally:
        _effective.reset(token)


def explicit() -> bool:
    """Whether the pipeline was given an effective date (not the default today)."""
    return _effective.get() is not None


def effective_day(given: dt.date | None = None) -> dt.date:
    return given or _effective.get() or timezone.localdate()


def stored_state(institution: Institution) -> dict[str, Any] | None:
    """The tracked values of ``institution`` as stored now (``None`` for a new row)."""
    if institution.pk is None:
        return None
    return Institution.objects.filter(pk=institution.pk).values(*TRACKED).first()


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def record_opening(institution: Institution, *, user: User | None = None, reason: str = "") -> None:
    """The first attribute rows of a new institution: today's values from its opening."""
    InstitutionState.objects.bulk_create(
        InstitutionState(
            institution=institution,
            effective_from=start,
            recorded_by_id=_user_id(user),
            reason=reason[:200],
            **values,
        )
        for start, values in opening_rows(state_of(institution), institution.established_on)
    )


def record_change(
    institution: Institution,
    before: dict[str, Any],
    *,
    effective_from: dt.date | None = None,
    user: User | None = None,
    reason: str = "",
) -> InstitutionState | None:
    """Record that the tracked attributes that differ between ``before`` (as stored) and
    ``institution`` (as saved) hold from ``effective_from``. Later rows that still carried the old
    value of a changed attribute take the new one (a back-dated correction runs until the next change
    of the same attribute). Then ``institution`` is set to the values in force today, so a change in
    force from a future day does not show as today's."""
    day = effective_day(effective_from)
    held = in_force_on(institution, day)
    ref = held.values() if held is not None else before
    changed = {
        name: getattr(institution, name) for name in TRACKED if getattr(institution, name) != ref[name]
    }
    if not changed:
        return None
    if not InstitutionState.objects.filter(institution=institution).exists():
        for start, values in opening_rows(before, institution.established_on):
            InstitutionState.objects.create(
                institution=institution, effective_from=min(start, day), reason="回填 backfill", **values
            )
    base = in_force_on(institution, day)
    values = {**(base.values() if base else ref), **changed}
    row = InstitutionState.objects.create(
        institution=institution,
        effective_from=day,
        recorded_by_id=_user_id(user),
        reason=reason[:200],
        **values,
    )
    for later in InstitutionState.objects.filter(institution=institution, effective_from__gt=day):
        update = {n: v for n, v in changed.items() if getattr(later, n) == ref[n]}
        if update:
            InstitutionState.objects.filter(pk=later.pk).update(**update)
    today = in_force_on(institution, timezone.localdate())
    if today is not None:
        now = today.values()
        if any(getattr(institution, n) != v for n, v in now.items()):
            Institution.objects.filter(pk=institution.pk).update(**now)
            for n, v in now.items():
                setattr(institution, n, v)
    return row


def stored_states(pks: list[int]) -> dict[int, dict[str, Any]]:
    """The tracked values of the institutions ``pks`` as stored now (before a bulk write)."""
    rows = Institution.objects.filter(pk__in=pks).values("pk", *TRACKED)
    return {r.pop("pk"): r for r in rows}


def record_bulk(
    created: list[Institution],
    updated: list[Institution],
    before: dict[int, dict[str, Any]],
    *,
    user: User | None,
) -> None:
    """The attribute rows of an import that wrote institutions in bulk: opening rows for the new
    ones, a dated change (the import's effective date) for the changed ones."""
    uid = _user_id(user)
    InstitutionState.objects.bulk_create(
        [
            InstitutionState(
                institution=inst, effective_from=start, recorded_by_id=uid, reason="导入 import", **vals
            )
            for inst in created
            for start, vals in opening_rows(state_of(inst), inst.established_on)
        ],
        batch_size=2000,
    )
    for inst in updated:
        if inst.pk in before:  # compared with what was in force on the effective date
            record_change(inst, before[inst.pk], user=user, reason="导入 import")
