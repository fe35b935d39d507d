"""Where the indicators find the county targets the city adopted (精准下达): the planning app keeps
them and registers its reader at start-up (``PlanningConfig.ready``), since metrics may not import
the apps above it (docs/architecture.md). No numerical library here: it is imported at start-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

#: ``fn()`` → ``{(indicator, county code): {school year: progress.CountyTarget}}``.
AdoptedSource = Callable[[], Mapping[tuple[str, str], Mapping[int, Any]]]
_source: AdoptedSource | None = None


def register_adopted_targets(fn: AdoptedSource) -> None:
    global _source
    _source = fn


def adopted_targets() -> Mapping[tuple[str, str], Mapping[int, Any]]:
    """The county targets in force; no registered provider is a configuration error."""
    if _source is None:
        raise ImproperlyConfigured(
            "没有登记县目标来源(规划模块未加载)/ no source of adopted county targets is registered: "
            "PlanningConfig.ready registers planning.allocation.adopt.adopted_targets"
        )
    return _source()
