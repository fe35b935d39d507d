"""What the planning pages show, assembled from :mod:`eduplan.planning.runs`.

Kept out of the views so they stay thin. Every figure comes from the same run functions as the
``eduplan plan …`` commands, so a page and the CLI never disagree. Each page gives a chart's data
(for Plotly) and the same numbers as table rows, so the page stays useful without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from eduplan.accounts.scoping import profile_of, scope
from eduplan.registry.choices import DivisionLevel, Role
from eduplan.registry.models import Division

from .allocation import METHODS
from .projection import HIGH_SCHOOL_AGES, KINDERGARTEN_AGES, PlanningInputError
from .runs import BANDS, defaults, plan_target, run_allocation, run_gaps, run_projection
from .scenarios import allocation_year

PLANNING_ROLES = (Role.CITY_OFFICER, Role.COUNTY_OFFICER)

LABELS = {
    "male": "男 male",
    "female": "女 female",
    "people": "人数 people",
    "children": "幼儿 children",
    "age": "年龄 age",
    "year": "年份 year",
    "demand": "需求 demand",
    "seats": "学位 seats",
    "last_rate": "上年入园率 last year's rate",
    "target": "目标 target",
}


def may_use_planning(user: Any) -> bool:
    """City officers (every county of their city) and county officers (their own county) plan;
    everyone else is refused (ARCHITECTURE.md, users)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    profile = profile_of(user)
    return profile is not None and user.is_active and profile.role in PLANNING_ROLES


def visible_counties(user: Any) -> QuerySet[Division]:
    return scope(user, Division.objects.counties().filter(valid_to__isnull=True)).order_by("code")


def _pick(codes: list[str], wanted: str | None) -> int:
    return codes.index(wanted) if wanted in codes else 0


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def population_page(user: Any, params: Any) -> dict[str, Any]:
    """Population pyramid (ages 0–17 by sex) of one county, the base year against a projected year,
    and the 3–5 and 15–17 populations of every visible county by year."""
    run = run_projection(user=user)
    areas = run.areas
    i = _pick(areas.codes, params.get("county"))
    years = [*run.inputs.years[:-1].tolist(), *run.projection.years.tolist()]
    base = run.inputs.last_year
    wanted = _int(params.get("year"))
    year = wanted if wanted is not None and wanted in years and wanted != base else years[-1]
    older = {k: [round(v, 1) for v in vs] for k, vs in run.pyramid(i, base).items()}
    newer = {k: [round(v, 1) for v in vs] for k, vs in run.pyramid(i, year).items()}
    ages = list(range(len(older["male"])))
    pyramid_rows = [
        {
            "age": a,
            "male_base": older["male"][a],
            "female_base": older["female"][a],
            "male_year": newer["male"][a],
            "female_year": newer["female"][a],
        }
        for a in ages
    ]
    rows = run.band_rows()
    band_table = []
    band_chart: dict[str, list[dict[str, Any]]] = {band.label: [] for band in BANDS}
    for band in BANDS:
        for code, name in [*zip(areas.codes, areas.names, strict=True), run.city]:
            series = [r for r in rows if r["ages"] == band.label and r["division"] == code]
            if not series:
                continue
            values = [r["population"] for r in series]
            band_table.append({"division": code, "name": name, "ages": band.label, "values": values})
            if code in areas.codes:
                band_chart[band.label].append(
                    {"name": name, "x": [r["year"] for r in series], "y": [round(v, 1) for v in values]}
                )
    return {
        "counties": list(zip(areas.codes, areas.names, strict=True)),
        "county": areas.codes[i],
        "county_name": areas.names[i],
        "years": years,
        "projected_years": [y for y in years if y != base],
        "year": year,
        "base_year": base,
        "observed_last": base,
        "births": run.settings.births,
        "basis": run.inputs.basis,
        "pyramid": {
            "ages": ages,
            "base": older,
            "year": newer,
            "base_year": base,
            "other_year": year,
            "labels": LABELS,
            "title": f"{areas.names[i]} 人口金字塔 population pyramid: {base}(实心 filled)/ {year}(空心 outline)",
        },
        "pyramid_rows": pyramid_rows,
        "band_years": years,
        "band_table": band_table,
        "band_charts": [
            {
                "id": f"band-{k}",
                "series": band_chart[band.label],
                "labels": LABELS,
                "observed_last": base,
                "title": f"{band.label} 岁人口(年末,阴影为预测)/ population aged {band.label} at year end "
                "(shaded: projected)",
            }
            for k, band in enumerate(BANDS)
        ],
        "kg_band": KINDERGARTEN_AGES.label,
        "hs_band": HIGH_SCHOOL_AGES.label,
        "backtest": [
            r for r in run.backtest_rows() if r["births"] == "scenario" and r["level"] != "area × age × sex"
        ],
        "notes": run.all_notes(),
    }


