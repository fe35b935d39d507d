from django.apps import AppConfig

#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("register", "duties.party_coverage", "", "duties.PartyCoverage"),
    ("register", "duties.public_registration", "", "duties.PublicRegistration"),
    ("register", "duties.guidance_visits", "", "duties.GuidanceVisit"),
    ("register", "duties.nonprofit_accounts", "", "duties.NonProfitAccounts"),
    ("register", "duties.classroom_pairings", "", "duties.ClassroomPairing"),
    ("register", "duties.trusteeship_fees", "", "duties.TrusteeshipFee"),
    ("register", "duties.talent_outflow", "", "duties.TalentOutflow"),
    ("register", "duties.teacher_pay", "", "duties.TeacherPay"),
)


class DutiesConfig(AppConfig):
    name = "eduplan.duties"
    label = "duties"
    verbose_name = "职责落实 Duties"

    def ready(self) -> None:
        from eduplan.intake.kindsets import register

        from .kinds import duty_kind_set

        register(duty_kind_set())  # the duty registers' import pipeline

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
