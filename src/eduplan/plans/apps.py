from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "eduplan.plans"
    label = "plans"
    verbose_name = "规划 Plans"

    def ready(self) -> None:
        from eduplan.plans import plancmd_coverage
        from eduplan.plans.subcommands import register

        register(plancmd_coverage.NAME, plancmd_coverage.HELP, lambda: plancmd_coverage, app=self.label)
