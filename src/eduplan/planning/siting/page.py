"""What the officers' siting page shows: a county's service zones on a map, with tables.

Kept out of the view so it stays thin. The page runs the same :func:`run_county_siting` as
``eduplan plan site --county``, so a planner sees on the page the numbers the command prints. City
officers choose any county of their city, county officers only their own (the one scoping
function decides); a county outside the user's scope is "not found". Small counties are solved in
the request (``[siting] page_max_pairs``, ``page_time_limit_s``); the map draws points, sites and
assignment lines from a ``json_script`` and every number is also in a table, so the page stays
useful without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings as django_settings
from django.http import Http404

from eduplan.accounts.scoping import scope

from ..errors import PlanningInputError
from ..models import PlanningScenario
from ..pages import LABELS, float_param, int_param, plain_error, visible_counties
from ..scenarios.store import allocation_year
from . import MODELS, SitingInputError, SitingSettings
from .registry import CountySitingRun, page_settings, run_county_siting, siting_defaults
from .solve import MODEL_NAMES, UNITS
from .trends import FLAG_LABELS, flat_trend_rows

#: Models offered on the page, "zones" (the existing kindergartens' service zones) first.
PAGE_MODELS = ("zones", *(m for m in MODELS if m != "zones"))
#: Models that need ``p`` (sites to open, or for ``close`` kindergartens to close).
NEEDS_P = ("pmedian", "mclp", "close")


def default_year() -> int:
    """The next school year to plan (as the allocation page), else the current calendar year."""
    try:
        return allocation_year()
    except PlanningInputError:
        return dt.date.today().year


def _scenarios(user: Any, county_id: int, city_id: int | None) -> list[tuple[str, str]]:
    owners = [county_id] + ([city_id] if city_id else [])
    qs = scope(user, PlanningScenario.objects.select_related("division").filter(division_id__in=owners))
    return sorted({(s.name, f"{s.name}({s.division.name})") for s in qs})


def siting_page(user: Any, params: Any) -> dict[str, Any]:
    """The form (county, year, model, p, radius, scenario, new sites) and, once submitted, the run."""
    counties = list(visible_counties(user).values_list("pk", "code", "name", "city_id"))
    if not counties:
        raise PlanningInputError("您的范围内没有县 / there is no county in your scope")
    wanted = params.get("county")
    by_code = {code: (pk, name, city) for pk, code, name, city in counties}
    if wanted and wanted not in by_code:
        raise Http404("该县不存在或不在您的范围内 / no such county in your scope")
    code = wanted or counties[0][1]
    pk, name, city_id = by_code[code]
    model = params.get("model") if params.get("model") in MODELS else PAGE_MODELS[0]
    year = int_param(params.get("year")) or default_year()
    p = int_param(params.get("p"))
    wanted_radius = float_param(params.get("radius"))
    radius = wanted_radius if wanted_radius is not None else SitingSettings().radius_km
    scenario_choices = _scenarios(user, pk, city_id)
    scenario = params.get("scenario") or None
    new_sites, keep_existing = bool(params.get("new_sites")), bool(params.get("keep_existing"))
    form = {
        "county": code,
        "county_name": name,
        "year": year,
        "model": model,
        "p": p,
        "radius": radius,
        "scenario": scenario,
        "new_sites": new_sites,
        "keep_existing": keep_existing,
    }
    context: dict[str, Any] = {
        "counties": [(c, n) for _, c, n, _ in counties],
        "models": [(m, MODEL_NAMES[m]) for m in PAGE_MODELS],
        "needs_p": NEEDS_P,
        "scenarios": scenario_choices,
        "form": form,
        "ran": False,
        "labels": LABELS,
        "flag_labels": FLAG_LABELS,
        "settings": siting_defaults(),
    }
    if "run" not in params:
        return context
    try:
        if scenario is not None and scenario not in {s for s, _ in scenario_choices}:
            raise SitingInputError(
                f"{name}({code})没有名为 {scenario} 的情景 / no scenario named {scenario!r} for {code} or its city"
            )
        if radius <= 0:
            raise SitingInputError(f"服务半径须大于 0 / the radius must be positive, got {radius:g}")
        t0 = time.perf_counter()
        run = run_county_siting(
            code,
            year,
            model,
            p=p if model in NEEDS_P else None,
            user=user,
            scenario=scenario,
            new_sites=new_sites,
            keep_existing=keep_existing,
            settings=page_settings(radius),
            max_pairs=siting_defaults().page_max_pairs,
        )
    except (SitingInputError, PlanningInputError) as exc:
        context["error"] = plain_error(str(exc))
        return context
    context.update(result_context(run, time.perf_counter() - t0))
    return context


def result_context(run: CountySitingRun, seconds: float) -> dict[str, Any]:
    """Tables and map data of one run."""
    res, inst = run.result, run.instance
    data = res.as_dict()
    records = run.trend_records()
    trends = flat_trend_rows(records)
    years = list(inst.years)
    for row, record in zip(trends, records, strict=True):
        row["values"] = [row.get(f"children_{y}") for y in years]
        row["flag_list"] = [FLAG_LABELS[f] for f in record["flags"]]
    names = {d: inst.demand_info.get(d, {}).get("name", d) for d in inst.demand_ids}
    demand = [{**d, "name": names.get(d["demand_id"], d["demand_id"])} for d in res.demand]
    site_names = {s: inst.site_info.get(s, {}).get("name", s) for s in inst.site_ids}
    for d in demand:
        d["site_name"] = site_names.get(d["site_id"], "") if d["site_id"] else ""
    tiles = getattr(django_settings, "MAP_TILE_URL", "") or ""
    return {
        "ran": True,
        "summary": {
            "model": res.model,
            "model_name": MODEL_NAMES[res.model],
            "method": res.method,
            "objective": data["objective"],
            "unit": UNITS[res.model],
            "lower_bound": data["lower_bound"],
            "gap": data["gap"],
            "gap_percent": None if data["gap"] is None else round(100 * data["gap"], 2),
            "proven_optimal": res.proven_optimal,
            "solver_seconds": data["stats"].get("seconds"),
            "load_seconds": round(run.load_seconds, 3),
            "total_seconds": round(seconds, 3),
            "n": inst.n,
            "m": inst.m,
            "children": float(inst.children.sum()),
            "seats": float(inst.capacity[inst.existing].sum()),
            "open": len(res.open_sites),
            "new": data.get("new_sites", []),
            "closed": data.get("closed_existing", []),
            "uncovered": len(res.uncovered),
            "unassigned": len(res.unassigned),
            "base_year": inst.base_year,
            "year": inst.year,
            "scenario": inst.scenario,
            "births": inst.births,
            "covered_children": data.get("covered_children"),
        },
        "zones": run.zone_rows(),
        "trend_years": years,
        "trends": trends,
        "demand": demand,
        "map": {
            **run.map_data(),
            "tiles": {
                "url": tiles,
                "attribution": getattr(django_settings, "MAP_TILE_ATTRIBUTION", "") or "",
            },
            "labels": {
                "open": "开设 open",
                "closed": "撤并/不开 closed",
                "new": "新建 new",
                "children": "儿童 children",
                "seats": "学位 seats",
                "km": "km",
            },
        },
        "tiles": bool(tiles),
        "notes": res.notes,
    }
