from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "eduplan.complaints"
    label = "complaints"
    verbose_name = "家长投诉 Complaints"

    def ready(self) -> None:
        from eduplan.common.todos import register_todo_provider

        from .queries import complaint_todos

        register_todo_provider(self.label, complaint_todos)
