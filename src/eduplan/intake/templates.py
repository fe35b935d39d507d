"""The workbook layout shared by templates and exports, so an export can be edited and imported
back exactly like a filled template.

Each data sheet is named after its kind (``班级 classes``) and has two header rows: the Chinese
column names (``*`` marks a required column; each carries a note explaining it) and the English
keys. Coded columns offer a drop-down list from a hidden ``代码表 codes`` sheet; code and identity
columns are formatted as text so Excel keeps leading zeros and all 18 digits. A template adds a
``说明 readme`` sheet explaining every column and an ``示例 example`` sheet with one example row.

Files are written deterministically (fixed zip timestamps, no creation time in the properties), so
exporting the same data twice gives byte-identical files — a round trip can be checked with a hash.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.views import Pane

from .kinds import KINDS, NO, TYPE_HELP, YES, Column, ColumnType, Kind

CODES_SHEET = "代码表 codes"
README_SHEET = "说明 readme"
EXAMPLE_SHEET = "示例 example"
MAX_ROW = 1048576

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
KEY_FONT = Font(italic=True, color="808080")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
NUMBER_FORMATS = {
    ColumnType.DATE: DATE_FORMAT,
    ColumnType.DECIMAL: "0.00",
    ColumnType.CODE: TEXT_FORMAT,
    ColumnType.TEXT: TEXT_FORMAT,
    ColumnType.DIVISION: TEXT_FORMAT,
    ColumnType.INSTITUTION: TEXT_FORMAT,
    ColumnType.IDENTITY: TEXT_FORMAT,
    ColumnType.ID_HASH: TEXT_FORMAT,
    ColumnType.LIST: TEXT_FORMAT,
}
FORMULA_START = ("=", "+", "-", "@")


def column_note(col: Column) -> str:
    """What the header's note says: key, type, whether required, allowed values, help."""
    lines = [f"{col.label} ({col.key})", col.describe_type()]
    lines.append("必填 required" if col.required else "选填 optional")
    if col.type == ColumnType.CHOICE:
        lines.append("可选值 values: " + "、".join(c.zh for c in col.choices if c.code))
    if col.help:
        lines.append(col.help)
    return "\n".join(lines)


class _CodesSheet:
    """The hidden sheet the drop-down lists point at: one column per distinct list."""

    def __init__(self) -> None:
        self.lists: list[list[str]] = []

    def range_for(self, values: list[str]) -> str:
        if values not in self.lists:
            self.lists.append(values)
        i = self.lists.index(values)
        letter = get_column_letter(i + 1)
        return f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(values) + 1}"

    def write(self, wb: Workbook) -> None:
        ws = wb.create_sheet(CODES_SHEET)
        ws.sheet_state = "hidden"
        if not self.lists:
            return
        depth = max(len(v) for v in self.lists)
        ws.append([f"list{i + 1}" for i in range(len(self.lists))])
        for r in range(depth):
            ws.append([v[r] if r < len(v) else None for v in self.lists])


def _text_cell(ws: Any, value: Any, number_format: str | None = None) -> Any:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that merely looks like a formula stays text
    if number_format:
        cell.number_format = number_format
    return cell


