from django.apps import AppConfig

#: What this app checks (``kind:id``); the plan file maps each to its clauses (docs/plans.md).
CHECKS = (
    ("register", "programmes.incentives"),
    ("register", "programmes.standardisation"),
    ("register", "programmes.designations"),
    ("register", "programmes.school_groups"),
    ("register", "programmes.subsidies"),
    ("register", "programmes.parent_committees"),
    ("report", "notice_incentives"),
)


class ProgrammesConfig(AppConfig):
    name = "eduplan.programmes"
    label = "programmes"
    verbose_name = "专项工作 Programmes"

    def ready(self) -> None:
        from eduplan.plans.checks import register_all

        register_all(CHECKS)
