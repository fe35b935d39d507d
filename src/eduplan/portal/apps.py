from django.apps import AppConfig

#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (("report", "public_directory"),)


class PortalConfig(AppConfig):
    name = "eduplan.portal"
    label = "portal"
    verbose_name = "公众门户 Portal"

    def ready(self) -> None:
        from eduplan.plans.checks import register_all

        register_all(CHECKS)
