from django.apps import AppConfig

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
        from .reminders import supervision_todos

        register_todo_provider(self.label, supervision_todos)
        register_incident_source(banned_counties)

        from eduplan.metrics.corrections import register_notice_source

        from .notices.issued import issued_notices

        register_notice_source(issued_notices)  # which school years are reported (corrections)

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
        # The checklist's fixed lines and the monthly form's numbers are data files: each line
        # and each number is a check of its own.
        from .inspections import checklist_checks
        from .monthly_form import load_form

        register_all(checklist_checks())
        register_all(("monthly_item", i.key, i.name_zh) for i in load_form().items)
