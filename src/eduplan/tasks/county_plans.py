"""County action plans: where a county's targets come from, and how each county's plan
differs from the city plan.

The plan: each county writes its own action plan with goals, tasks, measures and responsible
departments. The city wants to see which counties have adopted one and where it departs from the
city plan — a target changed, a task missing or added, a deadline later than the city's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from eduplan.accounts.scoping import User, scope
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

from .models import CountyPlan, CountyPlanState, CountyTask, PlanTask, TaskState


def allocated_targets(county: Division) -> dict[str, tuple[float, str]]:
    """The county's allocated target from the city's planning allocation (精准下达):
    the city's most recently saved planning scenario is run and the county's share of
    ``[planning] target_indicator`` taken. Empty when the city has no scenario or the allocation
    cannot run (then the county plan carries the city's target, marked as such)."""
    from eduplan.planning.models import PlanningScenario

    city = county.city
    scenario = (
        PlanningScenario.objects.filter(division=city, division__level=DivisionLevel.CITY)
        .order_by("-updated_at", "-pk")
        .first()
        if city is not None
        else None
    )
    if scenario is None:
        return {}
    try:
        from eduplan.planning.defaults import defaults
        from eduplan.planning.scenarios.store import run_scenario

        result = run_scenario(scenario)
    except Exception:  # the registry may lack the inputs; the city target is then used
        return {}
    if result.allocation is None:
        return {}
    rows = result.allocation.rows(include_city=False)
    row = next((r for r in rows if r["division"] == county.code), None)
    if row is None:
        return {}
    return {defaults().target_indicator: (float(row["target"]), f"allocation:{scenario.name}")}


def plans_for(user: User | None) -> QuerySet[CountyPlan]:
    """The county plans ``user`` may see (``None``: the system — cron, an admin's shell — sees all)."""
    qs = CountyPlan.objects.select_related("county")
    return qs if user is None else scope(user, qs)


def county_plan_diff(row: CountyPlan) -> dict[str, Any]:
    """How the county's plan differs from the city plan: targets whose value differs from the
    city's, active plan tasks the county does not carry (never assigned, or cancelled), tasks the
    county added, and county deadlines later than the city's."""
    targets_changed = [t for t in row.targets if abs(float(t["value"]) - float(t["city_value"])) > 1e-9]
    tasks = list(
        CountyTask.objects.filter(county=row.county).select_related("plan_task").order_by("clause", "pk")
    )
    carried = {t.plan_task_id for t in tasks if t.plan_task_id and t.state != TaskState.CANCELLED}
    missing = [
        p
        for p in PlanTask.objects.filter(plan=row.plan, active=True).order_by("clause", "code")
        if p.pk not in carried
    ]
    added = [t for t in tasks if t.plan_task_id is None and t.state != TaskState.CANCELLED]
    later = [
        {"task": t, "city_deadline": t.plan_task.deadline, "county_deadline": t.deadline}
        for t in tasks
        if t.plan_task is not None and t.state != TaskState.CANCELLED and t.deadline > t.plan_task.deadline
    ]
    return {
        "targets_changed": targets_changed,
        "tasks_missing": missing,
        "tasks_added": added,
        "later_deadlines": later,
        "differs": bool(targets_changed or missing or added or later),
    }


def county_plan_overview(user: User | None, plan_id: str) -> list[dict[str, Any]]:
    """One row per county in the user's scope: its plan (or none), adopted or not, and the diff."""
    every: QuerySet[Division] = Division.objects.counties().order_by("code")
    counties = every if user is None else scope(user, every)
    plans = {p.county_id: p for p in plans_for(user).filter(plan=plan_id)}
    rows = []
    for county in counties:
        row = plans.get(county.pk)
        rows.append(
            {
                "county": county,
                "plan": row,
                "adopted": row is not None and row.state == CountyPlanState.ADOPTED,
                "diff": county_plan_diff(row) if row is not None else None,
            }
        )
    return rows


def diff_records(user: User | None, plan_id: str) -> list[dict[str, Any]]:
    """The overview flattened for export (``eduplan tasks plans``)."""
    out = []
    for r in county_plan_overview(user, plan_id):
        d = r["diff"]
        out.append(
            {
                "county": r["county"].code,
                "county_name": r["county"].name,
                "state": r["plan"].state if r["plan"] else "none",
                "adopted_on": r["plan"].adopted_on.isoformat() if r["plan"] and r["plan"].adopted_on else "",
                "targets_changed": ";".join(t["indicator"] for t in d["targets_changed"]) if d else "",
                "tasks_missing": ";".join(p.code for p in d["tasks_missing"]) if d else "",
                "tasks_added": ";".join(t.title_zh for t in d["tasks_added"]) if d else "",
                "later_deadlines": ";".join(
                    f"{x['task'].plan_task.code}:{x['county_deadline']:%Y-%m-%d}>{x['city_deadline']:%Y-%m-%d}"
                    for x in d["later_deadlines"]
                )
                if d
                else "",
            }
        )
    return out
