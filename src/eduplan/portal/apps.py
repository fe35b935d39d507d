from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "eduplan.portal"
    label = "portal"
    verbose_name = "公众门户 Portal"

    def ready(self) -> None:
        from eduplan.common.todos import register_todo_provider

        from .queries import complaint_todos

        register_todo_provider(self.label, complaint_todos)
