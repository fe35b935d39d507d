from django.apps import AppConfig

#: What this app checks (``kind:id``); the plan file maps each to its clauses (docs/plans.md).
CHECKS = (
    ("report", "indicators"),
    ("measure", "counties_ready"),
)


class MetricsConfig(AppConfig):
    name = "eduplan.metrics"
    label = "metrics"
    verbose_name = "指标 Metrics"

    def ready(self) -> None:
        from eduplan.common.noticeparts import register_notice_part

        from . import notice

        register_notice_part(notice)  # late corrections of reported school years

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
