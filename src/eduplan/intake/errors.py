"""The error workbook: every problem listed on an ``错误 errors`` sheet, and the user's own data
copied with each bad cell filled red and carrying a note that says what is wrong.

Identity numbers are never copied in clear — the workbook is kept with the import batch — so any
cell that looks like one is masked, whether or not its column was recognised.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from eduplan.output import sheet_title
from eduplan.registry.identity import mask

from .readers import Book
from .validate import ParsedSheet, Problem

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
ROW_FILL = PatternFill("solid", fgColor="FFEB9C")
IDENTITY_LIKE = re.compile(r"^\s*\d{17}[\dXx]\s*$")
MAX_NOTE = 1000


def _safe(value: Any) -> Any:
    if isinstance(value, str) and IDENTITY_LIKE.match(value):
        return mask(value)
    if isinstance(value, float) and value.is_integer() and value >= 1e16:
        return "******"  # an identity number typed as a number
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def error_workbook(book: Book | None, parsed: list[ParsedSheet], problems: list[Problem]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误 errors")
    ws.append(
        [
            "工作表 sheet",
            "行 row",
            "列 column",
            "单元格 cell",
            "值 value",
            "问题 problem",
            "problem (English)",
        ]
    )
    for p in problems:
        ws.append(
            [
                p.sheet,
                p.row,
                f"{p.label} {p.column}".strip(),
                p.cell,
                _text(ws, _safe(p.shown_value)),
                p.zh,
                p.en,
            ]
        )
    for letter, width in zip("ABCDEFG", (20, 8, 24, 10, 24, 60, 60), strict=True):
        ws.column_dimensions[letter].width = width
    cells: dict[tuple[str, int, str], list[Problem]] = defaultdict(list)
    rows: dict[tuple[str, int], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.row and p.letter:
            cells[(p.sheet, p.row, p.letter)].append(p)
        elif p.row:
            rows[(p.sheet, p.row)].append(p)
    sheets = book.sheets if book is not None else []
    parsed_names = {ps.sheet.name for ps in parsed}
    for sheet in sheets:
        if sheet.name not in parsed_names and not any(p.sheet == sheet.name for p in problems):
            continue
        out = wb.create_sheet(sheet_title(sheet.name))
        for r, raw_row in enumerate(sheet.rows, start=1):
            row_problems = rows.get((sheet.name, r))
            width = max(len(raw_row), 1)
            line = []
            for c in range(width):
                value = raw_row[c] if c < len(raw_row) else None
                letter = get_column_letter(c + 1)
                here = cells.get((sheet.name, r, letter))
                if here or (row_problems and c == 0):
                    cell = WriteOnlyCell(out, value=_safe(value))
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
                    cell.fill = BAD_FILL if here else ROW_FILL
                    note = "\n".join(f"{p.zh} / {p.en}" for p in (here or row_problems or []))
                    cell.comment = Comment(note[:MAX_NOTE], "eduplan", width=300, height=120)
                    line.append(cell)
                else:
                    line.append(_text(out, _safe(value)))
            out.append(line)
        # problems at cells beyond the data (e.g. a formula with no value) still show
        extra = sorted(k for k in cells if k[0] == sheet.name and k[1] > len(sheet.rows))
        for _, r, letter in extra:
            cell = WriteOnlyCell(out, value=f"{letter}{r}")
            cell.fill = BAD_FILL
            cell.comment = Comment(
                "\n".join(f"{p.zh} / {p.en}" for p in cells[(sheet.name, r, letter)]), "eduplan"
            )
            out.append([cell])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(ws: Any, value: Any) -> Any:
    """Text that starts with ``=`` is written as text: shown, never evaluated."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value
