from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "eduplan.supervision"
    label = "supervision"
    verbose_name = "督导 Supervision"
