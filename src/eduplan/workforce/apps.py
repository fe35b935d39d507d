from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "eduplan.workforce"
    label = "workforce"
    verbose_name = "教师队伍 Workforce"
