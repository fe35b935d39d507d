"""Reconciling what was filed with what eduplan holds, field by field.

A difference is one row of one table of one institution's return (or one basic field) where the
filed figures differ from eduplan's, listing each cell involved: its column, the filed and the held
value, and where the filed value stands in the file. Total rows and total columns are not compared
on their own: the forms' checks tie them to their parts (a return whose totals do not add up is
refused when read), so a child moved from one age column to another is one difference of two cells,
not four. Institutions of the same counties that file a return but are missing from the files are
differences too.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from eduplan.intake.validate import Problem
from eduplan.registry.models import Institution

from .holdings import Holding, holding
from .layout import Edition
from .reading import FiledReturn, read_returns
from .writing import returns_of

BASIC_COMPARED = (
    "name",
    "kind",
    "sponsor",
    "ownership",
    "division",
    "address",
    "licence_status",
    "inclusive",
)


@dataclass
class CellDifference:
    column: str  # column code (or field key for basic information)
    label: str
    filed: Any
    held: Any
    cell: str = ""  # where the filed value stands: "file 「sheet」 F7"


@dataclass
class Difference:
    institution: str
    institution_name: str
    table: str  # table code
    table_title: str
    row: str  # row code ("" for basic information)
    row_label: str
    kind: str  # "figures", "basic", "not_in_registry", "not_filed"
    cells: list[CellDifference] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def summary_zh(self) -> str:
        parts = "; ".join(f"{c.label}: 填报 {c.filed} / 登记 {c.held} ({c.cell})" for c in self.cells)
        where = f"{self.table} {self.table_title}" + (f" 第{self.row}行 {self.row_label}" if self.row else "")
        return f"{self.institution} {self.institution_name} {where}: {parts}"


@dataclass
class ReconcileResult:
    differences: list[Difference]
    problems: list[Problem]
    compared: int = 0


def _compare(ret: FiledReturn, held: Holding) -> list[Difference]:
    out: list[Difference] = []
    inst = held.institution
    basic = ret.form.basic
    cells = []
    for f in basic.fields:
        if f.key not in BASIC_COMPARED or f.key not in ret.basic or ret.basic[f.key] == "":
            continue
        if f.key == "inclusive" and held.basic["ownership"] == "public":
            continue
        if ret.basic[f.key] != held.basic.get(f.key, ""):
            place = ret.basic_places.get(f.key)
            cells.append(
                CellDifference(f.key, f.label, ret.basic[f.key], held.basic.get(f.key, ""), str(place or ""))
            )
    if cells:
        out.append(Difference(inst.code, inst.name, basic.code, basic.title, "", "", "basic", cells))
    for table in ret.form.grids:
        if table.key not in ret.tables:
            continue
        for row in table.detail_rows():
            diffs = []
            for col in table.detail_columns():
                key = (table.key, row.key, col.key)
                filed, kept = ret.cells.get(key, 0), held.cells.get(key, 0)
                if filed != kept:
                    place = ret.places.get(key)
                    diffs.append(CellDifference(col.code, col.label, filed, kept, str(place or "")))
            if diffs:
                out.append(
                    Difference(
                        inst.code, inst.name, table.code, table.title, row.code, row.label, "figures", diffs
                    )
                )
    return out


def reconcile(
    files: Sequence[tuple[Path, str]], year: int, edition: Edition, *, user: Any = None
) -> ReconcileResult:
    """Every difference between the returns in ``files`` and what eduplan holds for ``year``;
    with ``user``, only institutions within their read scope are compared (a return of another
    county is refused, not shown)."""
    from eduplan.accounts.scoping import scope

    def visible(qs: QuerySet[Institution]) -> QuerySet[Institution]:
        return scope(user, qs) if user is not None else qs

    read = read_returns(files, edition)
    if read.problems:
        return ReconcileResult([], read.problems)
    problems: list[Problem] = []
    for ret in read.returns.values():
        if ret.school_year != year:
            p = ret.basic_places["school_year"]
            problems.append(
                p.problem(
                    "wrong_year",
                    f"报表学年为 {ret.school_year},不是要核对的 {year} 学年",
                    f"the return is for school year {ret.school_year}, not {year}",
                    column="school_year",
                    value=ret.school_year,
                )
            )
    everywhere = set(Institution.objects.filter(code__in=list(read.returns)).values_list("code", flat=True))
    known = {
        i.code: i
        for i in visible(Institution.objects.filter(code__in=list(read.returns))).select_related("division")
    }
    for code in sorted(everywhere - set(known)):
        p = read.returns[code].basic_places["code"]
        problems.append(
            p.problem(
                "not_permitted",
                "该学校(机构)不在您的管辖范围内",
                "this institution is outside your area",
                column="code",
                value=code,
            )
        )
    if problems:
        return ReconcileResult([], problems)
    differences: list[Difference] = []
    for code, ret in sorted(read.returns.items()):
        inst = known.get(code)
        if inst is None:
            differences.append(
                Difference(
                    code,
                    ret.basic.get("name", ""),
                    ret.form.basic.code,
                    ret.form.basic.title,
                    "",
                    "",
                    "not_in_registry",
                )
            )
            continue
        held = holding(edition, inst, year)
        if held is None or held.form.key != ret.form.key:
            differences.append(
                Difference(
                    code,
                    inst.name,
                    ret.form.basic.code,
                    ret.form.basic.title,
                    "",
                    "",
                    "basic",
                    [CellDifference("kind", "办学类型", ret.basic.get("kind", ""), inst.kind)],
                )
            )
            continue
        differences.extend(_compare(ret, held))
    counties = {i.county_id for i in known.values()}
    for h in returns_of(edition, visible(Institution.objects.filter(county_id__in=counties)), year):
        if h.institution.code not in read.returns:
            differences.append(
                Difference(
                    h.institution.code,
                    h.institution.name,
                    h.form.basic.code,
                    h.form.basic.title,
                    "",
                    "",
                    "not_filed",
                )
            )
    return ReconcileResult(differences, [], len(read.returns))


KIND_ZH = {
    "figures": "数字不一致",
    "basic": "基本情况不一致",
    "not_in_registry": "登记中没有该学校(机构)",
    "not_filed": "登记中有、报表中没有",
}

HEADERS = (
    "学校(机构)标识码 institution",
    "名称 name",
    "表号 table",
    "表名 title",
    "行编号 row",
    "行 row label",
    "差异 kind",
    "列 column",
    "列名 column label",
    "填报数 filed",
    "登记数 held",
    "单元格 cell",
)


def differences_rows(differences: Sequence[Difference]) -> list[list[Any]]:
    """One line per cell involved (a difference without cells, e.g. an institution missing, one line)."""
    out = []
    for d in differences:
        head = [
            d.institution,
            d.institution_name,
            d.table,
            d.table_title,
            d.row,
            d.row_label,
            KIND_ZH[d.kind],
        ]
        if not d.cells:
            out.append([*head, "", "", "", "", ""])
        for c in d.cells:
            out.append([*head, c.column, c.label, c.filed, c.held, c.cell])
    return out


def differences_workbook(differences: Sequence[Difference], year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"差异 {year}"
    ws.append(list(HEADERS))
    for line in differences_rows(differences):
        ws.append(line)
    for letter, width in zip("ABCDEFGHIJKL", (18, 24, 12, 24, 8, 12, 18, 8, 18, 10, 10, 40), strict=True):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
