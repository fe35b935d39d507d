"""Reading the files county bureaus send: xlsx/xlsm/xls/ods workbooks and CSV text.

Workbooks are read with python-calamine (Rust; a 100,000-row sheet in about a second) into plain
rows of cell values. Two things calamine does not report are found here because they silently
corrupt data: merged cells (a merged block holds its value only in the top-left cell, so the other
rows would read as empty) and formula cells (their value is whatever Excel last computed, and a file
written by another program may carry no computed value at all).

CSV comes as UTF-8 (with or without the byte-order mark Excel writes), as GBK/GB18030, which
Chinese Excel still writes by default, or as UTF-16 "Unicode text" (tab-separated).

Whatever the file, a problem that stops it from being read at all is a :class:`FileProblem` with a
message in Chinese and English — never a traceback. What reading may cost (size, unzipped size,
rows, columns, cells, text length) is bounded before anything is read: see :mod:`.limits`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from .limits import LimitExceeded, Limits, check_file_size, check_rows, check_xlsx, check_zip

MAX_FORMULAS_REPORTED = 1000


class FileProblem(Exception):
    """The whole file cannot be read; ``code`` is stable for tests and scripts."""

    @classmethod
    def of(cls, exc: LimitExceeded) -> FileProblem:
        return cls(exc.code, exc.zh, exc.en)

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en


@dataclass
class Sheet:
    """One sheet as rows of raw cell values; ``rows[0]`` is spreadsheet row 1."""

    name: str
    rows: list[list[Any]]
    merged: list[str] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based → formula


@dataclass
class Book:
    file_name: str
    format: str  # xlsx, xls, ods, csv
    sheets: list[Sheet]
    encoding: str = ""


def cell_name(row: int, col: int) -> str:
    """``(0, 0)`` → ``"A1"``."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def read_book(path: str | Path, file_name: str | None = None) -> Book:
    """Read ``path`` (the name the user gave it is ``file_name``) by its content, not its extension:
    a CSV saved as .xlsx or a workbook saved as .csv is still read right."""
    path = Path(path)
    name = file_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProblem(
            "unreadable", f"无法读取文件 {name}", f"cannot read the file {name}: {exc}"
        ) from exc
    if size == 0:
        raise FileProblem("empty_file", f"文件 {name} 是空文件(0字节)", f"the file {name} is empty (0 bytes)")
    limits = Limits.current()
    try:
        check_file_size(size, name, limits)
        return _read_by_content(path, name, limits)
    except LimitExceeded as exc:
        raise FileProblem.of(exc) from None


def _read_by_content(path: Path, name: str, limits: Limits) -> Book:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _read_workbook(path, name, _zip_format(path, name, limits), limits)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_workbook(path, name, "xls", limits)
    if Path(name).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise FileProblem(
            "not_excel",
            f"文件 {name} 不是有效的Excel文件(可能是改了扩展名的其他文件)",
            f"{name} is not an Excel workbook (perhaps another kind of file renamed .xlsx)",
        )
    return _read_csv(path, name, limits)


