from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType

from django.apps import AppConfig

# ``eduplan plan`` subcommands of this app: name, one-line help (what ``eduplan plan --help``
# lists) and a loader importing the module, so the plan loader and the coverage report are
# imported only when their subcommand runs.


def _coverage() -> ModuleType:
    from eduplan.plans import plancmd_coverage

    return plancmd_coverage


def _assumptions() -> ModuleType:
    from eduplan.plans import plancmd_assumptions

    return plancmd_assumptions


def _check() -> ModuleType:
    from eduplan.plans import plancmd_check

    return plancmd_check


def _notice_part() -> ModuleType:
    from eduplan.plans import notice

    return notice


SUBCOMMANDS = (
    (
        "coverage",
        "条款覆盖 Which checks carry each clause of the plan (--live, --format table|json)",
        _coverage,
    ),
    (
        "assumptions",
        "假设清单 The assumptions register; --confirm ID [--value V] --reason TEXT --user NAME",
        _assumptions,
    ),
    (
        "check",
        "检查规划文件 Check a plan file (default: the plan in force) and name its first mistake",
        _check,
    ),
)


class PlansConfig(AppConfig):
    name = "eduplan.plans"
    label = "plans"
    verbose_name = "规划 Plans"

    def plan_subcommands(self) -> Iterable[tuple[str, str, Callable[[], ModuleType]]]:
        return SUBCOMMANDS

    def ready(self) -> None:
        from eduplan.common.noticeparts import register_notice_part_later
        from eduplan.plans.subcommands import register_app

        register_app(self)
        register_notice_part_later("assumptions", _notice_part)  # 附表: the assumptions the notice rests on
