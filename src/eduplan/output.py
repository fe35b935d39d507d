"""One way to print or save a list of records: table (rich, for a terminal), json, csv or xlsx.

Every command with a ``--format`` option goes through :func:`write_records`, so the same rows look
the same everywhere and JSON field names stay the contract users' scripts rely on.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("table", "json", "csv", "xlsx")
#: Text starting with one of these is a formula to Excel when it opens a CSV (and ``=`` in an xlsx
#: cell written by openpyxl): a name typed as ``=HYPERLINK(...)`` would run as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputError(ValueError):
    """A user-facing problem with the requested output (format, missing ``--out``)."""


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def _columns(records: Sequence[Mapping[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    seen: dict[str, None] = {}
    for r in records:
        for k in r:
            seen.setdefault(k, None)
    return list(seen)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, dict)):
        return to_json(value if not isinstance(value, set) else sorted(value)).replace("\n", "")
    if isinstance(value, float):
        return round(value, 4)
    return value


def csv_text(value: Any) -> Any:
    """A CSV field Excel shows as typed: formula-like text gets a leading ``'`` (numbers, and text
    that reads as one such as ``-3``, stay as they are)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def keep_text(wb: Any) -> Any:
    """Every cell of an openpyxl workbook that openpyxl took for a formula (text starting with
    ``=``) written as the text it is: shown, never evaluated. Call before ``wb.save``."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb


def write_records(
    records: Iterable[Mapping[str, Any]],
    fmt: str = "table",
    out: str | Path | None = None,
    *,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    title: str = "",
    sheets: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    stream: TextIO | None = None,
) -> None:
    """Write ``records`` as ``fmt`` to ``out`` (a path) or ``stream`` (default stdout).

    ``headers`` maps a column key to its display label (e.g. ``"name_zh": "名称"``) for table and
    xlsx; json and csv keep the keys. ``sheets`` (xlsx only) writes several named sheets instead.
    """
    if fmt not in FORMATS:
        raise OutputError(f"未知格式 unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    rows = list(records)
    stream = stream or sys.stdout
    if fmt == "xlsx":
        if out is None:
            raise OutputError("xlsx 格式需要 --out 文件路径 / the xlsx format needs --out FILE.xlsx")
        write_xlsx(Path(out), sheets or {title or "data": rows}, columns=columns, headers=headers)
        return
    if fmt == "json":
        text = to_json(rows) + "\n"
    elif fmt == "csv":
        buf = io.StringIO()
        cols = _columns(rows, columns)
        writer = csv.writer(buf)
        writer.writerow(cols)
        for r in rows:
            writer.writerow([csv_text(_cell(r.get(c))) for c in cols])
        text = buf.getvalue()
    else:
        text = render_table(rows, columns=columns, headers=headers, title=title)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    else:
        stream.write(text)


def render_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    title: str = "",
) -> str:
    """A terminal table; rich measures East Asian wide characters so Chinese columns align."""
    from rich.console import Console
    from rich.table import Table

    cols = _columns(rows, columns)
    table = Table(title=title or None, show_lines=False)
    for c in cols:
        table.add_column((headers or {}).get(c, c), overflow="fold")
    for r in rows:
        table.add_row(*[str(_cell(r.get(c))) for c in cols])
    buf = io.StringIO()
    Console(file=buf, width=200, force_terminal=False, color_system=None).print(table)
    return buf.getvalue()


def write_xlsx(
    path: Path,
    sheets: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """One sheet per entry; a bold header row of display labels, a frozen header, sane widths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_bytes(sheets, columns=columns, headers=headers))


def xlsx_bytes(
    sheets: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """:func:`write_xlsx`'s workbook as bytes (for a download)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(sheet_title(name))
        cols = _columns(rows, columns)
        ws.append([(headers or {}).get(c, c) for c in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([_cell(r.get(c)) for c in cols])
        ws.freeze_panes = "A2"
        for i, c in enumerate(cols, start=1):
            label = str((headers or {}).get(c, c))
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, min(40, len(label) * 2 + 2))
    if not wb.sheetnames:
        wb.create_sheet("data")
    keep_text(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(records: Iterable[Mapping[str, Any]], *, columns: Sequence[str] | None = None) -> bytes:
    """``records`` as CSV for a download: UTF-8 with a BOM, so Excel on a Chinese PC opens it right."""
    buf = io.StringIO()
    write_records(records, "csv", columns=columns, stream=buf)
    return buf.getvalue().encode("utf-8-sig")


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


def attachment(data: bytes, filename: str) -> Any:
    """A download response for ``data``, its content type by the file name's extension."""
    from django.http import HttpResponse

    ext = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``Content-Disposition`` for a file name a user may have chosen (RFC 6266): an ASCII
    fallback with quotes, backslashes, semicolons and control characters replaced, and the full
    name percent-encoded as ``filename*`` (RFC 5987) — so no name adds a parameter or a header."""
    from urllib.parse import quote

    clean = "".join(ch if ch.isprintable() else "_" for ch in filename) or "download"
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\;' else "_" for ch in clean)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename*=UTF-8''{quote(clean, safe='')}; filename=\"{fallback}\""


def sheet_title(name: str) -> str:
    """``name`` as a valid worksheet title: none of ``[]:*?/\\``, at most 31 characters."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name.strip("'")[:31] or "data"
