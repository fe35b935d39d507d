"""The seats page of the planning tools, kept out of the view so it stays thin."""

from __future__ import annotations

from typing import Any

from eduplan.registry.choices import DivisionLevel

from ..defaults import defaults
from ..gaps.run import run_gaps
from ..pages import LABELS, float_param, pick


def seats_page(user: Any, params: Any) -> dict[str, Any]:
    """Preschool seats against demand by year for one county (lines), every visible county's
    balance (table), the county's townships, and the layout flags of ."""
    run = run_gaps(user=user, rate=float_param(params.get("rate")))
    areas = run.counties.areas
    i = pick(areas.codes, params.get("county"))
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
