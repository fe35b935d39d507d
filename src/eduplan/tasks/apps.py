from django.apps import AppConfig

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
        from eduplan.plans.checks import register_all

        register_all(CHECKS)
