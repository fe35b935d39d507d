from django.apps import AppConfig


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
