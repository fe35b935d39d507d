"""Measures: named aggregates of the registry by county × school year, each written once as an Ibis
expression with no engine named inside it (ARCHITECTURE.md, "metrics"; STYLE.md, Ibis).

Every measure is a *sum* of a per-row contribution over one *source* relation (a class, an
institution in a school year, a staff member in post, a population cell). Sums add up, so the city
value of any measure is the sum of its counties' values — the property that keeps city and county
figures consistent, and lets indicators show a numerator and a denominator that reconcile.

Conventions (docs/metrics.md explains each with its reason):

- **School year Y** runs from the census day (``[school_year] start_month``, 1 September) of Y.
  Institutions (their dated attributes: the attribute row in force, ``institution_attrs``), staff
  in post, designations and pairings are taken as they stood on that day; classes carry their own
  school year.
- **County of an institution in year Y**: the county among those the institution has been recorded
  in (its current row and its history) that was valid on the census day; so a county that split
  keeps its earlier years (``Division.valid_from``/``valid_to``), unlike DHIS2, which re-aggregates
  history with today's tree.
- **Population of school year Y** is the calendar-year-Y population (year-end ages), shifted to the
  age cut-off day (``[indicators] age_cutoff``, 31 August by default, a setting): of the children
  aged *a* at year end, the share born before the cut-off day was already *a* on it, the rest was
  *a − 1*. A band row (``age_min < age_max``) is spread evenly over its ages; an open band (no
  ``age_max``) is never a child age group and counts nowhere. Population and births are held at
  township level (or county) and reach their county through ``Division.county``.
- Unlicensed kindergartens (无证园) are not in the official statistics: their children are counted
  apart (``children_unlicensed``) and not in the enrollment rates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from eduplan.registry.choices import (
    InstitutionKind,
    LicenceStatus,
    Ownership,
    PairingKind,
)

from .concepts import (
    ATTACHED_CLASS,
    COUNTY_HIGH_SCHOOL,
    HEAD_POST,
    LICENSED,
    LICENSED_KINDERGARTEN,
    NEW_INTAKE_CLASS,
    PRESCHOOL,
    SENIOR_HS_CLASS,
    TEACHING_POST,
)
from .engines import DATED_COLUMNS
from .params import AgeBand, MeasureParams

KEYS = ["county_id", "school_year"]

KINDERGARTEN = InstitutionKind.KINDERGARTEN.value
HIGH_SCHOOL = InstitutionKind.HIGH_SCHOOL.value
VOCATIONAL = InstitutionKind.VOCATIONAL.value
PUBLIC = Ownership.PUBLIC.value
TEACHING_POINT = LicenceStatus.TEACHING_POINT.value
TRUSTEESHIP = PairingKind.HS_TRUSTEESHIP.value
DEMO_KINDERGARTEN = "demo_kindergarten"  # programmes.DesignationKind (metrics does not import apps)

Tables = dict[str, ir.Table]
Contribution = Callable[[ir.Table], ir.NumericValue]


@dataclass(frozen=True)
class Measure:
    """A named sum of ``contribution(row)`` over the rows of ``source``, by county × school year."""

    name: str
    source: str
    contribution: Contribution
    name_zh: str
    unit: str
    description: str = ""
    population: AgeBand | None = None  # set for an age-group population (projected from births)
    # The same sum over the figures of statistical returns (eduplan.returns), for institutions
    # known only by their return: read where the institution has no individual records.
    fallback: Contribution | None = None


def _flag(cond: ir.BooleanValue) -> ir.IntegerValue:
    return ibis.ifelse(cond, 1, 0).cast("int64")


# ------------------------------------------------------------------------------------- sources


def school_years(t: Tables) -> ir.Table:
    """School years with data: those in which any class is recorded or any return was filed."""
    classes = t["registry_schoolclass"].select("school_year")
    returns = t["returns_returnaggregate"].select("school_year")
    return classes.union(returns).distinct()


def _census(year: ir.IntegerValue, p: MeasureParams) -> ir.IntegerValue:
    return year * 10000 + (p.school_year_start.month * 100 + p.school_year_start.day)


def _valid_on(start: ir.IntegerValue, end: ir.IntegerValue, day: ir.IntegerValue) -> ir.BooleanValue:
    """``Division.valid_on``: from ``start`` inclusive to ``end`` exclusive (NULL end: still valid)."""
    return (start <= day) & (end.isnull() | (end > day))


def _in_post(start: ir.IntegerValue, end: ir.IntegerValue, day: ir.IntegerValue) -> ir.BooleanValue:
    """Staff and pairings: from ``start`` to ``end`` inclusive (``StaffQuerySet.active_on``)."""
    return (start <= day) & (end.isnull() | (end >= day))


def institution_county_by_year(t: Tables, p: MeasureParams) -> ir.Table:
    """``(institution_id, school_year, county_id)``: the county an institution belonged to in each
    school year with data, chosen among its current and historical counties by validity on the
    census day (ties: the current county, then the lowest id; none valid: the current county)."""
    inst = t["registry_institution"]
    hist = t["registry_historicalinstitution"]
    div = t["registry_division"]
    current = inst.select(institution_id=inst.id, county_id=inst.county_id, current=ibis.literal(1, "int64"))
    past = hist.filter(hist.county_id.notnull()).select(
        institution_id=hist.id, county_id=hist.county_id, current=ibis.literal(0, "int64")
    )
    both = current.union(past)
    cand = both.group_by(["institution_id", "county_id"]).aggregate(current=both.current.max())
    counties = div.select(cid=div.id, vf=div.valid_from, vt=div.valid_to)
    years = school_years(t)
    cy = cand.cross_join(years).join(counties, cand.county_id == counties.cid)
    cy = cy.mutate(valid=_flag(_valid_on(cy.vf, cy.vt, _census(cy.school_year, p))))
    w = ibis.window(
        group_by=[cy.institution_id, cy.school_year],
        order_by=[ibis.desc(cy.valid), ibis.desc(cy.current), cy.county_id],
    )
    ranked = cy.mutate(rank=ibis.row_number().over(w))
    return ranked.filter(ranked["rank"] == 0).select("institution_id", "school_year", "county_id")


#: The attributes read from the row in force on the census day (``registry.models.states``).
DATED = (*DATED_COLUMNS, "seats")


def _current(rows: ir.Table, column: str) -> ir.Value:
    """Today's value of ``column`` on the institution (seats are dated only: NULL without a row)."""
    return rows[column] if column in rows.columns and column != "seats" else ibis.null("int64")


