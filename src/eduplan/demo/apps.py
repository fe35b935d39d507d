from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "eduplan.demo"
    label = "demo"
    verbose_name = "演示数据 Demo"

    def ready(self) -> None:
        # Each kind of planted problem is a check, so the plan cites a clause for it.
        from eduplan.plans.checks import register_all

        from .kinds import KINDS

        register_all(("demo", k) for k in KINDS)
