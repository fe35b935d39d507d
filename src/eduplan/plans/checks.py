"""Checks: what the software verifies, named by the software; clauses: what the plan says.

The code never names a clause of a plan. Everything that checks something — a rule, an indicator,
a workflow, a register, a planning tool, a checklist line — has a stable id ``kind:id``
(``rule:KG-NAME``, ``indicator:preschool_ger``, ``workflow:monthly_report``) and registers it
explicitly at start-up (each app's ``AppConfig.ready``; rules when the catalogue is loaded). The
plan in force maps its own clauses to those ids (``[[clauses]] checks``), so another city's plan, the
next five-year plan or the national plan cites its own clauses for the same findings.

:func:`clauses_for` is the one way from a check to the clauses it serves in the plan in force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eduplan.plans.loader import Plan

#: The kinds of check; a new kind is added here so a typo in a plan file is caught.
KINDS = (
    "rule",
    "indicator",
    "measure",
    "workflow",
    "register",
    "report",
    "page",
    "planning",
    "planning_tool",
    "checklist",
    "monthly_item",
    "demo",
)


@dataclass(frozen=True)
class Check:
    """One registered check. ``probe`` (optional) answers ``--live``: whether, on the current data,
    the check evaluated at least one entity and gave no "no data" answer — a function, or the label
    of the model (``"workforce.TrainingRecord"``) whose rows the check works on."""

    kind: str
    id: str
    title: str = ""
    probe: Callable[[], bool] | str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


_REGISTRY: dict[str, Check] = {}
#: Providers of checks that are read off data files or modules an app need not load at start-up
#: (the checklist, the monthly form, the demo's planted problems), run on the registry's first read.
_LATER: list[Callable[[], Iterable[tuple[str, ...]]]] = []


def split(check_id: str) -> tuple[str, str]:
    """``"rule:KG-NAME"`` → ``("rule", "KG-NAME")``; a mistake names the id."""
    kind, sep, ident = check_id.partition(":")
    if not sep or not ident or kind not in KINDS:
        raise ValueError(
            f"检查项 id 应为 kind:id / check id {check_id!r} must be kind:id with kind one of {', '.join(KINDS)}"
        )
    return kind, ident


def register(kind: str, ident: str, title: str = "", probe: Callable[[], bool] | str | None = None) -> Check:
    """Register one check (again: replaced, so a reloaded module or a test may re-register)."""
    split(f"{kind}:{ident}")
    check = Check(kind, ident, title, probe)
    _REGISTRY[check.key] = check
    return check


def register_all(entries: Iterable[tuple[str, ...]]) -> None:
    """Register ``(kind, id[, title[, probe]])`` entries: how an app declares its checks in ``ready()``."""
    for entry in entries:
        register(*entry)


def register_later(provider: Callable[[], Iterable[tuple[str, ...]]]) -> None:
    """Register the entries ``provider()`` returns when the registry is first read: how an app
    declares in ``ready()`` checks whose list costs a data file or a module to build, so that a
    light command (``eduplan --help``) does not pay for it."""
    _LATER.append(provider)


def unregister(check_id: str) -> None:
    _REGISTRY.pop(check_id, None)


def registered() -> list[Check]:
    """Every registered check, rules loaded first so the list is complete outside a full start-up."""
    _ensure_rules()
    return sorted(_REGISTRY.values(), key=lambda c: (c.kind, c.id))


def is_registered(check_id: str) -> bool:
    _ensure_rules()
    return check_id in _REGISTRY


def get(check_id: str) -> Check | None:
    _ensure_rules()
    return _REGISTRY.get(check_id)


def _ensure_rules() -> None:
    while _LATER:
        register_all(_LATER.pop(0)())
    from eduplan.rules.catalogue import catalogue

    catalogue()


def clauses_for(check_id: str, plan=None) -> tuple[str, ...]:
    """The clauses of the plan in force (or ``plan``) that ``check_id`` serves, main ones first."""
    from eduplan.plans.loader import load_plan

    return (plan or load_plan()).clauses_for(check_id)


def clause_text(check_id: str, plan=None) -> str:
    """The clauses as one cell (``"2.7, T5"``), as findings and exports show them."""
    return ", ".join(clauses_for(check_id, plan))


def cite(check_id: str, plan: Plan | None = None) -> str:
    """``"(5.4)"``-style citation of the check's main clause in running text; empty when the
    plan in force does not map the check (a sentence never cites a clause the plan lacks)."""
    found = clauses_for(check_id, plan)
    return f"({found[0]})" if found else ""
