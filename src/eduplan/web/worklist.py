"""Each user's to-do list on the dashboards, cached until something it depends on changes.

The list (deadlines of reports, rectification orders, complaints, tasks …; see
``eduplan.supervision.reminders``) takes a dozen queries to build, and officers open their dashboard
far more often than anyone writes a report. It is kept per user and day and rebuilt when either
counter of ``registry.DataVersion`` moves: the registry's (bumped by every registry action) or the
work counter, bumped here by any save or delete of a row of the apps in :data:`WORK_APPS` — through
any page, API call, command or the admin, inside the writer's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from eduplan.registry.models import current_versions
from eduplan.registry.models.version import WORK, bump_version

from .results import cached

#: Apps whose rows feed to-do lists.
WORK_APPS = frozenset({"supervision", "portal", "tasks", "programmes", "workforce", "accounts"})


def _work_changed(sender: Any, **kwargs: Any) -> None:
    if sender._meta.app_label in WORK_APPS and not kwargs.get("raw"):
        bump_version(WORK)


def connect() -> None:
    """Called once from ``WebConfig.ready``."""
    post_save.connect(_work_changed, dispatch_uid="eduplan-work-version-save")
    post_delete.connect(_work_changed, dispatch_uid="eduplan-work-version-delete")


def todos(user: Any, today: dt.date) -> list[Any]:
    """The user's to-do items on ``today``, overdue first, then by due date."""
    from eduplan.portal.queries import complaint_todos
    from eduplan.supervision.reminders import todo_for

    def build() -> list[Any]:
        return sorted(
            [*todo_for(user, today), *complaint_todos(user, today)],
            key=lambda t: (not t.overdue, t.due_on or dt.date.max),
        )

    registry, work = current_versions()
    return cached(f"todos:{user.pk}:{today.isoformat()}:{work}", build, version=registry)


def rendered(user: Any, today: dt.date) -> dict[str, Any]:
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
