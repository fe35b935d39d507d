from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from eduplan.intake.kinds import KindSet

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


def _workforce_kinds() -> KindSet:
    # The kinds live with their write hooks, which need the importer (and openpyxl): loaded with
    # the first import, not at start-up.
    from .registers import WORKFORCE_KINDS

    return WORKFORCE_KINDS


class WorkforceConfig(AppConfig):
    name = "eduplan.workforce"
    label = "workforce"
    verbose_name = "教师队伍 Workforce"

    def ready(self) -> None:
        from eduplan.intake.kindsets import register_later

        register_later("workforce", _workforce_kinds)  # the registers' kinds in the one import pipeline

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
