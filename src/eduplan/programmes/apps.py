from django.apps import AppConfig

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
    ("report", "notice_incentives"),
)


class ProgrammesConfig(AppConfig):
    name = "eduplan.programmes"
    label = "programmes"
    verbose_name = "专项工作 Programmes"

    def ready(self) -> None:
        from eduplan.intake.kindsets import register

        from .kinds import programme_kind_set

        register(programme_kind_set())  # the programme registers' import pipeline

        from eduplan.common.noticeparts import register_notice_part

        from . import notice

        register_notice_part(notice)

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
