"""The one save path. Every action module — registry, programmes, workforce, supervision, tasks —
saves through :func:`save_record`, so a change is handled the same whichever channel makes it (a
page, the API, an import, the demo, a test):

1. the acting user's write scope (``accounts.scoping``: :func:`~eduplan.accounts.scoping.can_add`
   for a new row, the write scope for an existing one), unless the action has already decided who
   may act (a workflow transition checks role and scope itself: ``scope_checked=True``);
2. ``full_clean``, so bad data is refused the same way everywhere;
3. history with who and why (django-simple-history);
4. an audit entry (:class:`~eduplan.common.models.RecordEdit`) for records without a history;
5. a bump of the data version, so every cache keyed on it (indicators, findings, dashboards) goes
   stale;

all in one transaction: a refusal at any step leaves nothing written.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from eduplan.accounts.scoping import User, can_add, scope
from eduplan.registry.models.version import REGISTRY, bump_version

from .audit import has_history, owning_institution, values_of, write_audit

M = TypeVar("M", bound=models.Model)

#: Set while the save path saves, so the change signals (:mod:`.versions`) do not bump twice.
_saving: contextvars.ContextVar[bool] = contextvars.ContextVar("eduplan_saving", default=False)


def in_save_path() -> bool:
    return _saving.get()


@contextmanager
def _marked() -> Iterator[None]:
    token = _saving.set(True)
    try:
        yield
    finally:
        _saving.reset(token)


def check_write(user: User | None, obj: models.Model) -> None:
    """Refuse unless ``user`` may add ``obj`` (new) or change it (existing); ``None`` is the system."""
    if user is None:
        return
    if obj.pk is None:
        if not can_add(user, obj):
            raise PermissionDenied("无权在此范围内新增数据 / you may not add data here")
        return
    if not scope(user, type(obj)._default_manager.filter(pk=obj.pk), write=True).exists():
        raise PermissionDenied("无权修改此数据 / you may not change this record")


def save_record(obj: M, *, user: User | None = None, reason: str = "", scope_checked: bool = False) -> M:
    """Check, validate, save with history and audit, and bump the data version — atomically."""
    if not scope_checked:
        check_write(user, obj)
    obj.full_clean()
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason[:100]  # type: ignore[attr-defined]
    with transaction.atomic(), _marked():
        before = _stored_values(obj)
        obj.save()
        write_audit(obj, before, user, reason)
        bump_version(REGISTRY)
    return obj


def upsert_record(
    model: type[M],
    key: Mapping[str, Any],
    fields: Mapping[str, Any],
    *,
    user: User | None = None,
    reason: str = "",
) -> M:
    """The ``model`` row with the natural ``key`` (a new one when there is none), set to ``fields``
    and saved through :func:`save_record`: how the register actions write a row that a page, the
    API or an import may send again."""
    obj = model._default_manager.filter(**key).first() or model(**key)
    for name, value in fields.items():
        setattr(obj, name, value)
    return save_record(obj, user=user, reason=reason)


def _stored_values(obj: models.Model) -> dict[str, Any] | None:
    """The audited values of ``obj`` as stored (``None`` for a new row or when no audit is due)."""
    if obj.pk is None or has_history(type(obj)) or owning_institution(obj) is None:
        return None
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return values_of(stored) if stored is not None else None
