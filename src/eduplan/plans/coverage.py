"""Clause coverage: which part of eduplan implements which sentence of the plan.

Everything that implements a clause — an indicator, a rule, a workflow, a report, a planning tool —
declares it in one way, at module level::

    from eduplan.plans.coverage import implements
    implements("rule", "kg_naming", ["PRE-4.2.4"])

Indicators are declared by the plan file itself (their ``clause`` and ``also``). The report
(:func:`coverage`, ``eduplan plan coverage``) imports every eduplan module so that module-level
declarations run, then lists each clause of the plan file with what implements it, the clauses
nothing implements yet, and any declared clause id the plan does not know (checked only then, so a
declaration never fails at import time).

"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from eduplan.plans.loader import Plan, load_plan

SKIP_PARTS = {"migrations", "tests", "wsgi", "asgi", "__main__"}


@dataclass(frozen=True)
class Implementation:
    kind: str
    id: str
    clauses: tuple[str, ...]
    module: str = ""


_REGISTRY: dict[tuple[str, str], Implementation] = {}


def implements(kind: str, id: str, clauses: Sequence[str]) -> Implementation:
    """Declare that ``kind``/``id`` (e.g. ``"rule"``, ``"kg_naming"``) implements ``clauses``.

    Declaring the same kind and id again replaces the earlier declaration (a module reloaded in a
    test, or a declaration refined). Clause ids are checked against the plan at report time.
    """
    if isinstance(clauses, str):
        raise TypeError("clauses must be a sequence of clause ids, not one string")
    frame = sys._getframe(1)
    impl = Implementation(kind, id, tuple(clauses), frame.f_globals.get("__name__", ""))
    _REGISTRY[(kind, id)] = impl
    return impl


def registered() -> list[Implementation]:
    return list(_REGISTRY.values())


def unregister(kind: str, id: str) -> None:
    _REGISTRY.pop((kind, id), None)


@dataclass
class ImportProblem:
    module: str
    error: str


@dataclass
class Report:
    """The coverage of one plan: rows per clause, unknown ids, and modules that failed to import."""

    plan: Plan
    rows: list[dict] = field(default_factory=list)
    unknown: list[dict] = field(default_factory=list)
    import_problems: list[ImportProblem] = field(default_factory=list)

    @property
    def uncovered(self) -> list[str]:
        return [r["clause"] for r in self.rows if not r["implemented_by"]]


def import_all(package: str = "eduplan") -> list[ImportProblem]:
    """Import every module of ``package`` (not migrations or tests) so declarations run. A module
    that fails to import is reported, not fatal: the report still shows everything else."""
    problems: list[ImportProblem] = []
    root = importlib.import_module(package)

    def onerror(name: str) -> None:
        exc = sys.exc_info()[1]
        problems.append(ImportProblem(name, f"{type(exc).__name__}: {exc}"))

    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.", onerror=onerror):
        if SKIP_PARTS & set(info.name.split(".")):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # any module's own bug must not hide the whole report
            problems.append(ImportProblem(info.name, f"{type(exc).__name__}: {exc}"))
    return problems


def _plan_indicators(plan: Plan) -> list[Implementation]:
    return [Implementation("indicator", i.id, i.clauses, str(plan.path)) for i in plan.indicators]


def coverage(plan: Plan | None = None, *, import_modules: bool = True) -> Report:
    """Every clause of ``plan`` with what implements it (sorted by kind, id)."""
    plan = plan or load_plan()
    problems = import_all() if import_modules else []
    impls = _plan_indicators(plan) + registered()
    by_clause: dict[str, list[dict]] = {c.id: [] for c in plan.clauses}
    report = Report(plan=plan, import_problems=problems)
    for impl in impls:
        for clause in impl.clauses:
            if clause in by_clause:
                entry = {"kind": impl.kind, "id": impl.id}
                if entry not in by_clause[clause]:
                    by_clause[clause].append(entry)
            else:
                report.unknown.append(
                    {"clause": clause, "kind": impl.kind, "id": impl.id, "module": impl.module}
                )
    for c in plan.clauses:
        report.rows.append(
            {
                "clause": c.id,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "implemented_by": sorted(by_clause[c.id], key=lambda e: (e["kind"], e["id"])),
            }
        )
    return report