def _zip_format(path: Path, name: str, limits: Limits) -> str:
    """The workbook format inside a zip, after its parts are checked against the limits (a
    worksheet is scanned here, before calamine allocates anything for it)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            check_zip(zf, name, limits)
            if "xl/workbook.xml" in names:
                try:
                    targets = _sheet_targets(zf)
                except (KeyError, ValueError, UnicodeDecodeError):
                    targets = {}
                check_xlsx(zf, targets, name, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise FileProblem(
            "not_excel",
            f"文件 {name} 已损坏,无法作为Excel打开",
            f"{name} is damaged: not a readable workbook",
        ) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    raise FileProblem(
        "not_excel",
        f"文件 {name} 是压缩包但不是Excel工作簿",
        f"{name} is a zip archive but not an Excel workbook",
    )


def _read_workbook(path: Path, name: str, fmt: str, limits: Limits) -> Book:
    from python_calamine import CalamineWorkbook

    try:
        with path.open("rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
            sheets = []
            for sheet_name in wb.sheet_names:
                ws = wb.get_sheet_by_name(sheet_name)
                rows = ws.to_python(skip_empty_area=False)
                if fmt != "xlsx":  # xlsx was scanned before reading; xls and ods are checked here
                    check_rows(rows, sheet_name, name, limits)
                merged = [
                    f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
                    for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or [])
                ]
                sheets.append(Sheet(sheet_name, rows, merged))
    except LimitExceeded:
        raise
    except Exception as exc:  # calamine raises its own types for every kind of damage
        if type(exc).__name__ == "PasswordError":
            raise FileProblem(
                "encrypted", f"文件 {name} 设有密码,请去掉密码后再导入", f"{name} is password-protected"
            ) from exc
        raise FileProblem(
            "not_excel",
            f"文件 {name} 无法作为Excel读取({type(exc).__name__})",
            f"{name} cannot be read as a workbook ({type(exc).__name__}: {exc})",
        ) from exc
    if fmt == "xlsx":
        formulas = _xlsx_formulas(path)
        for sheet in sheets:
            sheet.formulas = formulas.get(sheet.name, {})
    return Book(name, fmt, sheets)


_F_TAG = re.compile(rb"<f[ >/]")
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"')
_F_TEXT = re.compile(rb"<f[^>]*>(.*?)</f>", re.S)


def _xlsx_formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells holding a formula, per sheet name (``<f>`` elements in the sheet XML)."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as zf:
        try:
            targets = _sheet_targets(zf)
        except (KeyError, ValueError):
            return out
        for sheet_name, target in targets.items():
            try:
                data = zf.read(target)
            except KeyError:
                continue
            if not _F_TAG.search(data):
                continue
            found: dict[tuple[int, int], str] = {}
            for m in _F_TAG.finditer(data):
                start = data.rfind(b"<c ", 0, m.start())
                ref = _CELL_REF.match(data, start) if start >= 0 else None
                if ref is None:
                    continue
                col = _column_index(ref.group(1).decode())
                row = int(ref.group(2)) - 1
                text = _F_TEXT.match(data, m.start())
                found[(row, col)] = "=" + (text.group(1).decode("utf-8", "replace") if text else "…")
                if len(found) >= MAX_FORMULAS_REPORTED:
                    break
            out[sheet_name] = found
    return out


def _sheet_targets(zf: zipfile.ZipFile) -> dict[str, str]:
    wb = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rel_target = {
        m.group("id"): m.group("target")
        for m in re.finditer(
            r'<Relationship\b(?=[^>]*\bId="(?P<id>[^"]+)")(?=[^>]*\bTarget="(?P<target>[^"]+)")', rels
        )
    }
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        attrs = m.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rid = re.search(r'\br:id="([^"]*)"', attrs) or re.search(r'\b\w+:id="([^"]*)"', attrs)
        if not name or not rid or rid.group(1) not in rel_target:
            continue
        target = rel_target[rid.group(1)]
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[_xml_unescape(name.group(1))] = target
    return out


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    ).replace("&amp;", "&")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030
    (a superset of GBK and GB2312, what Chinese Excel writes as "CSV")."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "bad_encoding",
            f"无法识别文件 {name} 的文字编码(支持UTF-8、GBK/GB18030)",
            f"cannot tell the text encoding of {name}: save it as UTF-8 or GBK CSV",
        ) from exc


def _read_csv(path: Path, name: str, limits: Limits) -> Book:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(
            "not_text",
            f"文件 {name} 既不是Excel工作簿也不是CSV文本",
            f"{name} is neither an Excel workbook nor CSV text",
        )
    text, encoding = decode_text(data, name)
    if not text.strip():
        raise FileProblem("empty_file", f"文件 {name} 没有内容", f"the file {name} holds no data")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    sheet_name = Path(name).stem or "csv"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = check_rows(_csv_rows(reader, name), sheet_name, name, limits)
    return Book(name, "csv", [Sheet(sheet_name, rows)], encoding=encoding)


def _csv_rows(reader: Any, name: str) -> Any:
    try:
        for row in reader:
            yield list(row)
    except csv.Error as exc:  # e.g. a field over the csv module's own limit
        raise FileProblem(
            "bad_csv",
            f"文件 {name} 第 {reader.line_num} 行无法按CSV读取",
            f"{name} line {reader.line_num} cannot be read as CSV: {exc}",
        ) from exc
