from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "eduplan.metrics"
    label = "metrics"
    verbose_name = "指标 Metrics"