def institution_attrs(t: Tables, p: MeasureParams) -> ir.Table:
    """The institution columns the measures read, by institution (``iid``) and school year
    (``ayear``): each dated attribute as it stood on the year's census day — from the attribute row
    in force then (latest ``effective_from``, then latest recorded) — so a past year never reads
    today's values. An institution without attribute rows (recorded before the time model and not
    backfilled, or an older Parquet export) reads its current values in every year."""
    inst = t["registry_institution"]
    st = t["registry_institutionstate"]
    years = school_years(t)
    cy = st.cross_join(years)
    cy = cy.filter(cy.effective_from <= _census(cy.school_year, p))
    w = ibis.window(
        group_by=[cy.institution_id, cy.school_year],
        order_by=[ibis.desc(cy.effective_from), ibis.desc(cy.id)],
    )
    cy = cy.mutate(rank=ibis.row_number().over(w))
    chosen = cy.filter(cy["rank"] == 0)
    chosen = chosen.select(
        sid=chosen.institution_id, syear=chosen.school_year, **{f"s_{c}": chosen[c] for c in DATED}
    )
    base = inst.cross_join(years)
    rows = base.left_join(chosen, [base.id == chosen.sid, base.school_year == chosen.syear])
    dated = rows.sid.notnull()
    return rows.select(
        iid=rows.id,
        ayear=rows.school_year,
        kind=rows.kind,
        established_on=rows.established_on,
        closed_on=rows.closed_on,
        **{c: ibis.ifelse(dated, rows[f"s_{c}"], _current(rows, c)) for c in DATED},
    )


def _is_inclusive(r: ir.Table, census: ir.IntegerValue) -> ir.BooleanValue:
    """公办 or 普惠性民办 recognised by the census day (STANDARDS.md, inclusive coverage)."""
    recognised = r.inclusive & (r.inclusive_since.isnull() | (r.inclusive_since <= census))
    return (r.ownership == PUBLIC) | recognised


# Relations several sources share: inline by default; an engine may compute each once into a
# temporary table (:meth:`.engines.Engine.materialize`) — on SQLite that also keeps the date
# conversions of institutions out of the per-class joins. (name → builder, index columns)
SHARED: dict[str, tuple[Callable[[Tables, MeasureParams], ir.Table], tuple[str, ...]]] = {
    "institution_county": (institution_county_by_year, ("institution_id", "school_year")),
    "institution_attrs": (institution_attrs, ("iid", "ayear")),
}


def with_shared(t: Tables, p: MeasureParams) -> Tables:
    """``t`` plus the shared relations that are not already in it, inline."""
    missing = {name: build(t, p) for name, (build, _) in SHARED.items() if name not in t}
    return {**t, **missing} if missing else t


def class_rows(t: Tables, p: MeasureParams) -> ir.Table:
    """Every class with its institution's attributes and the institution's county that year."""
    c = t["registry_schoolclass"]
    iy = t["institution_county"]
    attrs = t["institution_attrs"]
    rows = c.join(attrs, [c.institution_id == attrs.iid, c.school_year == attrs.ayear]).join(
        iy, [c.institution_id == iy.institution_id, c.school_year == iy.school_year]
    )
    census = _census(rows.school_year, p)
    return rows.mutate(
        headcount=rows.boys + rows.girls,
        inclusive_now=_is_inclusive(rows, census),
        first_level=rows.rating.isin(list(p.hs_first_level)),
    )


