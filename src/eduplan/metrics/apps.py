from __future__ import annotations

from types import ModuleType

from django.apps import AppConfig


def _notice_part() -> ModuleType:
    from . import notice

    return notice


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
        from eduplan.common.noticeparts import register_notice_part_later

        register_notice_part_later("corrections", _notice_part)  # late corrections of reported years

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
