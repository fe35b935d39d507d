from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from .kinds import KindSet


def _registry_kinds() -> KindSet:
    # built from the registry models' fields on first use, not at start-up
    from .kinds import REGISTRY_KINDS

    return REGISTRY_KINDS


def _sweep_stale_batches(now: dt.datetime) -> int:
    # the sweep reads the importer's modules (and openpyxl): loaded when it first runs
    from .sweep import sweep_stale_batches

    return sweep_stale_batches(now)


class IntakeConfig(AppConfig):
    name = "eduplan.intake"
    label = "intake"
    verbose_name = "数据导入导出 Intake"

    def ready(self) -> None:
        from .kindsets import register_later

        register_later("registry", _registry_kinds)  # the registry workbook's import pipeline

        from eduplan.security.sweeps import register as register_sweep

        register_sweep("import_batches", _sweep_stale_batches)
