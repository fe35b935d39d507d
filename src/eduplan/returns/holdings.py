"""What eduplan holds for an institution's return: the same cells, counted from the registry.

For a school year, the class tables are counted from the institution's classes of that year and
the staff table from its staff in post on the census day; an institution with no classes that year
(or no staff records at all) is known only by its return, and its stored aggregates are what eduplan
holds. The export writes these cells and the reconciliation compares a filed return with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from eduplan.metrics.measures import HS_SIZE_BANDS
from eduplan.registry.models import Institution, SchoolClass, StaffMember

from .layout import Edition, Form, Table
from .models import ReturnAggregate

Cells = dict[tuple[str, str, str], int]  # (table key, row key, column key) → value

CLASS_TABLES = ("kg_children", "hs_students", "hs_class_sizes")
STAFF_TABLES = ("staff",)
AGE_COLUMNS = ("age_under3", "age_3", "age_4", "age_5", "age_over5")


@dataclass
class Holding:
    """An institution's return as eduplan holds it: basic fields and every cell, totals included;
    ``from_returns`` names the tables known only from a stored return."""

    institution: Institution
    form: Form
    school_year: int
    basic: dict[str, str]
    cells: Cells
    from_returns: set[str] = field(default_factory=set)


def size_band(headcount: int) -> str:
    """The statistics' class-size band of a class (the bands the measures' fallbacks read)."""
    for lo, hi, key in HS_SIZE_BANDS:
        if lo <= headcount <= hi:
            return key
    return HS_SIZE_BANDS[-1][2]


def complete(table: Table, detail: Cells) -> Cells:
    """``detail`` (the table's detail cells) with its total columns and total rows added up, the
    way the form adds them."""
    out: Cells = {}
    for row in table.detail_rows():
        for col in table.detail_columns():
            out[(table.key, row.key, col.key)] = detail.get((table.key, row.key, col.key), 0)
        for col in table.columns:
            if col.total_of:
                out[(table.key, row.key, col.key)] = sum(
                    out[(table.key, row.key, part)] for part in col.total_of[0]
                )
    for row in table.rows:
        if row.total_of:
            for col in table.columns:
                out[(table.key, row.key, col.key)] = sum(
                    out[(table.key, part, col.key)] for part in row.total_of[0]
                )
    return out


def class_cells(form: Form, classes: Iterable[SchoolClass]) -> Cells:
    detail: Cells = defaultdict(int)
    for c in classes:
        headcount = c.boys + c.girls
        if "kg_children" in {t.key for t in form.grids}:
            t = "kg_children"
            detail[(t, c.age_group, "classes")] += 1
            detail[(t, c.age_group, "girls")] += c.girls
            detail[(t, c.age_group, "minority")] += c.minority
            for age in AGE_COLUMNS:
                detail[(t, c.age_group, age)] += getattr(c, age)
        if "hs_students" in {t.key for t in form.grids}:
            detail[("hs_students", c.age_group, "classes")] += 1
            detail[("hs_students", c.age_group, "students")] += headcount
            detail[("hs_students", c.age_group, "girls")] += c.girls
            detail[("hs_students", c.age_group, "minority")] += c.minority
            detail[("hs_class_sizes", c.age_group, size_band(headcount))] += 1
    return _completed(form, CLASS_TABLES, detail)


def staff_cells(form: Form, staff: Iterable[StaffMember]) -> Cells:
    detail: Cells = defaultdict(int)
    for s in staff:
        detail[("staff", s.role, "women")] += s.sex == "F"
        detail[("staff", s.role, s.employment)] += 1
        detail[("staff", s.role, f"cert_{s.certificate or 'none'}")] += 1
    return _completed(form, STAFF_TABLES, detail)


def _completed(form: Form, keys: tuple[str, ...], detail: Cells) -> Cells:
    out: Cells = {}
    for table in form.grids:
        if table.key in keys:
            out.update(complete(table, detail))
    return out


def basic_fields(institution: Institution, school_year: int) -> dict[str, str]:
    return {
        "code": institution.code,
        "name": institution.name,
        "school_year": str(school_year),
        "kind": institution.kind,
        "sponsor": institution.sponsor,
        "ownership": institution.ownership,
        "locality": institution.division.locality or "",
        "division": institution.division.code,
        "address": institution.address,
        "licence_status": institution.licence_status or "licensed",
        "inclusive": "yes" if institution.inclusive else "no",
    }


def stored_cells(institution: Institution, school_year: int, keys: tuple[str, ...]) -> Cells:
    rows = ReturnAggregate.objects.filter(
        institution=institution, school_year=school_year, table_key__in=keys
    ).values_list("table_key", "row_key", "column_key", "value")
    return {(t, r, c): v for t, r, c, v in rows}


def holding(edition: Edition, institution: Institution, school_year: int) -> Holding | None:
    """What eduplan holds for ``institution``'s return of ``school_year`` (``None``: no form for
    this kind of institution)."""
    form = edition.form_of_kind(institution.kind)
    if form is None:
        return None
    census = edition.census(school_year)
    cells: Cells = {}
    from_returns: set[str] = set()
    classes = list(SchoolClass.objects.filter(institution=institution, school_year=school_year))
    if classes:
        cells.update(class_cells(form, classes))
    else:
        stored = stored_cells(institution, school_year, CLASS_TABLES)
        if stored:
            from_returns.update(t for t, _, _ in stored)
        cells.update(stored or class_cells(form, []))
    if StaffMember.objects.filter(institution=institution).exists():
        cells.update(staff_cells(form, StaffMember.objects.filter(institution=institution).active_on(census)))
    else:
        stored = stored_cells(institution, school_year, STAFF_TABLES)
        if stored:
            from_returns.add("staff")
        cells.update(stored or staff_cells(form, []))
    return Holding(
        institution, form, school_year, basic_fields(institution, school_year), cells, from_returns
    )