def institution_year_rows(t: Tables, p: MeasureParams) -> ir.Table:
    """Each institution open on the census day of each school year with data, with whether a
    trusteeship (托管帮扶) covered it then."""
    iy = t["institution_county"]
    pair = t["registry_pairing"]
    years = school_years(t)
    covered = pair.filter(pair.kind == TRUSTEESHIP).cross_join(years)
    covered = covered.filter(_in_post(covered.start_date, covered.end_date, _census(covered.school_year, p)))
    covered = covered.select(pid=covered.supported_id, pyear=covered.school_year).distinct()
    attrs = t["institution_attrs"]
    rows = iy.join(attrs, [iy.institution_id == attrs.iid, iy.school_year == attrs.ayear])
    rows = rows.left_join(covered, [rows.institution_id == covered.pid, rows.school_year == covered.pyear])
    census = _census(rows.school_year, p)
    rows = rows.filter(
        (rows.established_on.isnull() | (rows.established_on <= census))
        & (rows.closed_on.isnull() | (rows.closed_on > census))
    )
    graded = rows.grade_year.isnull() | (rows.grade_year <= rows.school_year)
    return rows.mutate(
        in_trusteeship=rows.pid.notnull(),
        grade_now=ibis.ifelse(graded, rows.grade, ""),
        inclusive_now=_is_inclusive(rows, census),
    )


def staff_rows(t: Tables, p: MeasureParams) -> ir.Table:
    """Staff in post on the census day in preschool institutions counted in the statistics."""
    s = t["registry_staffmember"]
    iy = t["institution_county"]
    attrs = t["institution_attrs"].filter(lambda a: (PRESCHOOL & LICENSED).expr(a))
    rows = iy.join(attrs, [iy.institution_id == attrs.iid, iy.school_year == attrs.ayear])
    rows = rows.join(s, rows.institution_id == s.institution_id)
    return rows.filter(_in_post(rows.start_date, rows.end_date, _census(rows.school_year, p)))


def population_rows(t: Tables, p: MeasureParams) -> ir.Table:
    """Population cells of the chosen basis with their county; school year Y ↔ calendar year Y."""
    pop = t["registry_populationcount"]
    div = t["registry_division"]
    pop = pop.filter(pop.basis == p.population_basis)
    d = div.select(did=div.id, dcounty=div.county_id)
    rows = pop.join(d, pop.division_id == d.did)
    rows = rows.filter(rows.dcounty.notnull())
    return rows.mutate(county_id=rows.dcounty, school_year=rows.year)


def births_by_county(t: Tables, p: MeasureParams) -> ir.Table:
    """Births by county × calendar year (the basis of the denominators' projection)."""
    b = t["registry_births"]
    div = t["registry_division"]
    b = b.filter(b.basis == p.population_basis)
    d = div.select(did=div.id, dcounty=div.county_id)
    rows = b.join(d, b.division_id == d.did)
    rows = rows.filter(rows.dcounty.notnull())
    return rows.group_by(county_id=rows.dcounty, year=rows.year).aggregate(births=rows["count"].sum())


def designation_rows(t: Tables, p: MeasureParams) -> ir.Table:
    """Designations of the programme registers in force on each school year's census day
    (``designated_on`` inclusive to ``revoked_on`` exclusive): institution designations
    in the institution's county that year, and demonstration areas (a county
    or a township) in their division's county, with ``kind = "demo_area"``."""
    d = t["programmes_designation"]
    iy = t["institution_county"]
    inst = d.join(iy, d.institution_id == iy.institution_id).select(
        kind=d.kind,
        county_id=iy.county_id,
        school_year=iy.school_year,
        designated_on=d.designated_on,
        revoked_on=d.revoked_on,
    )
    a = t["programmes_demonstrationarea"]
    div = t["registry_division"]
    dv = div.select(did=div.id, dcounty=div.county_id)
    areas = a.join(dv, a.division_id == dv.did).cross_join(school_years(t))
    areas = areas.select(
        kind=ibis.literal("demo_area", "string"),
        county_id=areas.dcounty,
        school_year=areas.school_year,
        designated_on=areas.designated_on,
        revoked_on=areas.revoked_on,
    )
    rows = inst.union(areas)
    return rows.filter(_valid_on(rows.designated_on, rows.revoked_on, _census(rows.school_year, p)))


def certification_rows(t: Tables, p: MeasureParams) -> ir.Table:
    """普及普惠 certifications of the register in force on each school year's assessment day
    (``[settings] assessment_day`` of the year's first calendar year; ``certified_on`` inclusive to
    ``revoked_on`` exclusive), in the certified county."""
    c = t["programmes_countycertification"]
    rows = c.cross_join(school_years(t))
    day = rows.school_year * 10000 + p.assessment_day.month * 100 + p.assessment_day.day
    rows = rows.filter(_valid_on(rows.certified_on, rows.revoked_on, day))
    return rows.select("county_id", "school_year", "kind")


