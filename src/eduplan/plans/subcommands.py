"""The registry of ``eduplan plan`` subcommands: apps register theirs in ``AppConfig.ready``.

Each registration names the subcommand, gives its one-line help (what ``eduplan plan --help``
lists) and a loader returning the module that implements it: ``add_arguments(parser)`` and
``handle(options, stdout)``. The module is loaded only when its subcommand is parsed, so
``eduplan plan --help`` does not import the numerical libraries behind the tools. Nothing is found by
scanning file names; a subcommand registered twice, or whose module cannot be loaded or lacks
those functions, is an error that names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured

#: What an app declares for each subcommand: name, one-line help, loader of its module.
Declaration = tuple[str, str, Callable[[], ModuleType]]


@runtime_checkable
class DeclaresSubcommands(Protocol):
    """An ``AppConfig`` with ``eduplan plan`` subcommands. The declaration is a method of the app's
    config, not only code in ``ready()``, so that ``eduplan plan --help`` can list the subcommands
    from the configs alone, without ``django.setup()`` (``cli.py``)."""

    label: str

    def plan_subcommands(self) -> Iterable[Declaration]: ...


@dataclass(frozen=True)
class PlanSubcommand:
    name: str
    help: str
    load: Callable[[], ModuleType]
    app: str


_REGISTRY: dict[str, PlanSubcommand] = {}


def register(name: str, help: str, load: Callable[[], ModuleType], *, app: str) -> None:
    """Register ``eduplan plan NAME`` (called from the owning app's ``AppConfig.ready``)."""
    existing = _REGISTRY.get(name)
    if existing is not None and existing.app != app:
        raise ImproperlyConfigured(
            f"eduplan plan {name}: 子命令重复注册 registered twice, by {existing.app} and {app}"
        )
    _REGISTRY[name] = PlanSubcommand(name=name, help=help, load=load, app=app)


def register_app(config: DeclaresSubcommands) -> None:
    """Register every subcommand ``config`` declares (its ``ready()`` calls this)."""
    for name, help_text, loader in config.plan_subcommands():
        register(name, help_text, loader, app=config.label)


def registered() -> dict[str, PlanSubcommand]:
    """Every registered subcommand, by name."""
    return dict(sorted(_REGISTRY.items()))


def load(spec: PlanSubcommand) -> ModuleType:
    """The module implementing ``spec``; a missing module or function fails loudly, naming it."""
    try:
        module = spec.load()
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"eduplan plan {spec.name}: 子命令模块无法加载 the module registered by {spec.app} "
            f"cannot be loaded: {exc}"
        ) from exc
    missing = [f for f in ("add_arguments", "handle") if not callable(getattr(module, f, None))]
    if missing:
        raise ImproperlyConfigured(
            f"eduplan plan {spec.name}: {module.__name__} 缺少 lacks {', '.join(missing)}"
        )
    return module
