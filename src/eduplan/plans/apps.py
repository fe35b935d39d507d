from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "eduplan.plans"
    label = "plans"
    verbose_name = "规划 Plans"
