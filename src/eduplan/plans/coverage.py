"""Clause coverage: which checks carry which clause of the plan in force.

The code registers its checks (:mod:`eduplan.plans.checks`, at start-up); the plan file maps its
clauses to them (``[[clauses]] checks`` and ``also``, indicators' ``clause`` and ``also``). The
report (:func:`coverage`, ``eduplan plan coverage``) lists each clause of the plan with the checks
that carry it, the clauses nothing carries, the checks no clause uses, and any check id in the plan
that the software does not know. With ``live`` it also says, for each check that can tell, whether
it evaluated at least one entity on the current data without a "no data" answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eduplan.plans import checks
from eduplan.plans.loader import Plan, load_plan

#: Kinds that are not the software's checks of the plan but its demo's planted problems: they cite
#: clauses (the demo's manifest) but carry none in the report.
NOT_CARRYING = ("demo",)


@dataclass
class Report:
    """The coverage of one plan: rows per clause, unknown check ids, checks no clause uses."""

    plan: Plan
    rows: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)
    unused: list[dict[str, Any]] = field(default_factory=list)

    @property
    def uncovered(self) -> list[str]:
        return [r["clause"] for r in self.rows if not r["implemented_by"]]


def coverage(plan: Plan | None = None, *, live: bool = False) -> Report:
    """Every clause of ``plan`` with the checks that carry it (sorted by kind, id)."""
    plan = plan or load_plan()
    known = {c.key for c in checks.registered()}
    known |= {f"indicator:{i.id}" for i in plan.indicators}
    liveness = live_checks(plan) if live else {}
    by_clause: dict[str, list[dict[str, Any]]] = {c.id: [] for c in plan.clauses}
    report = Report(plan=plan)
    used: set[str] = set()
    for check_id, clauses in plan.check_map.items():
        kind, ident = check_id.split(":", 1)
        if check_id not in known:
            report.unknown.append({"check": check_id, "clauses": list(clauses)})
            continue
        used.add(check_id)
        if kind in NOT_CARRYING:
            continue
        for clause in clauses:
            entry: dict[str, Any] = {"kind": kind, "id": ident}
            if live:
                entry["live"] = liveness.get(check_id)
            by_clause[clause].append(entry)
    for c in plan.clauses:
        report.rows.append(
            {
                "clause": c.id,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "implemented_by": sorted(by_clause[c.id], key=lambda e: (e["kind"], e["id"])),
            }
        )
    report.unused = [
        {"kind": c.kind, "id": c.id}
        for c in checks.registered()
        if c.key not in used and c.kind not in NOT_CARRYING
    ]
    return report


def live_checks(plan: Plan) -> dict[str, bool | None]:
    """check id → whether it ran on something real: rules evaluated at least one entity and none
    said "no data"; indicators gave at least one value; other checks ask their probe. ``None``:
    the check cannot tell."""
    from eduplan.plans.liveness import liveness

    return liveness(plan)
