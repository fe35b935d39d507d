from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "eduplan.returns"
    label = "returns"
    verbose_name = "教育统计报表 Statistical returns"
