from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from django.apps import AppConfig


def _families() -> Sequence[ModuleType]:
    """The rule families, in catalogue order: importing a module registers its rules (and so the
    checks ``rule:<id>``); a family left out of this list makes ``catalogue()`` fail. Loaded on
    the catalogue's first use, not at start-up."""
    from . import (
        classes,
        duties,
        filing,
        funding,
        licensing,
        naming,
        network,
        programmes,
        returns_only,
        safety,
        staffing,
        tasks,
        workforce,
    )

    return (
        naming,
        classes,
        staffing,
        safety,
        filing,
        licensing,
        network,
        funding,
        tasks,
        programmes,
        workforce,
        returns_only,
        duties,
    )


class RulesConfig(AppConfig):
    name = "eduplan.rules"
    label = "rules"
    verbose_name = "规则 Rules"

    def ready(self) -> None:
        from .families import register_families

        register_families(_families)