def _data_sheet(
    wb: Workbook,
    title: str,
    kind: Kind,
    rows: Iterable[Sequence[Any]],
    codes: _CodesSheet,
    *,
    notes: bool = True,
) -> int:
    ws = wb.create_sheet(title)
    ws.sheet_view.pane = Pane(xSplit=0, ySplit=2, topLeftCell="A3", activePane="bottomLeft", state="frozen")
    for i, col in enumerate(kind.columns, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = max(col.width, min(40, len(col.label) * 2 + 4))
        if col.type in NUMBER_FORMATS:
            dim.number_format = NUMBER_FORMATS[col.type]
        if col.type in (ColumnType.CHOICE, ColumnType.BOOL):
            dv = DataValidation(
                type="list",
                formula1=codes.range_for(col.allowed),
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="不是可选值 not an allowed value",
                error="请从下拉列表中选择 / choose a value from the list",
            )
            dv.add(f"{get_column_letter(i)}3:{get_column_letter(i)}{MAX_ROW}")
            ws.data_validations.append(dv)
    header = []
    for col in kind.columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if notes:
            cell.comment = Comment(column_note(col), "eduplan", width=320, height=160)
        header.append(cell)
    ws.append(header)
    keys = []
    for col in kind.columns:
        cell = WriteOnlyCell(ws, value=col.key)
        cell.font = KEY_FONT
        keys.append(cell)
    ws.append(keys)
    date_cols = [i for i, c in enumerate(kind.columns) if c.type == ColumnType.DATE]
    n = 0
    for row in rows:
        out = list(row)
        for i in date_cols:
            if out[i] is not None:
                out[i] = _text_cell(ws, out[i], DATE_FORMAT)  # else Excel shows the serial number
        for i, value in enumerate(out):
            if isinstance(value, str) and value.startswith("="):
                out[i] = _text_cell(ws, value)
        ws.append(out)
        n += 1
    return n


def file_value(col: Column, value: Any) -> Any:
    """A record's field value as a file cell shows it (Chinese labels, 是/否, masked numbers)."""
    if value is None:
        return None
    if col.type == ColumnType.CHOICE:
        return col.display(value) or None
    if col.type == ColumnType.BOOL:
        return YES if value else NO
    if col.type == ColumnType.LIST:
        return "、".join(str(v) for v in value) or None
    if col.type == ColumnType.DECIMAL:
        return decimal.Decimal(value)
    if isinstance(value, str) and value == "":
        return None
    return value


def example_cells(kind: Kind) -> list[Any]:
    return [file_value(c, c.example) for c in kind.columns]


def _readme(wb: Workbook, kinds: Sequence[Kind]) -> None:
    ws = wb.create_sheet(README_SHEET, 0)
    bold = Font(bold=True)
    lines = [
        "eduplan 数据导入模板 / eduplan import template",
        "填写与数据表同名的工作表,第1行为中文列名(带*为必填),第2行为英文键名,请勿修改这两行;从第3行起每行一条记录。",
        "Fill in the sheet named after the data; row 1 holds the Chinese column names (* = required), row 2 the English keys: keep both. One record per row from row 3.",
        "按代码更新:代码(或表中的键列)已存在的记录被更新,不存在的被新增;重复导入同一文件不会改变任何数据。",
        "Records are matched by their code (or key columns): existing ones are updated, new ones added; importing the same file again changes nothing.",
        "全部或全不:只要有一行出错,整个文件都不会写入;系统会一次列出全部错误,并返回标出错误单元格的工作簿。",
        "All or nothing: one bad row and nothing is written; every error is listed at once, with a workbook marking the bad cells.",
        "不要合并单元格,不要使用公式(请粘贴为数值);代码和身份证号请以文本格式填写。",
        "Do not merge cells or use formulas (paste values); enter codes and identity numbers as text.",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    for kind in kinds:
        ws.append([])
        ws.append([f"{kind.sheet}: {kind.description}"])
        ws.cell(ws.max_row, 1).font = bold
        key_cols = ", ".join(kind.by_field[f].key for f in kind.natural_key if f in kind.by_field)
        ws.append([f"识别记录的键 key columns: {key_cols}"])
        ws.append(
            [
                "列 column",
                "中文列名 header",
                "键 key",
                "必填 required",
                "类型 type",
                "可选值 values",
                "示例 example",
                "说明 notes",
            ]
        )
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = HEADER_FILL
        for i, col in enumerate(kind.columns, start=1):
            values = "、".join(col.allowed) if col.type in (ColumnType.CHOICE, ColumnType.BOOL) else ""
            example = file_value(col, col.example)
            if isinstance(example, dt.date):
                example = example.isoformat()
            ws.append(
                [
                    get_column_letter(i),
                    col.label,
                    col.key,
                    "是 yes" if col.required else "否 no",
                    col.describe_type(),
                    values,
                    "" if example is None else str(example),
                    col.help,
                ]
            )
    for letter, width in zip("ABCDEFGH", (8, 22, 22, 10, 34, 40, 22, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].width = 12


def build_workbook(
    sheets: Sequence[tuple[Kind, Iterable[Sequence[Any]]]],
    *,
    template: bool = False,
) -> tuple[bytes, dict[str, int]]:
    """The workbook for ``sheets`` (kind, rows of file values) and the row count per kind."""
    write_only = not template
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    codes = _CodesSheet()
    counts: dict[str, int] = {}
    for kind, rows in sheets:
        counts[kind.key] = _data_sheet(wb, kind.sheet, kind, rows, codes)
    if template:
        for kind, _ in sheets:
            title = EXAMPLE_SHEET if len(sheets) == 1 else f"示例 {kind.key}"[:31]
            _data_sheet(wb, title, kind, [example_cells(kind)], codes, notes=False)
        _readme(wb, [k for k, _ in sheets])
    codes.write(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic(buf.getvalue()), counts


def deterministic(data: bytes) -> bytes:
    """The same workbook bytes whenever the content is the same: zip entry times fixed, creation
    and modification times dropped from the document properties."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


def template_workbook(kind_keys: Sequence[str]) -> bytes:
    """An empty template for the given kinds (``all`` for every kind)."""
    kinds = list(KINDS.values()) if list(kind_keys) == ["all"] else [KINDS[k] for k in kind_keys]
    data, _ = build_workbook([(k, []) for k in kinds], template=True)
    return data


def write_template(kind_keys: Sequence[str], out: Path | BinaryIO) -> None:
    data = template_workbook(kind_keys)
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    else:
        out.write(data)


__all__ = ["TYPE_HELP", "build_workbook", "column_note", "template_workbook", "write_template"]
