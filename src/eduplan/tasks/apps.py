from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "eduplan.tasks"
    label = "tasks"
    verbose_name = "计划任务 Plan tasks"
