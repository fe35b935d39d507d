from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "eduplan.rules"
    label = "rules"
    verbose_name = "规则 Rules"

    def ready(self) -> None:
        # The rule families, in catalogue order: importing a module registers its rules (and so
        # the checks ``rule:<id>``); a family left out of this list makes ``catalogue()`` fail.
        from . import (
            catalogue,
            classes,
            filing,
            funding,
            licensing,
            naming,
            network,
            programmes,
            returns_only,
            safety,
            staffing,
            tasks,
            workforce,
        )

        catalogue.register_families(
            (
                naming,
                classes,
                staffing,
                safety,
                filing,
                licensing,
                network,
                funding,
                tasks,
                programmes,
                workforce,
                returns_only,
            )
        )
