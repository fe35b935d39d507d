"""Measures below the county: by township and by institution, so that an indicator value can be
followed down to the classes, institutions and population cells that make its numerator and
denominator (issue 6, drill-down; the plan's indicators are county and city figures).

The same sources and per-row contributions as :mod:`.measures` are summed with a finer grouping, for
one county and one school year. Because every measure is a sum, the rows of a breakdown add up to the
county's value exactly (the county of an institution in a year is chosen the same way).

- Institution-based measures (sources ``classes``, ``institution_years``, ``staff``) can be broken
  down by institution, and by township through the institution's division.
- Population measures (source ``population``) are held per division: they can be broken down by
  township, not by institution.
- Derived county measures of the plan (``counties``, ``counties_ready`` …) have no meaning below a
  county and are not broken down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import ibis.expr.types as ir
import pandas as pd

from .engines import Engine, from_django
from .measures import SOURCES, Measure, build_measures, with_shared
from .params import MeasureParams, load_params

By = Literal["township", "institution"]
INSTITUTION_SOURCES = ("classes", "institution_years", "staff")
DIVISION_SOURCES = ("population",)
UNASSIGNED = ""  # the group of rows held at county level, outside any township


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a township or an institution, with the sum of each measure."""

    code: str
    name: str
    township_code: str
    township_name: str
    values: dict[str, float | int | None]


def breakable(measure: Measure, by: By) -> bool:
    """Whether ``measure`` has a value per ``by`` group."""
    if by == "institution":
        return measure.source in INSTITUTION_SOURCES
    return measure.source in INSTITUTION_SOURCES + DIVISION_SOURCES


def _source_sums(
    engine: Engine, p: MeasureParams, source: str, chosen: list[Measure], county_id: int, year: int
) -> pd.DataFrame:
    """Sums of ``chosen`` (all of ``source``) in one county and school year, per institution or per
    population division (column ``unit_id``)."""
    rows: ir.Table = SOURCES[source](with_shared(engine.tables(), p), p)
    rows = rows.filter((rows.county_id == county_id) & (rows.school_year == year))
    key = "division_id" if source in DIVISION_SOURCES else "institution_id"
    expr = rows.group_by(unit_id=rows[key]).aggregate(**{m.name: m.contribution(rows).sum() for m in chosen})
    return engine.execute(expr)


def measure_breakdown(
    names: Iterable[str],
    county: str,
    year: int,
    *,
    by: By = "institution",
    engine: Engine | None = None,
    params: MeasureParams | None = None,
) -> list[Group]:
    """The measures ``names`` in county ``county`` (a division code) and school year ``year``, by
    township or by institution. A measure that cannot be broken down that way is ``None`` in every
    group; groups with no data for any measure are left out. Townships are sorted by code,
    institutions by township then code; a group ``UNASSIGNED`` holds what sits at county level."""
    from eduplan.registry.choices import DivisionLevel
    from eduplan.registry.models import Division, Institution

    p = params or load_params()
    measures = build_measures(p)
    chosen = [measures[n] for n in dict.fromkeys(names) if n in measures]
    county_row = Division.objects.filter(code=county, level=DivisionLevel.COUNTY).first()
    if county_row is None:
        return []
    engine = engine or from_django()

    per_unit: dict[str, dict[int, dict[str, float]]] = {"institution": defaultdict(dict), "division": {}}
    per_unit["division"] = defaultdict(dict)
    for source in (*INSTITUTION_SOURCES, *DIVISION_SOURCES):
        wanted = [m for m in chosen if m.source == source and breakable(m, by)]
        if not wanted:
            continue
        df = _source_sums(engine, p, source, wanted, county_row.pk, year)
        kind = "division" if source in DIVISION_SOURCES else "institution"
        for rec in df.to_dict("records"):
            unit = per_unit[kind][int(rec["unit_id"])]
            for m in wanted:
                unit[m.name] = unit.get(m.name, 0) + (rec[m.name] or 0)

    institutions = {
        i.pk: i
        for i in Institution.objects.filter(pk__in=list(per_unit["institution"])).select_related("division")
    }
    divisions = {d.pk: d for d in Division.objects.filter(pk__in=list(per_unit["division"]))}
    blank = {m.name: (0 if breakable(m, by) else None) for m in chosen}

    def township_of(division: Division | None) -> tuple[str, str]:
        node = division
        while node is not None and node.level not in (DivisionLevel.TOWNSHIP, DivisionLevel.COUNTY):
            node = node.parent
        if node is None or node.level != DivisionLevel.TOWNSHIP:
            return UNASSIGNED, "县级(未分乡镇) county level"
        return node.code, node.name

    groups: dict[str, Group] = {}
    for inst_id, values in per_unit["institution"].items():
        inst = institutions[inst_id]
        t_code, t_name = township_of(inst.division)
        key = inst.code if by == "institution" else t_code
        group = groups.setdefault(
            key,
            Group(
                code=key,
                name=inst.name if by == "institution" else t_name,
                township_code=t_code,
                township_name=t_name,
                values=dict(blank),
            ),
        )
        _add(group.values, values)
    if by == "township":
        for div_id, values in per_unit["division"].items():
            t_code, t_name = township_of(divisions[div_id])
            group = groups.setdefault(t_code, Group(t_code, t_name, t_code, t_name, dict(blank)))
            _add(group.values, values)
    out = [g for g in groups.values() if any(v for v in g.values.values())]
    out.sort(key=lambda g: (g.township_code == UNASSIGNED, g.township_code, g.code))
    return out


def _add(into: dict[str, Any], values: dict[str, float]) -> None:
    for name, v in values.items():
        total = (into.get(name) or 0) + v
        into[name] = int(total) if float(total).is_integer() else float(total)
