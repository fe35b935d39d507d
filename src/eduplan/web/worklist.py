"""Each user's to-do list on the dashboards, cached until something it depends on changes.

The list (deadlines of reports, rectification orders, complaints, tasks …; see
``eduplan.common.todos``) takes a dozen queries to build, and officers open their dashboard
far more often than anyone writes a report. It is kept per user and day and rebuilt when either
counter of ``registry.DataVersion`` moves (:mod:`eduplan.common.versions`): the registry's or the
work counter, bumped by any save or delete of a row of the apps that feed to-do lists — through
any page, API call, command or the admin, inside the writer's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from eduplan.accounts.scoping import User
from eduplan.common.cache import cached
from eduplan.common.todos import Todo, todos_for
from eduplan.registry.models import current_versions


def todos(user: User, today: dt.date) -> list[Todo]:
    """The user's to-do items on ``today`` from every registered provider
    (:mod:`eduplan.common.todos`), overdue first, then by due date."""

    def build() -> list[Todo]:
        return sorted(todos_for(user, today), key=lambda t: (not t.overdue, t.due_on or dt.date.max))

    registry, work = current_versions()
    return cached(f"todos:{user.pk}:{today.isoformat()}:{work}", build, version=registry)


def rendered(user: User, today: dt.date) -> dict[str, Any]:
    """The to-do list as the dashboard shows it, grouped by kind with the nearest due dates first
    (:func:`eduplan.web.home.group_todos`): ``count`` and ready ``html``, cached like :func:`todos`
    (and per language)."""

    def build() -> dict[str, Any]:
        from .home import group_todos

        items = todos(user, today)
        html = render_to_string(
            "web/_todo_groups.html",
            {"groups": group_todos(items), "english": (get_language() or "").startswith("en")},
        )
        return {"count": len(items), "html": html}

    registry, work = current_versions()
    key = f"todos-html:{user.pk}:{today.isoformat()}:{work}:{get_language()}"
    part = cached(key, build, version=registry)
    return {"todo_count": part["count"], "todos_html": mark_safe(part["html"])}
