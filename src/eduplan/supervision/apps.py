from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from eduplan.accounts.scoping import User
    from eduplan.common.todos import Todo

# The providers this app registers at start-up load their modules (the workflow, the monthly
# form, the checklist) when first asked, so a light command does not import them.


def _supervision_todos(user: User, today: dt.date) -> list[Todo]:
    from .reminders import supervision_todos

    return supervision_todos(user, today)


def _overdue_major_hazards(ctx: Any) -> Iterable[Mapping[str, Any]]:
    from .hazards import overdue_major_hazards

    return overdue_major_hazards(ctx)


def _issued_notices() -> Iterable[tuple[str, dt.date, dt.datetime]]:
    from .notices.issued import issued_notices

    return issued_notices()


def _data_file_checks() -> Iterable[tuple[str, ...]]:
    """The checklist's fixed lines and the monthly form's numbers are data files: each line and
    each number is a check of its own."""
    from .inspections import checklist_checks
    from .monthly_form import load_form

    return [*checklist_checks(), *(("monthly_item", i.key, i.name_zh) for i in load_form().items)]


#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("workflow", "annual_inspection", "", "supervision.AnnualInspection"),
    ("report", "monthly_notice", "", "supervision.Notice"),
    ("workflow", "inspection", "", "supervision.Inspection"),
    ("workflow", "rectification", "", "supervision.RectificationOrder"),
    ("workflow", "monthly_report", "", "supervision.MonthlyReport"),
    ("indicator", "monthly_reporting_completeness"),
    ("workflow", "incidents", "", "supervision.Incident"),
    ("workflow", "reminders"),
)


class SupervisionConfig(AppConfig):
    name = "eduplan.supervision"
    label = "supervision"
    verbose_name = "督导 Supervision"

    def ready(self) -> None:
        from eduplan.common.todos import register_todo_provider
        from eduplan.metrics.incidents import register_incident_source

        from .incidents import banned_counties

        register_todo_provider(self.label, _supervision_todos)
        register_incident_source(banned_counties)

        from eduplan.rules.families import register_hazard_source

        register_hazard_source(_overdue_major_hazards)

        from eduplan.metrics.corrections import register_notice_source

        register_notice_source(_issued_notices)  # which school years are reported (corrections)

        from eduplan.plans.checks import register_all, register_later

        register_all(CHECKS)
        register_later(_data_file_checks)
