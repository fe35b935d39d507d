from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from eduplan.accounts.scoping import User
    from eduplan.common.todos import Todo


def _complaint_todos(user: User, today: dt.date) -> list[Todo]:
    # loaded when first asked, so a light command does not import the complaints workflow
    from .queries import complaint_todos

    return complaint_todos(user, today)


#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (("workflow", "complaints", "", "complaints.Complaint"),)


class ComplaintsConfig(AppConfig):
    name = "eduplan.complaints"
    label = "complaints"
    verbose_name = "家长投诉 Complaints"

    def ready(self) -> None:
        from eduplan.common.todos import register_todo_provider
        from eduplan.plans.checks import register_all

        register_todo_provider(self.label, _complaint_todos)
        register_all(CHECKS)