SOURCES: dict[str, Callable[[Tables, MeasureParams], ir.Table]] = {
    "classes": class_rows,
    "institution_years": institution_year_rows,
    "staff": staff_rows,
    "population": population_rows,
    "designations": designation_rows,
    "certifications": certification_rows,
}


def _add_months(key: ir.IntegerValue, months: int) -> ir.IntegerValue:
    """``yyyymmdd`` plus whole months (the day kept: a 31st past a shorter month still sorts right)."""
    total = (key // 10000) * 12 + (key // 100) % 100 - 1 + months
    return (total // 12) * 10000 + (total % 12 + 1) * 100 + key % 100


def due_for_rating(r: ir.Table, p: MeasureParams) -> ir.BooleanValue:
    """A kindergarten is due for rating on a school year's census day when it opened by the rating
    deadline (or its opening is unknown), or, opened after it, once its grace period from opening
    (``rating_grace_months``) is over; a rated one always counts (the rated share's denominator;
    the rule on unrated kindergartens uses the same grace: ``rules.network.unrated``)."""
    census = _census(r.school_year, p)
    opened_late = r.established_on.notnull() & (r.established_on > p.rating_deadline)
    grace_over = _add_months(r.established_on, p.rating_grace_months) <= census
    return (r.grade_now != "") | ~opened_late | grace_over


def return_rows(t: Tables, p: MeasureParams, source: str) -> ir.Table:
    """The figures of statistical returns (``table_key``, ``row_key``, ``column_key``, ``value``)
    of the institution-years that ``source`` has no individual records for — no class that school
    year (``classes``) or no staff record at all (``staff``) — with the institution's attributes
    and its county that year, so a measure's fallback reads them as its source's rows."""
    a = t["returns_returnaggregate"]
    if source == "classes":
        c = t["registry_schoolclass"]
        held = c.select(hid=c.institution_id, hyear=c.school_year).distinct()
        a = a.anti_join(held, [a.institution_id == held.hid, a.school_year == held.hyear])
    else:
        s = t["registry_staffmember"]
        held_staff = s.select(hid=s.institution_id).distinct()
        a = a.anti_join(held_staff, a.institution_id == held_staff.hid)
    a = a.select("institution_id", "school_year", "table_key", "row_key", "column_key", "value")
    iy = t["institution_county"]
    iy = iy.select(jid=iy.institution_id, jyear=iy.school_year, county_id=iy.county_id)
    attrs = t["institution_attrs"]
    with_attrs = a.join(attrs, [a.institution_id == attrs.iid, a.school_year == attrs.ayear])
    rows = with_attrs.join(iy, [with_attrs.institution_id == iy.jid, with_attrs.school_year == iy.jyear])
    census = _census(rows.school_year, p)
    return rows.mutate(
        inclusive_now=_is_inclusive(rows, census),
        first_level=rows.rating.isin(list(p.hs_first_level)),
    )


#: The sources whose measures may fall back on returns (which individual records take precedence).
RETURN_SOURCES = ("classes", "staff")


def _cell(r: ir.Table, table: str, row: str, column: str | Iterable[str]) -> ir.BooleanValue:
    cols = [column] if isinstance(column, str) else list(column)
    return (r.table_key == table) & (r.row_key == row) & r.column_key.isin(cols)


def _from_return(cond: Callable[[ir.Table], ir.BooleanValue]) -> Contribution:
    return lambda r: ibis.ifelse(cond(r), r.value, 0)


#: The statistics' class-size bands of the high school return (lower bound, upper bound, key).
HS_SIZE_BANDS = (
    (0, 25, "size_0_25"),
    (26, 30, "size_26_30"),
    (31, 35, "size_31_35"),
    (36, 40, "size_36_40"),
    (41, 45, "size_41_45"),
    (46, 50, "size_46_50"),
    (51, 55, "size_51_55"),
    (56, 60, "size_56_60"),
    (61, 65, "size_61_65"),
    (66, 10_000, "size_66_plus"),
)


def _child_age(
    counted: Callable[[ir.Table], ir.BooleanValue], column: str
) -> Callable[[ir.Table], ir.BooleanValue]:
    return lambda r: counted(r) & _cell(r, "kg_children", "all", column)


def _bands(lo: int, hi: int = 10_000) -> list[str]:
    """The bands lying within ``lo``..``hi`` (a limit inside a band counts the band from its
    lower bound: the returns carry no finer cut)."""
    return [key for a, b, key in HS_SIZE_BANDS if a >= lo and b <= hi]


# ------------------------------------------------------------------------------------ measures


def _age_weight(r: ir.Table, band: AgeBand, f: float) -> ir.FloatingValue:
    """Share of a population cell (year-end ages ``age_min``..``age_max``) aged within ``band`` on
    the cut-off day: ``(f·overlap(band) + (1−f)·overlap(band + 1)) / width``."""

    def overlap(lo: int, hi: int) -> ir.IntegerValue:
        return ibis.greatest(ibis.least(r.age_max, hi) - ibis.greatest(r.age_min, lo) + 1, 0)

    width = r.age_max - r.age_min + 1
    weight = (overlap(band.lo, band.hi) * f + overlap(band.lo + 1, band.hi + 1) * (1 - f)) / width
    # LEAST/GREATEST treat NULL differently per engine: settle open bands before using them.
    return ibis.ifelse(r.age_max.isnull(), 0.0, weight.cast("float64"))


def _by_age(counted: Callable[[ir.Table], ir.BooleanValue], column: str) -> Contribution:
    return lambda r: ibis.ifelse(counted(r), r[column], 0)


def _rated(is_high_school: Callable[[ir.Table], ir.BooleanValue], code: str) -> Contribution:
    return lambda r: _flag(is_high_school(r) & (r.rating == code))


def _population(band: AgeBand, f: float) -> Contribution:
    return lambda r: r["count"] * _age_weight(r, band, f)


def build_measures(p: MeasureParams) -> dict[str, Measure]:
    """Every measure, with the numbers of ``p`` inside its expression."""
    m: list[Measure] = []

    def add(name: str, source: str, fn: Contribution, zh: str, unit: str, desc: str = "", **kw) -> None:
        m.append(Measure(name, source, fn, zh, unit, desc, **kw))

    def counted(r: ir.Table) -> ir.BooleanValue:
        """A preschool class counted in the statistics (of a licensed institution)."""
        return (PRESCHOOL & LICENSED).expr(r)

    def kg_children(r: ir.Table) -> ir.BooleanValue:
        """The return's total of children (every row, every age)."""
        return _cell(r, "kg_children", "all", "children")

    # Children in preschool (在园幼儿): kindergartens and primary schools' attached classes.
    pc = "classes"
    add(
        "children_enrolled",
        pc,
        lambda r: ibis.ifelse(counted(r), r.headcount, 0),
        "在园幼儿数",
        "人",
        "all children enrolled, any age (the gross rate's numerator)",
        fallback=_from_return(lambda r: counted(r) & _cell(r, "kg_children", "all", "children")),
    )
    for field, label in (
        ("age_under3", "3岁以下"),
        ("age_3", "3岁"),
        ("age_4", "4岁"),
        ("age_5", "5岁"),
        ("age_over5", "5岁以上"),
    ):
        add(
            f"children_{field}",
            pc,
            _by_age(counted, field),
            f"在园幼儿({label})",
            "人",
            fallback=_from_return(_child_age(counted, field)),
        )
    add(
        "children_public",
        pc,
        lambda r: ibis.ifelse(counted(r) & (r.ownership == PUBLIC), r.headcount, 0),
        "公办园在园幼儿数",
        "人",
        fallback=_from_return(lambda r: counted(r) & (r.ownership == PUBLIC) & kg_children(r)),
    )
    add(
        "children_inclusive",
        pc,
        lambda r: ibis.ifelse(counted(r) & r.inclusive_now, r.headcount, 0),
        "普惠性幼儿园在园幼儿数",
        "人",
        "public, or private recognised inclusive by the census day",
        fallback=_from_return(lambda r: counted(r) & r.inclusive_now & kg_children(r)),
    )
    add(
        "children_private_inclusive",
        pc,
        lambda r: ibis.ifelse(counted(r) & r.inclusive_now & (r.ownership != PUBLIC), r.headcount, 0),
        "普惠性民办园在园幼儿数",
        "人",
        fallback=_from_return(
            lambda r: counted(r) & r.inclusive_now & (r.ownership != PUBLIC) & kg_children(r)
        ),
    )
    add(
        "children_attached",
        pc,
        lambda r: ibis.ifelse(counted(r) & ATTACHED_CLASS.expr(r), r.headcount, 0),
        "小学附设幼儿班在园幼儿数",
        "人",
        fallback=_from_return(lambda r: counted(r) & ATTACHED_CLASS.expr(r) & kg_children(r)),
    )
    add(
        "children_unlicensed",
        pc,
        lambda r: ibis.ifelse(PRESCHOOL.expr(r) & ~LICENSED.expr(r), r.headcount, 0),
        "无证园幼儿数",
        "人",
        "not in the statistics nor in the rates",
    )
    limits = p.kg_class_limits
    limit_expr = lambda r: r.age_group.cases(*limits.items(), else_=None)  # noqa: E731
    add("kg_classes", pc, lambda r: _flag(counted(r)), "幼儿园班级数", "个")
    add(
        "kg_classes_within_limit",
        pc,
        lambda r: _flag(counted(r) & (r.headcount <= limit_expr(r)).fill_null(False)),
        "班额达标的幼儿园班级数",
        "个",
        "headcount within its age group's limit (幼儿园工作规程 art. 11)",
    )

    # High school stage (高中阶段): general high schools and secondary vocational schools.
    sc = "classes"

    def hs_school(r: ir.Table) -> ir.BooleanValue:
        return r.kind == HIGH_SCHOOL

    def hs(r: ir.Table) -> ir.BooleanValue:
        """A senior class (grades 10–12) of a general high school: a complete school's (完中)
        junior classes are not high-school enrolment nor high-school 大班额."""
        return SENIOR_HS_CLASS.expr(r)

    def sized(r: ir.Table, bands: list[str], row: str = "all") -> ir.BooleanValue:
        return hs_school(r) & _cell(r, "hs_class_sizes", row, bands)

    add(
        "hs_students",
        sc,
        lambda r: ibis.ifelse(hs(r), r.headcount, 0),
        "普通高中在校生数",
        "人",
        fallback=_from_return(lambda r: hs_school(r) & _cell(r, "hs_students", "all", "students")),
    )
    add(
        "vocational_students",
        sc,
        lambda r: ibis.ifelse(r.kind == VOCATIONAL, r.headcount, 0),
        "中等职业学校在校生数",
        "人",
    )
    add(
        "students_in_first_level_hs",
        sc,
        lambda r: ibis.ifelse(hs(r) & r.first_level, r.headcount, 0),
        "省一级高(完)中在校生数",
        "人",
        fallback=_from_return(
            lambda r: hs_school(r) & r.first_level & _cell(r, "hs_students", "all", "students")
        ),
    )
    add(
        "hs_classes",
        sc,
        lambda r: _flag(hs(r)),
        "普通高中班级数",
        "个",
        fallback=_from_return(lambda r: hs_school(r) & _cell(r, "hs_students", "all", "classes")),
    )
    add("vocational_classes", sc, lambda r: _flag(r.kind == VOCATIONAL), "中职班级数", "个")
    add(
        "hs_classes_upto_45",
        sc,
        lambda r: _flag(hs(r) & (r.headcount <= p.hs_normal_max)),
        f"{p.hs_normal_max}人及以下班数",
        "个",
        fallback=_from_return(lambda r: sized(r, _bands(0, p.hs_normal_max))),
    )
    add(
        "hs_classes_46_55",
        sc,
        lambda r: _flag(hs(r) & (r.headcount > p.hs_normal_max) & (r.headcount <= p.hs_large_max)),
        f"{p.hs_normal_max + 1}–{p.hs_large_max}人班数",
        "个",
        fallback=_from_return(lambda r: sized(r, _bands(p.hs_normal_max + 1, p.hs_large_max))),
    )
    add(
        "hs_classes_56_65",
        sc,
        lambda r: _flag(hs(r) & (r.headcount >= p.hs_big_min) & (r.headcount < p.hs_super_min)),
        f"大班额({p.hs_big_min}–{p.hs_super_min - 1}人)班数",
        "个",
        fallback=_from_return(lambda r: sized(r, _bands(p.hs_big_min, p.hs_super_min - 1))),
    )
    add(
        "hs_classes_66_plus",
        sc,
        lambda r: _flag(hs(r) & (r.headcount >= p.hs_super_min)),
        f"超大班额({p.hs_super_min}人及以上)班数",
        "个",
        fallback=_from_return(lambda r: sized(r, _bands(p.hs_super_min))),
    )
    add(
        "hs_classes_56_plus",
        sc,
        lambda r: _flag(hs(r) & (r.headcount >= p.hs_big_min)),
        f"{p.hs_big_min}人及以上班数",
        "个",
        fallback=_from_return(lambda r: sized(r, _bands(p.hs_big_min))),
    )
    add(
        "hs_new_intake_classes",
        sc,
        lambda r: _flag(NEW_INTAKE_CLASS.expr(r)),
        "新入学年级班数",
        "个",
        fallback=_from_return(lambda r: hs_school(r) & _cell(r, "hs_students", "g10", "classes")),
    )
    add(
        "hs_new_intake_classes_over_limit",
        sc,
        lambda r: _flag(NEW_INTAKE_CLASS.expr(r) & (r.headcount > p.hs_new_intake_max)),
        f"新入学年级超过{p.hs_new_intake_max}人的班数",
        "个",
        fallback=_from_return(lambda r: sized(r, _bands(p.hs_new_intake_max + 1), "g10")),
    )

    # Institutions open on the census day.
    iy = "institution_years"

    def kg(r: ir.Table) -> ir.BooleanValue:
        return LICENSED_KINDERGARTEN.expr(r)

    def hsi(r: ir.Table) -> ir.BooleanValue:
        return r.kind == HIGH_SCHOOL

    add("kindergartens", iy, lambda r: _flag(kg(r)), "幼儿园数(已取得办学许可)", "所")
    add("kindergartens_rated", iy, lambda r: _flag(kg(r) & (r.grade_now != "")), "已评级定等幼儿园数", "所")
    add(
        "kindergartens_due_rating",
        iy,
        lambda r: _flag(kg(r) & due_for_rating(r, p)),
        "应评级定等幼儿园数",
        "所",
        f"open by the rating deadline, or opened later and open {p.rating_grace_months} months (grace)",
    )
    add(
        "first_level_kindergartens",
        iy,
        lambda r: _flag(kg(r) & r.grade_now.isin(list(p.kg_first_level))),
        "一级幼儿园数",
        "所",
    )
    add(
        "kindergartens_grade_1_1",
        iy,
        lambda r: _flag(kg(r) & (r.grade_now == p.kg_top_grade)),
        "一级一等幼儿园数",
        "所",
    )
    add("kindergartens_public", iy, lambda r: _flag(kg(r) & (r.ownership == PUBLIC)), "公办幼儿园数", "所")
    add(
        "kindergartens_inclusive",
        iy,
        lambda r: _flag(kg(r) & r.inclusive_now),
        "普惠性幼儿园数",
        "所",
        "count-based (the ministry's other share: do not mix with the child-based coverage)",
    )
    add(
        "teaching_points",
        iy,
        lambda r: _flag((r.kind == KINDERGARTEN) & (r.licence_status == TEACHING_POINT)),
        "办园点数",
        "个",
    )
    add(
        "unlicensed_kindergartens",
        iy,
        lambda r: _flag((r.kind == KINDERGARTEN) & ~LICENSED.expr(r)),
        "无证园数",
        "所",
    )
    add("attached_preschool_units", iy, lambda r: _flag(ATTACHED_CLASS.expr(r)), "小学附设幼儿班(点)数", "个")
    add("high_schools", iy, lambda r: _flag(hsi(r)), "普通高中数", "所")
    add(
        "first_level_high_schools",
        iy,
        lambda r: _flag(hsi(r) & r.rating.isin(list(p.hs_first_level))),
        "省一级高(完)中数",
        "所",
    )
    for code in p.hs_ratings:
        add(
            f"high_schools_rated_{code.replace('-', '_')}",
            iy,
            _rated(hsi, code),
            f"等级 {code} 的普通高中数",
            "所",
        )
    add("high_schools_unrated", iy, lambda r: _flag(hsi(r) & (r.rating == "")), "未评级普通高中数", "所")
    add(
        "hs_network_connected",
        iy,
        lambda r: _flag(hsi(r) & r.network_connected),
        "接入教育专网的普通高中数",
        "所",
    )
    add("county_high_schools", iy, lambda r: _flag(COUNTY_HIGH_SCHOOL.expr(r)), "县中数", "所")
    add(
        "county_hs_in_trusteeship",
        iy,
        lambda r: _flag(COUNTY_HIGH_SCHOOL.expr(r) & r.in_trusteeship),
        "托管帮扶覆盖的县中数",
        "所",
    )

    def built_under_plan(r: ir.Table) -> ir.BooleanValue:
        """Approved or built in the plan period: opened (``established_on``) on or after the plan's
        start; without an opening date, the registry's newly-built flag."""
        return hsi(r) & ibis.ifelse(
            r.established_on.isnull(), r.is_new_build, r.established_on >= p.plan_start
        )

    add("new_build_high_schools", iy, lambda r: _flag(built_under_plan(r)), "新建普通高中数", "所")
    add(
        "new_build_hs_over_limit",
        iy,
        lambda r: _flag(built_under_plan(r) & (r.seats > p.new_school_max_students)),
        f"设计规模超过{p.new_school_max_students}人的规划期内新建普通高中数",
        "所",
        "design scale (seats, as in force on the census day) of schools opened in the plan period",
    )
    add("vocational_schools", iy, lambda r: _flag(r.kind == VOCATIONAL), "中等职业学校数", "所")

    # Programme designations in force on the census day (eduplan.programmes).
    dg = "designations"
    add(
        "demonstration_kindergartens",
        dg,
        lambda r: _flag(r.kind == DEMO_KINDERGARTEN),
        "课程游戏化示范园数",
        "所",
        "demonstration-kindergarten designations in force on the census day (programme register)",
    )
    add(
        "county_certifications",
        "certifications",
        lambda r: _flag(r.kind.notnull()),
        "在有效期内的普及普惠县认定数",
        "项",
        "certifications of the register in force on the assessment day",
    )
    add("demonstration_areas", dg, lambda r: _flag(r.kind == "demo_area"), "课程游戏化示范区数", "个")
    add("online_classrooms", dg, lambda r: _flag(r.kind == "online_classroom"), "名校网络课堂数", "个")
    add("subject_bases", dg, lambda r: _flag(r.kind == "subject_base"), "市级学科基地数", "个")
    add("characteristic_schools", dg, lambda r: _flag(r.kind == "characteristic"), "特色学校数", "所")

    # Staff in post on the census day (preschool).
    st = "staff"

    def staff_cell(r: ir.Table, roles: Iterable[str], columns: Iterable[str]) -> ir.BooleanValue:
        """Staff of a return: preschool institutions counted in the statistics, as ``staff_rows``."""
        return (
            (PRESCHOOL & LICENSED).expr(r)
            & (r.table_key == "staff")
            & r.row_key.isin(list(roles))
            & r.column_key.isin(list(columns))
        )

    quals = p.qualifications

    def certified_cell(r: ir.Table, post: str) -> ir.BooleanValue:
        """A return's staff of ``post`` holding a certificate accepted in the institution's kind
        (the return's columns ``cert_<code>``), as :meth:`.concepts.Qualifications.qualified`."""
        roles = quals.roles_of(post)
        return ibis.or_(
            *(
                (r.kind == kind) & staff_cell(r, roles, [f"cert_{c or 'none'}" for c in certificates])
                for kind, certificates in quals.judged(post)
            )
        )

    add(
        "kg_staff",
        st,
        lambda r: _flag(r.role.notnull()),
        "幼儿园教职工数",
        "人",
        fallback=_from_return(lambda r: staff_cell(r, ["all"], ["total"])),
    )
    add(
        "kg_teachers",
        st,
        lambda r: _flag(r.role.isin(list(quals.roles_of(TEACHING_POST)))),
        "幼儿园专任教师数",
        "人",
        fallback=_from_return(lambda r: staff_cell(r, quals.roles_of(TEACHING_POST), ["total"])),
    )
    add(
        "kg_teachers_certified",
        st,
        lambda r: _flag(quals.qualified(TEACHING_POST).expr(r)),
        "持证专任教师数",
        "人",
        "holding a certificate accepted in their institution's kind ([certificates], concepts.py)",
        fallback=_from_return(lambda r: certified_cell(r, TEACHING_POST)),
    )
    add(
        "kg_principals",
        st,
        lambda r: _flag(r.role.isin(list(quals.roles_of(HEAD_POST)))),
        "幼儿园园长数",
        "人",
        fallback=_from_return(lambda r: staff_cell(r, quals.roles_of(HEAD_POST), ["total"])),
    )
    add(
        "kg_principals_certified",
        st,
        lambda r: _flag(quals.qualified(HEAD_POST).expr(r)),
        "持证园长数",
        "人",
        fallback=_from_return(lambda r: certified_cell(r, HEAD_POST)),
    )

    # Population of the age groups of the gross rates, on the cut-off day.
    f = p.cutoff_fraction
    for band in (p.preschool_ages, p.high_school_ages):
        add(
            f"population_age_{band.lo}_{band.hi}",
            "population",
            _population(band, f),
            f"{band.lo}–{band.hi}岁人口",
            "人",
            "calendar-year population shifted to the age cut-off day",
            population=band,
        )

    return {x.name: x for x in m}


def aggregate_source(t: Tables, p: MeasureParams, source: str, measures: Iterable[Measure]) -> ir.Table:
    """One query per source: every measure of ``source`` summed by county × school year."""
    rows = SOURCES[source](with_shared(t, p), p)
    chosen = [x for x in measures if x.source == source]
    return rows.group_by(KEYS).aggregate(**{x.name: x.contribution(rows).sum() for x in chosen})


def aggregate_returns(t: Tables, p: MeasureParams, source: str, measures: Iterable[Measure]) -> ir.Table:
    """The fallbacks of ``source``'s measures over the returns of institutions without records."""
    rows = return_rows(with_shared(t, p), p, source)
    chosen = [x for x in measures if x.source == source and x.fallback is not None]
    return rows.group_by(KEYS).aggregate(
        **{x.name: x.fallback(rows).sum() for x in chosen if x.fallback is not None}
    )


def compute_measures(engine, p: MeasureParams, measures: dict[str, Measure] | None = None) -> pd.DataFrame:
    """All measures by county × school year on ``engine`` (a :class:`~.engines.Engine`), one row per
    pair that has data in any source; missing sums are 0."""
    measures = measures or build_measures(p)
    params = repr(p)

    def tables() -> Tables:
        return {**engine.tables(), **{name: engine.temp_table(name) for name in SHARED}}

    frames = []
    fallbacks = []
    try:
        for name, (build, index) in SHARED.items():
            engine.materialize(name, (name, params), lambda b=build: b(engine.tables(), p), index=index)
        for source in SOURCES:
            chosen = [x for x in measures.values() if x.source == source]
            if chosen:
                key = (source, params, tuple(x.name for x in chosen))
                df = engine.query(key, lambda s=source, c=chosen: aggregate_source(tables(), p, s, c))
                frames.append(df.set_index(KEYS))
        for source in RETURN_SOURCES:
            chosen = [x for x in measures.values() if x.source == source and x.fallback is not None]
            if chosen:
                fkey = ("returns", source, params, tuple(x.name for x in chosen))
                df = engine.query(fkey, lambda s=source, c=chosen: aggregate_returns(tables(), p, s, c))
                fallbacks.append(df.set_index(KEYS))
    finally:
        engine.release()
    if not frames:
        return pd.DataFrame(columns=[*KEYS, *measures])
    out = pd.concat(frames, axis=1).fillna(0)
    for extra in fallbacks:  # institutions known only by their returns add to the same sums
        if len(extra):
            out = out.add(extra, fill_value=0).fillna(0)
    for x in measures.values():
        if x.population is None and x.name in out:
            out[x.name] = out[x.name].astype("int64")
    return out.reset_index()


def compute_births(engine, p: MeasureParams) -> pd.DataFrame:
    """Births by county × calendar year: ``county_id, year, births``."""
    return engine.query(("births", repr(p)), lambda: births_by_county(engine.tables(), p))
