"""Indicators: the plan's formulas over measures, for every county and city and every school year
with data, compared with their targets and forecast to the deadline.

Entry point for other modules: :func:`compute_indicators` → a list of records (plain dicts, the JSON
contract of ``eduplan indicators``). The pipeline:

1. measures by county × school year on an engine (:mod:`.measures`, :mod:`.engines`);
2. the plan's derived county measures (``counties``, ``counties_with_first_level_hs``) and each
   county's 普及普惠 readiness (``counties_ready``: every assessment indicator met, no ban);
3. city rows as sums of their counties' measures — so a city numerator is the sum of the county
   numerators — then every indicator's value, numerator and denominator;
4. target, gap, trend, forecast and status (:mod:`.progress`).

Counties listed for a school year are those valid on its census day plus any that has data that
year; a county that split mid-period thus shows its old self before and its successors after.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from eduplan.plans.checks import clause_text
from eduplan.plans.loader import (
    ASSESSMENT_SET,
    DerivedMeasure,
    IndicatorSpec,
    Plan,
    load_plan,
)

from . import formula as fm
from . import progress as pg
from .engines import Engine, from_django
from .incidents import Incident, IncidentList, IncidentSource, incident_source
from .measures import Measure, build_measures, compute_births, compute_measures, school_years
from .params import AgeBand, MeasureParams, MonthDay, load_params
from .records import IndicatorRecord

CITY, COUNTY = "city", "county"
DIGITS = 4  # decimals kept in records: identical output on every engine, well below any threshold

# The record fields, in order (the JSON contract; docs/metrics.md).
FIELDS = (
    "indicator",
    "set",
    "group",
    "name_zh",
    "name_en",
    "clause",
    "division",
    "division_name",
    "level",
    "year",
    "value",
    "unit",
    "numerator",
    "denominator",
    "target",
    "comparison",
    "target_scope",
    "deadline",
    "met",
    "gap",
    "trend",
    "forecast",
    "forecast_year",
    "forecast_method",
    "status",
    "target_source",
    "target_kind",
    "lead",
    "cooperating",
    "note",
    # Which target applies (plan, adopted, none) and, for an adopted county target, its record.
    "target_origin",
    "adopted_by",
    "adopted_at",
    "scenario",
    # Late corrections of this division and school year (a reported year changed afterwards): who,
    # when, why (:mod:`.corrections`); empty for most rows.
    "corrections",
)


@dataclass(frozen=True)
class Indicator:
    spec: IndicatorSpec
    formula: fm.Formula
    factor: float
    numerator: fm.Node
    denominator: fm.Node | None
    population: AgeBand | None = None  # the age group of a population denominator (cohort forecast)


@dataclass
class Catalogue:
    """The plan's indicators checked against the measures, with the numbers they need."""

    plan: Plan
    params: MeasureParams
    measures: dict[str, Measure]
    derived: tuple[DerivedMeasure, ...]
    derived_formulas: dict[str, fm.Formula]
    indicators: list[Indicator] = field(default_factory=list)


#: The last catalogue built, with the plan (the loader's object, new when the file changes) and the
#: parameters it was built from: a drill-down page asks for it several times per request.
_LAST_CATALOGUE: list[tuple[Plan, MeasureParams, Catalogue]] = []


def load_catalogue(plan: Plan | None = None, params: MeasureParams | None = None) -> Catalogue:
    """Parse every formula of the plan and refuse unknown measures, naming file and indicator."""
    plan = plan or load_plan()
    params = params or load_params(plan)
    for built_plan, built_params, built in _LAST_CATALOGUE:
        if built_plan is plan and built_params == params:
            return built
    cat = _build_catalogue(plan, params)
    _LAST_CATALOGUE[:] = [(plan, params, cat)]
    return cat


def _build_catalogue(plan: Plan, params: MeasureParams) -> Catalogue:
    measures = build_measures(params)
    known = set(measures)
    derived_formulas: dict[str, fm.Formula] = {}
    for d in plan.measures:
        where = f"{plan.path} 派生量 measure {d.name}"
        if d.name in known:
            raise fm.FormulaError(f"{where}: 与已有的量重名 / the name is already a measure")
        if d.formula:
            f = fm.parse(d.formula, where=where)
            fm.check_names(f, known, where=where)
            derived_formulas[d.name] = f
        known.add(d.name)
    cat = Catalogue(plan, params, measures, plan.measures, derived_formulas)
    for spec in plan.indicators:
        where = f"{plan.path} 指标 indicator {spec.id}"
        f = fm.parse(spec.formula, where=where)
        fm.check_names(f, known, where=where)
        factor, num, den = f.split()
        band = None
        if den is not None and den.op == "name" and den.name in measures:
            band = measures[den.name].population
        cat.indicators.append(Indicator(spec, f, factor, num, den, band))
    return cat


