"""``eduplan plan coverage --live``: which checks really ran on the current data.

A clause "carried" by a check that never sees a row is carried on paper only. Live means: the check
evaluated at least one entity and gave no "no data" answer —

- a rule: the registry holds at least one entity of the rule's kind (an institution, a county),
  the rule is checkable, and its run gave no ``no_data`` finding;
- an indicator of the plan: at least one record with a value;
- any other check: its ``probe`` when it registered one; otherwise ``None`` (cannot tell).
"""

from __future__ import annotations

from eduplan.plans import checks
from eduplan.plans.loader import Plan


def _rules_live() -> dict[str, bool]:
    from eduplan.registry.models import Division, Institution
    from eduplan.rules.catalogue import catalogue, run_rules
    from eduplan.rules.findings import FindingKind

    has = {"institution": Institution.objects.exists(), "county": Division.objects.exists()}
    rules = catalogue()
    no_data: set[str] = set()
    if any(has.values()):
        no_data = {f.rule for f in run_rules() if f.kind == FindingKind.NO_DATA}
    return {
        f"rule:{r.id}": bool(has.get(r.entity_type.value)) and r.checkable and r.id not in no_data
        for r in rules.values()
    }


def _indicators_live(plan: Plan) -> dict[str, bool]:
    from eduplan.metrics.indicators import compute_indicators

    try:
        records = compute_indicators(plan=plan)
    except Exception:  # an empty registry has no years: nothing ran
        records = []
    with_value = {r["indicator"] for r in records if r.get("value") is not None}
    return {f"indicator:{i.id}": i.id in with_value for i in plan.indicators}


def _probe(probe: object) -> bool | None:
    if probe is None:
        return None
    if isinstance(probe, str):
        from django.apps import apps

        return apps.get_model(probe).objects.exists()
    return bool(probe())  # type: ignore[operator]


def liveness(plan: Plan) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    for check in checks.registered():
        out[check.key] = _probe(check.probe)
    out.update(_rules_live())
    out.update(_indicators_live(plan))
    return out
