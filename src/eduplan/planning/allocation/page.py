"""The allocation page of the planning tools, kept out of the view so it stays thin."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from eduplan.accounts import permissions
from eduplan.accounts.scoping import profile_of
from eduplan.registry.choices import DivisionLevel

from ..allocation import adopt
from ..allocation.adopted_models import AdoptionOrigin
from ..allocation.methods import METHODS
from ..allocation.run import run_allocation
from ..defaults import defaults, plan_target
from ..errors import PlanningInputError
from ..pages import LABELS, float_param, int_param, plain_error, visible_counties
from ..scenarios.store import allocation_year


def allocation_page(user: Any, params: Any) -> dict[str, Any]:
    """The city target split among the counties for a school year, by a chosen method.

    The county targets depend on every county of the city (精准下达 is the city's decision), so a
    county officer's target is computed over their whole city; the page shows them their own
    county's row only (chosen by the scoping function) and the city target — never another
    county's figures or the city totals.
    """
    profile = profile_of(user)
    method = params.get("method") if params.get("method") in METHODS else defaults().allocation_method
    target = float_param(params.get("target"))
    plan_value, plan_source = plan_target()
    context: dict[str, Any] = {
        "methods": [
            (name, info.label_zh, info.description_zh, info.description) for name, info in METHODS.items()
        ],
        "method": method,
        "target": target,
        "plan_target": plan_value,
        "plan_source": plan_source,
        "rows": [],
        "error": "",
    }
    try:
        year = int_param(params.get("year")) or allocation_year()
        context["year"] = year
        city_wide = profile is not None and permissions.plans_for_one_county(user)
        if city_wide:
            division = profile.division
            city = division.city.code if division is not None and division.city is not None else None
            run = run_allocation(year, method=method, target=target, city=city)
            visible = set(visible_counties(user).values_list("code", flat=True))
            rows = run.rows(visible, include_city=False)
        else:
            run = run_allocation(
                year, method=method, target=target, user=user, city=params.get("city") or None
            )
            rows = run.rows()
    except PlanningInputError as exc:
        context["error"] = plain_error(str(exc))
        context.setdefault("year", int_param(params.get("year")))
        return context
    counties = [r for r in rows if r["level"] == DivisionLevel.COUNTY]
    context.update(adoption_context(user, visible=None if not city_wide else {r["division"] for r in rows}))
    context.update(
        {
            "rows": rows,
            "city_code": run.city_code,
            "city_name": run.city_name,
            "city_target": run.allocation.city_target,
            "target_source": run.target_source,
            "feasible": run.allocation.feasible,
            "message": run.allocation.message,
            "county_only": city_wide,
            "chart": {
                "names": [r["division_name"] for r in counties],
                "last_rate": [r["last_rate"] for r in counties],
                "target": [r["target"] for r in counties],
                "city_target": run.allocation.city_target,
                "labels": LABELS,
                "title": f"{year} 学年各县目标(虚线为全市目标 {run.allocation.city_target:g}%)/ county targets "
                f"for {year} (dashed: city target)",
            },
            "notes": run.notes if not city_wide else [],
        }
    )
    return context


def adoption_context(user: Any, visible: set[str] | None) -> dict[str, Any]:
    """The county targets of record on the page: those in force (with the scenario or file and the
    method they came from), every adoption, and whether this user may adopt (the city only)."""
    allocated = defaults().target_indicator
    return {
        "targets_in_force": [
            t.record() for t in adopt.in_force(divisions=visible) if visible is None or t.division in visible
        ],
        "adoptions": adopt.history() if visible is None else [],
        "may_adopt": adopt.may_adopt(user),
        "adopt_indicator": allocated,
    }


def adopt_allocation(user: Any, data: Any) -> str:
    """Adopt the allocation the page shows (year, method, city target as posted) for the allocated
    indicator; returns the confirmation. Permission and input errors propagate."""
    if not adopt.may_adopt(user):
        raise PermissionDenied("只有市级可以通过县目标 / only the city adopts county targets")
    year = int_param(data.get("year"))
    if year is None:
        raise PlanningInputError("请给出学年 / give the school year")
    method = data.get("method") if data.get("method") in METHODS else defaults().allocation_method
    run = run_allocation(
        year, method=method, target=float_param(data.get("target")), city=data.get("city") or None
    )
    alloc = run.allocation
    if not alloc.feasible:
        raise PlanningInputError(f"分解不可行,不能通过 / the allocation is infeasible: {alloc.message}")
    adoption = adopt.adopt(
        defaults().target_indicator,
        year,
        {c: float(t) for c, t in zip(alloc.divisions, alloc.target, strict=True)},
        user=user,
        reason=str(data.get("reason") or ""),
        origin=AdoptionOrigin.ALLOCATION,
        method=alloc.method,
        where="分解页 allocation page",
    )
    return (
        f"已通过 {adoption.indicator} {adoption.year} 学年县目标第 {adoption.version} 版 / adopted version "
        f"{adoption.version} of the {adoption.year} county targets"
    )
