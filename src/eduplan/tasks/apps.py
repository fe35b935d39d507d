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
        from eduplan.common.noticeparts import register_notice_part
        from eduplan.common.todos import register_todo_provider

        from . import notice
        from .queries import task_todos

        register_todo_provider(self.label, task_todos)
        register_notice_part(notice)

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
