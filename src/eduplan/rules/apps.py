from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "eduplan.rules"
    label = "rules"
    verbose_name = "规则 Rules"
