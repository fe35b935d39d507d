from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "eduplan.planning"
    label = "planning"
    verbose_name = "规划工具 Planning"
