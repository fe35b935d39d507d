"""The import pipelines' kind sets, registered by the apps at start-up (``AppConfig.ready``).

Each app that imports Excel through ``intake.importer`` registers its set once (the registry
workbook here, the programme registers in ``programmes``, the workforce registers in
``workforce``); an import asks for its set by name.
Nothing is added to or removed from a set while imports run, so imports need no lock. Asking
for a set nobody registered fails loudly: an app is missing from ``INSTALLED_APPS`` or its
``ready`` did not run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the kinds are built from the registry models: not loaded to register a set
    from .kinds import KindSet

_SETS: dict[str, KindSet] = {}
_LATER: dict[str, Callable[[], KindSet]] = {}


def register(chosen: KindSet) -> KindSet:
    """Register a kind set under its name (idempotent for the same kinds: ``ready`` may run twice
    in tests); other kinds under a name already taken is a programming error."""
    held = _SETS.get(chosen.name)
    if held is not None:
        if list(held.kinds.items()) != list(chosen.kinds.items()):
            raise RuntimeError(f"kind set {chosen.name!r} is already registered with other kinds")
        return held
    _SETS[chosen.name] = chosen
    return chosen


def register_later(name: str, build: Callable[[], KindSet]) -> None:
    """Register the set ``build`` returns, built on first use: for an app whose kinds live with
    their write hooks and so with the importer and openpyxl, which a light command (``eduplan
    --help``) should not load at start-up."""
    _LATER[name] = build


def kind_set(name: str) -> KindSet:
    """The kind set registered as ``name``."""
    if name not in _SETS and name in _LATER:
        built = _LATER[name]()
        if built.name != name:
            raise RuntimeError(f"kind set {name!r} was built as {built.name!r}")
        register(built)
    try:
        return _SETS[name]
    except KeyError:
        raise LookupError(
            f"no kind set {name!r} is registered (registered: {', '.join([*_SETS, *_LATER]) or 'none'}); "
            "its app must register it in AppConfig.ready"
        ) from None
