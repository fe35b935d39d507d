from django.apps import AppConfig

#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("register", "training_records", "", "workforce.TrainingRecord"),
    ("register", "performance_pay", "", "workforce.PerformancePay"),
    ("register", "evaluation_schemes", "", "workforce.EvaluationScheme"),
    ("register", "ethics_records", "", "workforce.EthicsAssessment"),
    ("register", "publicity_items", "", "workforce.PublicityItem"),
    ("measure", "training_coverage"),
)


class WorkforceConfig(AppConfig):
    name = "eduplan.workforce"
    label = "workforce"
    verbose_name = "教师队伍 Workforce"

    def ready(self) -> None:
        from eduplan.intake.kindsets import register

        from .registers import WORKFORCE_KINDS

        register(WORKFORCE_KINDS)  # the workforce registers' kinds in the one import pipeline

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
