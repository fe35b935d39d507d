"""Drafts of long forms, per user, on the server (issue 23: "forms that keep what was typed").

A page keeps what its user typed when a save is refused (``keep``) and the browser sends what is
being typed as it goes (``/office/drafts/<key>/``, eduplan/drafts.js); the page restores the draft
when it is newer than the record (``restore``) and a successful save discards it. A draft is read
back only by its owner, so it needs no scoping of its own: the record it belongs to is scoped by the
page that shows it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import FormDraft

#: ``monthly-report:12``, ``inspection:7``: a form's name and its record's id.
KEY = re.compile(r"^[a-z][a-z-]{1,40}:\d{1,12}$")
#: Fields never kept: the CSRF token and the button pressed.
SKIPPED = {"csrfmiddlewaretoken", "action"}
MAX_FIELDS = 400
MAX_CHARS = 5000


@dataclass(frozen=True)
class Draft:
    fields: dict[str, str]
    saved_at: dt.datetime


def valid_key(key: str) -> bool:
    return bool(KEY.match(key))


def _fields(data: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in data:
        if name in SKIPPED or len(out) >= MAX_FIELDS:
            continue
        value = data.get(name)
        out[str(name)[:100]] = ("" if value is None else str(value))[:MAX_CHARS]
    return out


def keep(user: AbstractBaseUser | AnonymousUser, key: str, data: Mapping[str, Any]) -> None:
    """Keep ``data`` (a form's fields by name) as ``user``'s draft of ``key``."""
    if not user.is_authenticated or not valid_key(key):
        return
    FormDraft.objects.update_or_create(user_id=user.pk, key=key, defaults={"data": _fields(data)})


def discard(user: AbstractBaseUser | AnonymousUser, key: str) -> None:
    if user.is_authenticated:
        FormDraft.objects.filter(user_id=user.pk, key=key).delete()


def restore(user: AbstractBaseUser | AnonymousUser, key: str, record: Any = None) -> Draft | None:
    """``user``'s draft of ``key``, unless the record was saved after it (the draft is then stale
    and dropped)."""
    if not user.is_authenticated:
        return None
    row = FormDraft.objects.filter(user_id=user.pk, key=key).first()
    if row is None:
        return None
    changed = getattr(record, "updated_at", None)
    if changed is not None and changed > row.saved_at:
        row.delete()
        return None
    return Draft(fields=dict(row.data), saved_at=row.saved_at)
