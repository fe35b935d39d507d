from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "eduplan.rules"
    label = "rules"
    verbose_name = "规则 Rules"

    def ready(self) -> None:
        # Loading the catalogue registers every rule as the check ``rule:<id>``.
        from .catalogue import catalogue

        catalogue()
