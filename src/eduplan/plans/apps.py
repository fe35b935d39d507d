from collections.abc import Callable
from types import ModuleType

from django.apps import AppConfig


def _loader(module: ModuleType) -> Callable[[], ModuleType]:
    return lambda: module


class PlansConfig(AppConfig):
    name = "eduplan.plans"
    label = "plans"
    verbose_name = "规划 Plans"

    def ready(self) -> None:
        from eduplan.common.noticeparts import register_notice_part
        from eduplan.plans import notice, plancmd_assumptions, plancmd_check, plancmd_coverage
        from eduplan.plans.subcommands import register

        for module in (plancmd_coverage, plancmd_assumptions, plancmd_check):
            register(module.NAME, module.HELP, _loader(module), app=self.label)
        register_notice_part(notice)  # 附表: the assumptions the notice rests on
