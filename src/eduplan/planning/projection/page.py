"""The population page of the planning tools, kept out of the view so it stays thin."""

from __future__ import annotations

from typing import Any

from ..pages import LABELS, int_param, pick
from ..projection.core import HIGH_SCHOOL_AGES, KINDERGARTEN_AGES
from ..projection.run import BANDS, run_projection


def population_page(user: Any, params: Any) -> dict[str, Any]:
    """Population pyramid (ages 0–17 by sex) of one county, the base year against a projected year,
    and the 3–5 and 15–17 populations of every visible county by year."""
    run = run_projection(user=user)
    areas = run.areas
    i = pick(areas.codes, params.get("county"))
    years = [*run.inputs.years[:-1].tolist(), *run.projection.years.tolist()]
    base = run.inputs.last_year
    wanted = int_param(params.get("year"))
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
