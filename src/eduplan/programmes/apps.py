from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from eduplan.intake.kinds import KindSet

# The kinds and the notice part are loaded when first used, so a light command does not import
# the registers' column specs or the indicator cache.


def _kind_set() -> KindSet:
    from .kinds import programme_kind_set

    return programme_kind_set()


def _notice_part() -> ModuleType:
    from . import notice

    return notice


#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("register", "programmes.incentives", "", "programmes.CountyCertification"),
    ("register", "programmes.standardisation", "", "programmes.StandardisationProject"),
    ("register", "programmes.designations", "", "programmes.Designation"),
    ("register", "programmes.school_groups", "", "programmes.SchoolGroup"),
    ("register", "programmes.subsidies", "", "programmes.SubsidyDisbursement"),
    ("register", "programmes.parent_committees", "", "programmes.ParentCommittee"),
    ("register", "programmes.education_spending", "", "programmes.CountyEducationSpending"),
    ("register", "programmes.teaching_point_standards", "", "programmes.TeachingPointStandard"),
    ("register", "programmes.quality_evaluations", "", "programmes.QualityEvaluation"),
    ("register", "programmes.group_activities", "", "programmes.SchoolGroupActivity"),
    ("register", "programmes.trusteeship_channels", "", "programmes.TrusteeshipSupport"),
    ("register", "programmes.residential_projects", "", "programmes.ResidentialProject"),
    ("report", "notice_incentives"),
)


class ProgrammesConfig(AppConfig):
    name = "eduplan.programmes"
    label = "programmes"
    verbose_name = "专项工作 Programmes"

    def ready(self) -> None:
        from eduplan.intake.kindsets import register_later

        register_later("programmes", _kind_set)  # the programme registers' import pipeline

        from eduplan.common.noticeparts import register_notice_part_later

        register_notice_part_later("incentives", _notice_part)

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
