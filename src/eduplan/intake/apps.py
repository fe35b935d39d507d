from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "eduplan.intake"
    label = "intake"
    verbose_name = "数据导入导出 Intake"