# ------------------------------------------------------------------------------------ divisions


def _divisions(engine: Engine) -> pd.DataFrame:
    def build():
        d = engine.table("registry_division")
        return d.filter(d.level.isin([CITY, COUNTY])).select(
            "id", "code", "name", "level", "city_id", "valid_from", "valid_to"
        )

    return engine.query(("divisions",), build)


def _round(x: float | None) -> float | int | None:
    if x is None:
        return None
    x = round(float(x), DIGITS)
    return int(x) if x.is_integer() else x


# ------------------------------------------------------------------------------------ computing


def compute_indicators(
    year: int | None = None,
    county: str | None = None,
    *,
    engine: Engine | None = None,
    plan: Plan | None = None,
    params: MeasureParams | None = None,
    sets: Sequence[str] | None = None,
    city: str | None = None,
    incidents: IncidentSource | Sequence[Incident] | None = None,
    adopted: pg.AdoptedTargets | None = None,
) -> list[IndicatorRecord]:
    """Every indicator of the plan for every county and city, school year and target.

    ``year`` and ``county`` (a division code) only filter the output: trends and forecasts always
    use every year up to the row's. ``city``: a city code (default: the plan's city when the
    registry has it, else every city). ``sets``: indicator sets (default all: ``targets`` and
    ``assessment``). ``engine``: default the app's database. ``incidents``: the incident
    source or a list of incidents (default: :func:`.incidents.incident_source`). ``adopted``: the
    county targets the city adopted (default: those in force in the database, see
    :func:`.adopted.adopted_targets`, registered by the planning app).
    """
    cat = load_catalogue(plan, params)
    engine = engine or from_django()
    frame = compute_measures(engine, cat.params, cat.measures)
    births = compute_births(engine, cat.params)
    divisions = _divisions(engine)
    years = _years_with_data(engine)
    if incidents is None:
        source: IncidentSource = incident_source()
    elif isinstance(incidents, Sequence):
        source = IncidentList(incidents)
    else:
        source = incidents
    records = _evaluate(
        cat, frame, births, divisions, years, source, year=year, county=county, sets=sets, city=city
    )
    if adopted is None:
        adopted = _adopted_targets()
    specs = {ind.spec.id: (ind.spec.target, ind.spec.upper) for ind in cat.indicators}
    margin = float(cat.plan.setting("at_risk_margin"))
    pg.apply_county_targets(records, specs, adopted, margin=margin)
    return cast("list[IndicatorRecord]", _mark_corrections(records))  # built with every FIELDS key