def seats_page(user: Any, params: Any) -> dict[str, Any]:
    """Preschool seats against demand by year for one county (lines), every visible county's
    balance (table), the county's townships, and the plan's layout flags."""
    run = run_gaps(user=user, rate=_float(params.get("rate")))
    areas = run.counties.areas
    i = _pick(areas.codes, params.get("county"))
    code = areas.codes[i]
    rows = run.balance_rows()
    county_rows = [r for r in rows if r["level"] == DivisionLevel.COUNTY and r["division"] == code]
    township_rows = [
        r
        for r in rows
        if r["level"] == DivisionLevel.TOWNSHIP
        and r["county"] == code
        and r["year"] in (run.counties.inputs.last_year, int(run.counties.projection.years[-1]))
    ]
    summary = []
    first_gap = run.county_balance.first_gap_year()
    peak = run.county_balance.peak_gap()
    within = run.county_balance.within_gap
    for j, (c, name) in enumerate(zip(areas.codes, areas.names, strict=True)):
        summary.append(
            {
                "division": c,
                "name": name,
                "first_gap_year": first_gap[j],
                "peak_gap": int(peak[j]),
                "peak_within_gap": int(within[:, j].max()) if within is not None else None,
                "seats_now": float(run.county_balance.seats[0, j]),
                "demand_now": float(run.county_balance.demand[0, j]),
                "demand_end": float(run.county_balance.demand[-1, j]),
            }
        )
    return {
        "counties": list(zip(areas.codes, areas.names, strict=True)),
        "county": code,
        "county_name": areas.names[i],
        "rate": run.rate,
        "rate_source": run.rate_source,
        "chart": {
            "x": [r["year"] for r in county_rows],
            "demand": [r["demand"] for r in county_rows],
            "seats": [r["seats"] for r in county_rows],
            "observed_last": run.counties.inputs.last_year,
            "labels": LABELS,
            "title": f"{areas.names[i]}:学位与需求(目标 {run.rate:g}%,阴影为预测)/ seats and demand "
            f"(target {run.rate:g}%, shaded: projected)",
        },
        "county_rows": county_rows,
        "township_rows": township_rows,
        "summary": summary,
        "township_flags": run.township_flag_rows(),
        "merge": run.merge_rows(),
        "settings": defaults(),
        "notes": run.all_notes(),
    }


def allocation_page(user: Any, params: Any) -> dict[str, Any]:
    """The city target split among the counties for a school year, by a chosen method.

    The county targets depend on every county of the city (精准下达 is the city's decision), so a
    county officer's target is computed over their whole city; the page shows them their own
    county's row only (chosen by the scoping function) and the city target — never another
    county's figures or the city totals.
    """
    profile = profile_of(user)
    method = params.get("method") if params.get("method") in METHODS else defaults().allocation_method
    target = _float(params.get("target"))
    plan_value, plan_source = plan_target()
    context: dict[str, Any] = {
        "methods": [(name, info.label_zh, info.description) for name, info in METHODS.items()],
        "method": method,
        "target": target,
        "plan_target": plan_value,
        "plan_source": plan_source,
        "rows": [],
        "error": "",
    }
    try:
        year = _int(params.get("year")) or allocation_year()
        context["year"] = year
        city_wide = profile is not None and profile.role == Role.COUNTY_OFFICER
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
        context["error"] = str(exc)
        context.setdefault("year", _int(params.get("year")))
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
