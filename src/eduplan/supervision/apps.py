from django.apps import AppConfig


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