def _mark_corrections(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record gets the late corrections of its county (a city: of its counties) and school
    year — changes recorded after a notice reported that year (none where the tables are absent)."""
    from django.db import DatabaseError

    from .corrections import corrections

    try:
        found = corrections()
    except DatabaseError:
        found = []
    by_key: dict[tuple[str, int], list[dict[str, object]]] = {}
    for c in found:
        by_key.setdefault((c.county_code, c.school_year), []).append(c.as_dict())
    none: list[dict[str, object]] = []
    cities: dict[tuple[str, int], list[dict[str, object]]] = {}
    if by_key:
        from eduplan.registry.models import Division

        city_of = dict(Division.objects.counties().values_list("code", "city__code"))
        for (county, year), rows in by_key.items():
            cities.setdefault((city_of.get(county, ""), year), []).extend(rows)
    for rec in records:
        key = (str(rec["division"]), int(rec["year"]))
        rec["corrections"] = (by_key if rec["level"] == "county" else cities).get(key, none)
    return records


def _adopted_targets() -> pg.AdoptedTargets:
    """The county targets in force in the database (none where the planning app has no table)."""
    from django.db import DatabaseError

    from .adopted import adopted_targets

    try:
        return adopted_targets()
    except DatabaseError:
        return {}


def _years_with_data(engine: Engine) -> list[int]:
    df = engine.query(("school_years",), lambda: school_years(engine.tables()))
    return sorted(int(y) for y in df["school_year"])


def _evaluate(
    cat: Catalogue,
    frame: pd.DataFrame,
    births: pd.DataFrame,
    divisions: pd.DataFrame,
    years: Sequence[int],
    incidents: IncidentSource,
    *,
    year: int | None,
    county: str | None,
    sets: Sequence[str] | None,
    city: str | None,
) -> list[dict[str, Any]]:
    """Measures → division × year table → indicators, with numpy over all divisions at once."""
    p = cat.params
    plan = cat.plan
    divisions = divisions.set_index("id", drop=False)
    counties = divisions[divisions["level"] == COUNTY]
    cities = divisions[divisions["level"] == CITY]
    city_ids = _chosen_cities(city, plan.city, cities, counties)
    counties = counties[counties["city_id"].isin(city_ids)]

    # Rows: every county valid on each year's census day, and any county with data that year.
    data = frame[frame["school_year"].isin(years) & frame["county_id"].isin(counties.index)]
    data = data.set_index(["county_id", "school_year"])
    keys = set(data.index)
    for y in years:
        census = p.census_key(y)
        vf, vt = counties["valid_from"], counties["valid_to"]
        valid = (vf.isna() | (vf <= census)) & (vt.isna() | (vt > census))
        keys.update((int(c), y) for c in counties.index[valid])
    index = pd.MultiIndex.from_tuples(sorted(keys), names=["division_id", "year"])
    m = data.reindex(index, fill_value=0) if len(index) else data.iloc[0:0]
    cols: dict[str, np.ndarray] = {name: m[name].to_numpy(dtype=float) for name in cat.measures}
    county_ids = index.get_level_values(0).to_numpy() if len(index) else np.zeros(0, int)
    row_years = index.get_level_values(1).to_numpy() if len(index) else np.zeros(0, int)

    # Derived county measures, then readiness on the assessment set and the ban.
    for d in cat.derived:
        if d.formula:
            cols[d.name] = np.nan_to_num(
                cat.derived_formulas[d.name].evaluate_array(cols) * np.ones(len(index))
            )
    readiness_names = {d.name for d in cat.derived if d.readiness}
    until = np.full(len(index), None, dtype=object)
    if readiness_names:
        ready = np.ones(len(index), dtype=bool)
        for ind in cat.indicators:
            if ind.spec.set == ASSESSMENT_SET and ind.spec.target is not None:
                values = ind.formula.evaluate_array(cols) * np.ones(len(index))
                ready &= pg.compare_array(values, ind.spec.target.comparison, ind.spec.target.value)
        assess_day = MonthDay.parse(
            plan.setting("assessment_day"), where=f"{plan.path} [settings] assessment_day"
        )
        codes = counties["code"].to_dict()
        for y in years:
            banned = incidents.banned_counties(assess_day.date(y))
            if banned:
                for i in np.flatnonzero(row_years == y):
                    until[i] = banned.get(codes[int(county_ids[i])])
        barred = np.array([u is not None for u in until], dtype=bool)
        for d in cat.derived:
            if d.readiness:
                cols[d.name] = (ready & ~barred).astype(float)

    # Cities: sums of their counties' rows.
    county_table = pd.DataFrame(cols)
    county_table["division_id"] = county_ids
    county_table["year"] = row_years
    county_table["city_id"] = counties.loc[county_ids, "city_id"].to_numpy() if len(index) else []
    city_table = county_table.drop(columns="division_id").groupby(["city_id", "year"], as_index=False).sum()
    city_table = city_table.rename(columns={"city_id": "division_id"})
    table = pd.concat([county_table.drop(columns="city_id"), city_table], ignore_index=True)
    table["division_id"] = table["division_id"].astype("int64")
    table = table.sort_values(["division_id", "year"], kind="stable").reset_index(drop=True)
    notes = {
        (int(c), int(y)): u for c, y, u in zip(county_ids, row_years, until, strict=True) if u is not None
    }

    births_matrix = _births_matrix(births, counties, table)
    # Hundreds of thousands of small dicts at nation scale hold no cycles: pausing the cyclic
    # garbage collector while they are made saves about a third of the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _indicator_records(
            cat, table, divisions, births_matrix, notes, readiness_names, year, county, sets
        )
    finally:
        if enabled:
            gc.enable()


def _births_matrix(
    births: pd.DataFrame, counties: pd.DataFrame, table: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    """Births by division (counties, and cities as sums of their counties) × calendar year."""
    if births.empty:
        return pd.DataFrame(), np.zeros(0, int)
    b = births[births["county_id"].isin(counties.index)].copy()
    by_county = b.pivot_table(index="county_id", columns="year", values="births", aggfunc="sum")
    b["city_id"] = counties.loc[b["county_id"], "city_id"].to_numpy()
    by_city = b.pivot_table(index="city_id", columns="year", values="births", aggfunc="sum")
    both = pd.concat([by_county, by_city])
    return both, both.columns.to_numpy()


def _indicator_records(
    cat: Catalogue,
    table: pd.DataFrame,
    divisions: pd.DataFrame,
    births: tuple[pd.DataFrame, np.ndarray],
    notes: Mapping[tuple[int, int], dt.date],
    readiness_names: set[str],
    year: int | None,
    county: str | None,
    sets: Sequence[str] | None,
) -> list[dict[str, Any]]:
    plan = cat.plan
    window = int(plan.setting("forecast_window"))
    margin = float(plan.setting("at_risk_margin"))
    all_years = np.array(sorted(table["year"].unique()), dtype=int)
    div_ids = np.array(sorted(table["division_id"].unique()), dtype=int)
    n_div, n_year = len(div_ids), len(all_years)
    # Position of every table row in the divisions × years matrix.
    r_div = np.searchsorted(div_ids, table["division_id"].to_numpy())
    r_year = np.searchsorted(all_years, table["year"].to_numpy())
    values_of = {
        name: table[name].to_numpy(dtype=float)
        for name in table.columns
        if name not in ("division_id", "year")
    }

    info = divisions.loc[div_ids]
    codes, names, levels = info["code"].to_numpy(), info["name"].to_numpy(), info["level"].to_numpy()
    birth_frame, birth_years = births
    birth_rows = (
        birth_frame.reindex(div_ids).to_numpy(dtype=float)
        if len(birth_frame)
        else np.full((n_div, 0), np.nan)
    )
    # Which rows to output, in output order: the city first, then counties by code, each by year.
    keep = np.ones(len(table), dtype=bool)
    if year is not None:
        keep &= table["year"].to_numpy() == year
    if county is not None:
        keep &= codes[r_div] == county
    rows = np.flatnonzero(keep)
    order = np.lexsort((table["year"].to_numpy()[rows], codes[r_div][rows], levels[r_div][rows] != CITY))
    out_rows = rows[order]
    row_div = r_div[out_rows]
    row_codes = codes[row_div].tolist()
    row_names = names[row_div].tolist()
    row_levels = levels[row_div].tolist()
    row_years = all_years[r_year[out_rows]].tolist()

    chosen_sets = set(sets) if sets else None
    out: list[dict[str, Any]] = []
    for ind in cat.indicators:
        spec = ind.spec
        if chosen_sets is not None and spec.set not in chosen_sets:
            continue
        n = len(table)
        num = ind.numerator.evaluate_array(values_of) * np.ones(n)
        den = ind.denominator.evaluate_array(values_of) * np.ones(n) if ind.denominator is not None else None
        val = ind.formula.evaluate_array(values_of) * np.ones(n)
        target = spec.target
        progress: dict[str, np.ndarray] = {}
        if target is not None:
            deadline_year = pg.deadline_school_year(target.deadline, cat.params)

            def matrix(a: np.ndarray) -> np.ndarray:
                mat = np.full((n_div, n_year), np.nan)
                mat[r_div, r_year] = a
                return mat

            now = then = None
            if ind.population is not None and len(birth_years):
                f = cat.params.cutoff_fraction
                now = pg.cohort_births_array(all_years, ind.population, birth_rows, birth_years, f)
                then = pg.cohort_births_array([deadline_year], ind.population, birth_rows, birth_years, f)
            fc = pg.forecast_array(
                all_years,
                matrix(val),
                matrix(num),
                matrix(den) if den is not None else matrix(np.full(n, np.nan)),
                deadline_year,
                window=window,
                factor=ind.factor,
                upper=spec.upper,
                births_now=now,
                births_then=then,
            )
            st = pg.status_array(matrix(val), target, all_years[None, :], deadline_year, fc, margin)
            if target.kind == "ban":  # in force now: met only with no breach, never forecast
                st = pg.ban_status_array(matrix(val), target)
            progress = {
                "forecast": fc.value[r_div, r_year],
                "trend": fc.trend[r_div, r_year],
                "method": fc.method[r_div, r_year],
                "status": st[r_div, r_year],
                "met": pg.compare_array(val, target.comparison, target.value),
                "gap": pg.gap_array(val, target),
                "applies": np.isin(levels[r_div], list(target.compare)),
                "deadline_year": np.full(n, deadline_year),
            }
        uses_readiness = bool(ind.formula.names & readiness_names)
        values = _nums(val[out_rows])
        numerators = _nums(num[out_rows])
        denominators = _nums(den[out_rows]) if den is not None else [None] * len(out_rows)
        if target is not None:
            applies = progress["applies"][out_rows].tolist()
            met = progress["met"][out_rows].tolist()
            gaps = _nums(progress["gap"][out_rows])
            trends = _nums(progress["trend"][out_rows])
            forecasts = _nums(progress["forecast"][out_rows])
            methods = [pg.METHODS[c] or None for c in progress["method"][out_rows].tolist()]
            statuses = [pg.STATUSES[c] or None for c in progress["status"][out_rows].tolist()]
            target_fields = {
                "target": _round(target.value),
                "comparison": target.comparison,
                "target_scope": target.scope,
                "deadline": target.deadline.isoformat(),
                "forecast_year": pg.deadline_school_year(target.deadline, cat.params),
                "target_source": target.source or None,
                "target_kind": target.kind,
            }
        base = {
            "indicator": spec.id,
            "set": spec.set,
            "group": spec.group,
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "clause": spec.clause,
        }
        cooperating = list(spec.cooperating)
        for k in range(len(out_rows)):
            value = values[k]
            rec: dict[str, Any] = {
                **base,
                "division": row_codes[k],
                "division_name": row_names[k],
                "level": row_levels[k],
                "year": row_years[k],
                "value": value,
                "unit": spec.unit,
                "numerator": numerators[k],
                "denominator": denominators[k],
                "target": None,
                "comparison": None,
                "target_scope": None,
                "deadline": None,
                "met": None,
                "gap": None,
                "trend": None,
                "forecast": None,
                "forecast_year": None,
                "forecast_method": None,
                "status": None,
                "target_source": None,
                "target_kind": None,
                "lead": spec.lead,
                "cooperating": list(cooperating),
                "note": spec.note_zh,
            }
            if target is not None and applies[k]:
                rec.update(target_fields)
                rec["met"] = None if value is None else met[k]
                rec["gap"] = None if value is None else gaps[k]
                rec["status"] = statuses[k]
                if target.kind != "ban":
                    rec["trend"] = trends[k]
                    rec["forecast"] = forecasts[k]
                    rec["forecast_method"] = methods[k]
                else:
                    rec["forecast_year"] = None
            if uses_readiness and notes:
                day_until = notes.get((int(div_ids[row_div[k]]), row_years[k]))
                if day_until is not None:
                    day = day_until.isoformat()
                    rec["note"] = (
                        f"{clause_text(BAN_CHECK)} {BAN_NOTE_PREFIX}{day} 前不得申报 / barred by a major "
                        f"incident until {day}"
                    )
            out.append(rec)
    return out


#: How a readiness row barred by a major incident starts its note (the portal quotes such notes).
BAN_NOTE_PREFIX = "重大事件,"
#: The check whose clauses the ban cites: the incidents workflow.
BAN_CHECK = "workflow:incidents"


def _nums(a: np.ndarray) -> list[float | int | None]:
    """Record numbers from an array: ``None`` for NaN, rounded to :data:`DIGITS`, integral as ``int``.
    Converted a column at a time (a nation's records hold two million numbers)."""
    rounded = np.round(a.astype(float), DIGITS)
    out = rounded.astype(object)
    integral = np.isfinite(rounded) & (rounded == np.floor(rounded))
    out[integral] = rounded[integral].astype(np.int64).astype(object)
    out[np.isnan(rounded)] = None
    return out.tolist()


def _chosen_cities(
    city: str | None, plan_city: str, cities: pd.DataFrame, counties: pd.DataFrame
) -> list[int]:
    if city:
        found = cities.index[cities["code"] == city]
        if not len(found):
            raise ValueError(f"登记系统中没有城市 {city} / no city with code {city!r} in the registry")
        return [int(i) for i in found]
    found = cities.index[cities["code"] == plan_city]
    if len(found):
        return [int(i) for i in found]
    return sorted({int(c) for c in counties["city_id"].dropna()})
