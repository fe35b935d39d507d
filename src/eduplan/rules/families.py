"""The rule families: which modules declare the catalogue's rules, registered by
``RulesConfig.ready`` and loaded on the catalogue's first use (``catalogue.catalogue``).

Kept apart from ``catalogue`` so that registering them at start-up imports nothing: the catalogue
module needs the plan loader and the standards, which a light command (``eduplan --help``) should
not load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_LOADER: Callable[[], Iterable[ModuleType]] | None = None
_FAMILIES: dict[str, ModuleType] = {}


def register_families(load: Callable[[], Iterable[ModuleType]]) -> None:
    """Register the rule family modules, in catalogue order: ``load`` imports and returns each one
    (``RulesConfig.ready`` names them; importing a module registers its rules)."""
    global _LOADER
    _LOADER = load
    _FAMILIES.clear()


def families() -> dict[str, ModuleType]:
    """The family modules by name, in catalogue order, loaded on first use; asked before
    ``RulesConfig.ready`` registered them, it fails loudly instead of answering with a partial
    catalogue."""
    if not _FAMILIES:
        if _LOADER is None:
            raise ImproperlyConfigured(
                "the rule families are not registered: eduplan.rules must be in INSTALLED_APPS "
                "(RulesConfig.ready registers them)"
            )
        for module in _LOADER():
            _FAMILIES[module.__name__] = module
    return _FAMILIES


#: The overdue-major-hazard reader of ``SAFETY-HAZARD-OVERDUE`` (see ``rules.safety``): a function of
#: the rule's context returning the overdue orders' rows. Kept here, not in ``rules.safety``, so that
#: the supervision app registers it at start-up without loading the catalogue.
HazardSource = Callable[[Any], Iterable[Mapping[str, Any]]]
_hazard_source: HazardSource | None = None


def register_hazard_source(source: HazardSource | None) -> None:
    """Register the overdue-major-hazard reader (``None`` removes it)."""
    global _hazard_source
    _hazard_source = source


def hazard_source() -> HazardSource | None:
    """The registered overdue-hazard reader, or ``None`` while no app provides one."""
    return _hazard_source
