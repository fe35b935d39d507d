from django.apps import AppConfig

#: What this app checks (``kind:id``); the plan file maps each to its clauses (docs/plans.md).
CHECKS = (
    ("register", "training_records"),
    ("register", "performance_pay"),
    ("register", "evaluation_schemes"),
    ("register", "ethics_records"),
    ("register", "publicity_items"),
    ("measure", "training_coverage"),
)


class WorkforceConfig(AppConfig):
    name = "eduplan.workforce"
    label = "workforce"
    verbose_name = "教师队伍 Workforce"

    def ready(self) -> None:
        from eduplan.plans.checks import register_all

        register_all(CHECKS)
