"""Writing the returns from the registry: one institution's, or every institution of a division with
the division's aggregate, in the layout of an edition.

The workbook has one sheet per form and table, named ``<form> <table code> <title>`` (the name the
reader recognises): a records sheet of basic information, one row per institution, and grid sheets
with the institution identifier, the row's label and code, then the table's columns — one block of
rows per institution, as the statistics software writes a county's returns. A division's export
adds ``汇总 …`` sheets with the division's aggregate, which the reader checks against the sum of
the institutions. Every table passes the form's own checks before it is written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from eduplan.registry.choices import LicenceStatus
from eduplan.registry.models import Division, Institution

from .checks import check_form
from .holdings import Cells, Holding, holding
from .layout import Edition, Form, Table

INSTITUTION_HEADER = "学校(机构)标识码"
ITEM_HEADER = "项目"
CODE_HEADER = "编号"
SUMMARY_PREFIX = "汇总"


class ExportError(ValueError):
    """Nothing to export, or the registry holds figures that fail the form's own checks."""


@dataclass
class ExportResult:
    data: bytes
    holdings: list[Holding]


def institutions_in(division: Division) -> QuerySet[Institution]:
    """Institutions anywhere within ``division`` (a township, a county, a city or a province)."""
    return Institution.objects.filter(
        Q(division=division)
        | Q(division__parent=division)
        | Q(division__county=division)
        | Q(division__city=division)
        | Q(division__city__parent=division)
    )


def returns_of(edition: Edition, institutions: QuerySet[Institution], year: int) -> list[Holding]:
    """The returns the institutions file for ``year``: those open on its census day, of a kind with
    a form, and licensed (unlicensed kindergartens are not in the statistics)."""
    census = edition.census(year)
    kinds = [k for f in edition.forms for k in f.kinds]
    chosen = (
        institutions.filter(kind__in=kinds)
        .exclude(licence_status=LicenceStatus.UNLICENSED)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=census))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=census))
        .select_related("division")
        .order_by("code")
    )
    out = []
    for inst in chosen:
        h = holding(edition, inst, year)
        if h is not None:
            out.append(h)
    return out


def _check(holdings: list[Holding]) -> None:
    for h in holdings:
        failures = check_form(h.form, h.cells)
        if failures:
            f = failures[0]
            raise ExportError(
                f"{h.institution.code} {h.institution.name}: {f.table.code} 第{f.table.row(f.row).code}行 "
                f"{f.table.column(f.column).label}: {f.zh}(登记数据不一致,共{len(failures)}处)/ "
                f"{h.institution.code}: table {f.table.code} row {f.table.row(f.row).code} column "
                f"{f.table.column(f.column).code}: {f.en} (the registry's figures disagree, {len(failures)} checks)"
            )


def write_returns(edition: Edition, holdings: list[Holding], *, summary: str = "") -> bytes:
    """The workbook of ``holdings``; with ``summary`` (a division code), aggregate sheets too."""
    if not holdings:
        raise ExportError("没有需要填报的学校或幼儿园 / no institution files a return here")
    _check(holdings)
    wb = Workbook()
    wb.remove(wb.active)
    by_form: dict[str, list[Holding]] = defaultdict(list)
    for h in holdings:
        by_form[h.form.key].append(h)
    for form in edition.forms:
        group = by_form.get(form.key)
        if not group:
            continue
        _records_sheet(wb, form.basic, group)
        for table in form.grids:
            _grid_sheet(wb, table, table.sheet_title, [(h.institution.code, h.cells) for h in group])
        if summary:
            total: Cells = defaultdict(int)
            for h in group:
                for key, value in h.cells.items():
                    total[key] += value
            _check_summary(form, total, summary)
            for table in form.grids:
                title = f"{SUMMARY_PREFIX} {table.sheet_title}"[:31]
                _grid_sheet(wb, table, title, [(summary, total)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _check_summary(form: Form, total: Cells, code: str) -> None:
    failures = check_form(form, total)
    if failures:  # sums of consistent returns are consistent; a failure here is a defect
        raise ExportError(f"{code}: 汇总表未通过表内校验 / the aggregate fails its checks: {failures[0].en}")


def _title(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    ws.cell(1, 1).font = Font(bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")


def _records_sheet(wb: Workbook, table: Table, group: list[Holding]) -> None:
    ws = wb.create_sheet(table.sheet_title)
    _title(ws, f"{table.code} {table.title}", len(table.fields))
    ws.append([f.label for f in table.fields])
    for h in group:
        ws.append(
            [f.encode(h.basic.get(f.key, "")) if f.codes else h.basic.get(f.key, "") for f in table.fields]
        )
    for i in range(len(table.fields)):
        ws.column_dimensions[ws.cell(2, i + 1).column_letter].width = 16


def _grid_sheet(wb: Workbook, table: Table, title: str, blocks: list[tuple[str, Cells]]) -> None:
    ws = wb.create_sheet(title)
    _title(ws, f"{table.code} {table.title}", 3 + len(table.columns))
    ws.append([INSTITUTION_HEADER, ITEM_HEADER, CODE_HEADER, *(c.label for c in table.columns)])
    ws.append(["甲", "乙", "丙", *(int(c.code) if c.code.isdigit() else c.code for c in table.columns)])
    for code, cells in blocks:
        for row in table.rows:
            ws.append(
                [
                    code,
                    row.label,
                    row.code,
                    *(cells.get((table.key, row.key, c.key), 0) for c in table.columns),
                ]
            )
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 14


def export_returns(
    edition: Edition, year: int, *, division: Division | None = None, institution: Institution | None = None
) -> ExportResult:
    """The returns of one institution, or of every institution of ``division`` with its aggregate."""
    if institution is not None:
        holdings = returns_of(edition, Institution.objects.filter(pk=institution.pk), year)
        return ExportResult(write_returns(edition, holdings), holdings)
    assert division is not None
    holdings = returns_of(edition, institutions_in(division), year)
    return ExportResult(write_returns(edition, holdings, summary=division.code), holdings)


def census_label(edition: Edition, year: int) -> str:
    day: dt.date = edition.census(year)
    return f"{day:%Y-%m-%d}"
