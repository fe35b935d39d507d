"""The planning app; at start-up it registers its ``eduplan plan`` subcommands, one per tool.

Each tool's command module (``<tool>/command.py``) is loaded only when its subcommand runs, so the
numerical libraries behind the tools (numpy, scipy) are not imported by ``eduplan plan --help`` or
by any other command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

from django.apps import AppConfig

#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("page", "admissions_runs", "", "planning.AdmissionsRun"),
    ("page", "planning"),
    ("planning", "admissions_jobs", "", "planning.AdmissionsRun"),
    ("planning", "adopt", "", "planning.TargetAdoption"),
    ("planning", "allocate"),
    ("planning", "gaps"),
    ("planning", "gaps_high_school"),
    ("planning", "project"),
    ("planning", "scenario"),
    ("planning", "site"),
    ("planning_tool", "admissions"),
    ("planning_tool", "projection"),
    ("planning_tool", "scenarios"),
    ("planning_tool", "seat_gaps"),
    ("planning_tool", "siting"),
    ("planning_tool", "siting_registry"),
    ("planning_tool", "target_allocation"),
)


def _project() -> ModuleType:
    from .projection import command

    return command


def _gaps() -> ModuleType:
    from .gaps import command

    return command


def _allocate() -> ModuleType:
    from .allocation import command

    return command


def _adopt() -> ModuleType:
    from .allocation import adopt_command

    return adopt_command


def _targets() -> ModuleType:
    from .allocation import targets_command

    return targets_command


def _scenario() -> ModuleType:
    from .scenarios import command

    return command


def _site() -> ModuleType:
    from .siting import command

    return command


def _sweep_admissions_runs(now: object) -> int:
    """Admissions runs whose worker is gone, failed with the reason (``admissions.jobs.refresh_stale``)."""
    from .admissions.jobs import refresh_stale
    from .models import AdmissionsRun, AdmissionsRunStatus

    unfinished = AdmissionsRun.objects.filter(
        status__in=(AdmissionsRunStatus.QUEUED, AdmissionsRunStatus.RUNNING)
    )
    return sum(refresh_stale(run).status == AdmissionsRunStatus.FAILED for run in unfinished)


def _adopted_targets() -> Mapping[tuple[str, str], Mapping[int, Any]]:
    from .allocation.adopt import adopted_targets

    return adopted_targets()


class PlanningConfig(AppConfig):
    name = "eduplan.planning"
    label = "planning"
    verbose_name = "规划工具 Planning"

    def plan_subcommands(self) -> Iterable[tuple[str, str, Callable[[], ModuleType]]]:
        """One subcommand per tool (read by ``ready()`` and, without ``django.setup()``, by
        ``eduplan plan --help``)."""
        from .allocation.methods import METHODS

        return (
            (
                "project",
                "人口预测 Project the 3–5 and 15–17 population by county and year "
                "(--to 2035 --births constant|trend|series --series 2025:19000,…)",
                _project,
            ),
            (
                "gaps",
                "学位缺口 Preschool (default) or high-school-stage seats against demand by county/township "
                "and year; township and village flags",
                _gaps,
            ),
            (
                "allocate",
                "目标分解 Split the city's preschool enrollment target among its counties "
                "(--year Y --method " + "|".join(METHODS) + " [--target T])",
                _allocate,
            ),
            (
                "adopt",
                "通过县目标 The city adopts county targets for a city-wide indicator "
                "(--indicator ID --year Y --scenario NAME|--file F.xlsx --reason TEXT --user NAME)",
                _adopt,
            ),
            (
                "targets",
                "县目标 The county targets of record in force (--history: every adoption)",
                _targets,
            ),
            (
                "scenario",
                "规划情景 Save, list and compare named planning scenarios (births, target, method)",
                _scenario,
            ),
            (
                "site",
                "幼儿园布局与服务区 Kindergarten siting (p-median, covering, closing) and service zones",
                _site,
            ),
        )

    def ready(self) -> None:
        from eduplan.plans.subcommands import register_app

        register_app(self)

        from eduplan.security.sweeps import register as register_sweep

        register_sweep("admissions_runs", _sweep_admissions_runs)

        from eduplan.metrics.adopted import register_adopted_targets

        register_adopted_targets(_adopted_targets)  # county targets the indicators judge against

        from eduplan.plans.checks import register_all

        register_all(CHECKS)
