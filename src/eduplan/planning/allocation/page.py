"""The allocation page of the planning tools, kept out of the view so it stays thin."""

from __future__ import annotations

from typing import Any

from eduplan.accounts import permissions
from eduplan.accounts.scoping import profile_of
from eduplan.registry.choices import DivisionLevel

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
