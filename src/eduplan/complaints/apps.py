from django.apps import AppConfig

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

        from .queries import complaint_todos

        register_todo_provider(self.label, complaint_todos)
        register_all(CHECKS)
