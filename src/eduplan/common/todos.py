"""The to-do registry: each user's upcoming and missed deadlines, gathered from every domain that
has some (monthly reports and rectification orders, plan tasks, parents' complaints …).

Apps register a provider from their ``AppConfig.ready`` with :func:`register_todo_provider`; pages,
the dashboard and ``eduplan remind`` ask :func:`todos_for` and never import a domain's queries, so
no app needs to know which others keep deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeAlias

from django.core.exceptions import ImproperlyConfigured

from eduplan.accounts.scoping import User


@dataclass(frozen=True)
class Todo:
    """One item of a to-do list. ``days_left`` is negative when overdue."""

    kind: str
    title_zh: str
    title_en: str
    due_on: dt.date | None
    days_left: int | None
    url: str = ""
    county: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "overdue": self.overdue}


TodoProvider: TypeAlias = Callable[[User, dt.date], list[Todo]]

_PROVIDERS: dict[str, TodoProvider] = {}


def register_todo_provider(name: str, provider: TodoProvider) -> None:
    """Add a domain's to-do items under ``name`` (its app label). Registering a second, different
    provider under a name already taken is a start-up error, not a silent replacement."""
    known = _PROVIDERS.get(name)
    if known is not None and known is not provider:
        raise ImproperlyConfigured(f"to-do provider {name!r} is registered twice ({known!r}, {provider!r})")
    _PROVIDERS[name] = provider


def todo_providers() -> dict[str, TodoProvider]:
    """The registered providers by name (a copy), in registration (``INSTALLED_APPS``) order."""
    return dict(_PROVIDERS)


def sort_key(item: Todo) -> tuple[bool, int, str]:
    """Overdue first, then the nearest deadline, then by title; items without a deadline last."""
    return (not item.overdue, item.days_left if item.days_left is not None else 10**6, item.title_zh)


def todos_for(user: User, today: dt.date | None = None) -> list[Todo]:
    """The user's to-do list on ``today`` from every registered provider, overdue first, then by
    due date. Fails loudly when no provider is registered (the apps were not loaded)."""
    if not _PROVIDERS:
        raise ImproperlyConfigured("no to-do provider is registered: are the eduplan apps installed?")
    today = today or dt.date.today()
    items = [item for provider in _PROVIDERS.values() for item in provider(user, today)]
    return sorted(items, key=sort_key)
