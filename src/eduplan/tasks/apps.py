from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from eduplan.accounts.scoping import User
    from eduplan.common.todos import Todo

# The providers this app registers at start-up load their modules when first asked, so a light
# command does not import them.


def _task_todos(user: User, today: dt.date) -> list[Todo]:
    from .queries import task_todos

    return task_todos(user, today)


def _notice_part() -> ModuleType:
    from . import notice

    return notice


#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("workflow", "plan_tasks", "", "tasks.CountyTask"),
    ("workflow", "county_action_plan", "", "tasks.CountyPlan"),
    ("report", "notice_overdue_tasks"),
)


class TasksConfig(AppConfig):
    name = "eduplan.tasks"
    label = "tasks"
    verbose_name = "计划任务 Plan tasks"

    def ready(self) -> None:
        from eduplan.common.noticeparts import register_notice_part_later
        from eduplan.common.todos import register_todo_provider

        register_todo_provider(self.label, _task_todos)
        register_notice_part_later("overdue_tasks", _notice_part)

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
