"""Bounded reading: what an uploaded file may cost is checked before any reader allocates for it.

A workbook is a zip of XML. Its size on the wire says little about what reading it costs: a 1.6 KB
sheet declaring cells ``A1`` and ``XFD1048576`` makes a dense reader allocate 17 billion cells, and
a 1 MB part can inflate to gigabytes of one string. So, before python-calamine sees a workbook:

- the file's size, every zip part's declared size, their total and their compression ratio;
- each worksheet part is streamed through the decompressor (at most the limit is ever inflated)
  and scanned for the rows and columns its cells reach, the area it declares, its cell count and
  the longest text in it (shared strings too).

CSV and the formats calamine reads whole (xls, ods) are checked row by row as they are read.

Every limit is a Django setting (``UPLOAD_MAX_*``, from ``EDUPLAN_UPLOAD_MAX_*`` in the
environment) and every refusal names the setting and its value in Chinese and English.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

CHUNK = 1 << 20
#: Ratios are judged only for parts big enough to matter (small XML parts compress very well).
RATIO_FLOOR = 8 << 20


class LimitExceeded(Exception):
    """Raised as a :class:`~eduplan.intake.readers.FileProblem` by the reader (same fields)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unzipped_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_string: int

    @classmethod
    def current(cls) -> Limits:
        from django.conf import settings

        return cls(
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_unzipped_bytes=settings.UPLOAD_MAX_UNZIPPED_BYTES,
            max_ratio=settings.UPLOAD_MAX_RATIO,
            max_rows=settings.UPLOAD_MAX_ROWS,
            max_columns=settings.UPLOAD_MAX_COLUMNS,
            max_cells=settings.UPLOAD_MAX_CELLS,
            max_string=settings.UPLOAD_MAX_STRING,
        )


def _over(code: str, setting: str, limit: int, zh: str, en: str) -> LimitExceeded:
    return LimitExceeded(
        code,
        f"{zh},超过上限 {limit:,}(设置 {setting})",
        f"{en}, over the limit of {limit:,} (setting {setting})",
    )


def check_file_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise _over(
            "file_too_large",
            "UPLOAD_MAX_BYTES",
            limits.max_bytes,
            f"文件 {name} 有 {size:,} 字节",
            f"the file {name} is {size:,} bytes",
        )


def check_zip(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Declared part sizes, their total and their compression ratios."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if total > limits.max_unzipped_bytes:
            raise _unzipped(name, info.filename, total, limits)
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _over(
                "compression_ratio",
                "UPLOAD_MAX_RATIO",
                limits.max_ratio,
                f"文件 {name} 中的 {info.filename} 压缩比为 {ratio:,} 倍(疑似压缩炸弹)",
                f"{info.filename} in {name} is compressed {ratio:,} to 1 (a zip bomb?)",
            )


def _unzipped(name: str, part: str, total: int, limits: Limits) -> LimitExceeded:
    return _over(
        "unzipped_too_large",
        "UPLOAD_MAX_UNZIPPED_BYTES",
        limits.max_unzipped_bytes,
        f"文件 {name} 解压后至少 {total:,} 字节(到 {part} 为止)",
        f"{name} unzips to at least {total:,} bytes (counting up to {part})",
    )


_ROW = re.compile(rb"<row[\s>/]")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d{1,9})"')
_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,4})\d')
_CELL_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]{1,4}(\d{1,9})"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="([A-Z]{1,4})?(\d{1,9})?:?([A-Z]{1,4})?(\d{1,9})?"')


@dataclass
class SheetScan:
    """What a worksheet part reaches: the dense area a reader will allocate is rows × columns."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    declared_rows: int = 0
    declared_columns: int = 0


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _stream(zf: zipfile.ZipFile, part: str, name: str, limits: Limits, used: list[int]) -> Iterable[bytes]:
    """The part's bytes in chunks; ``used[0]`` counts every byte inflated across parts."""
    with zf.open(part) as fh:
        carry = b""
        while True:
            block = fh.read(CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            used[0] += len(block)
            if used[0] > limits.max_unzipped_bytes:
                raise _unzipped(name, part, used[0], limits)
            data = carry + block
            cut = data.rfind(b"<")  # never split a tag: scan up to the last tag start
            if cut <= 0:
                carry = data
                if len(carry) > limits.max_string * 4 + CHUNK:
                    yield carry  # one enormous text run; the string check below refuses it
                    carry = b""
                continue
            yield data[:cut]
            carry = data[cut:]


def _check_strings(chunk: bytes, where: str, name: str, limits: Limits) -> None:
    # UTF-8 text: a run of more than max_string × 4 bytes is surely too long; a run of more than
    # max_string bytes is decoded and counted in characters.
    # Text in XML always follows a ">" (a chunk starts at a "<"), so runs are tried only there.
    for m in re.finditer(rb">[^<]{%d,}" % (limits.max_string + 1), b">" + chunk):
        length = len(m.group()[1:].decode("utf-8", "replace"))
        if length > limits.max_string:
            raise _over(
                "string_too_long",
                "UPLOAD_MAX_STRING",
                limits.max_string,
                f"文件 {name} 的{where}中有一段 {length:,} 个字符的文字",
                f"{name} holds a text of {length:,} characters in {where}",
            )


def scan_sheet(
    zf: zipfile.ZipFile, part: str, sheet: str, name: str, limits: Limits, used: list[int]
) -> SheetScan:
    scan = SheetScan()
    refs = 0
    for chunk in _stream(zf, part, name, limits, used):
        _check_strings(chunk, f"工作表「{sheet}」 / sheet {sheet}", name, limits)
        if not scan.declared_rows:
            dim = _DIMENSION.search(chunk)
            if dim:
                last_col = dim.group(3) or dim.group(1) or b"A"
                scan.declared_columns = _col(last_col)
                scan.declared_rows = int(dim.group(4) or dim.group(2) or 1)
        scan.cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/")
        row_numbers = _ROW_NUMBER.findall(chunk)
        scan.rows += len(_ROW.findall(chunk)) if not row_numbers else 0  # rows with no number
        letters = set(_CELL_COLUMN.findall(chunk))  # few distinct values: cheap to compare
        if letters:
            scan.columns = max(scan.columns, max(_col(c) for c in letters))
        numbers = _CELL_ROW.findall(chunk)
        refs += len(numbers)
        scan.rows = max(
            scan.rows, max(map(int, set(numbers)), default=0), max(map(int, row_numbers), default=0)
        )
        _check_area(sheet, name, scan.rows, scan.columns, limits, declared=False)
    if scan.cells > refs:  # cells without a reference: positions follow on, at most one per cell
        scan.columns = max(scan.columns, min(scan.cells - refs, limits.max_columns + 1))
    _check_area(sheet, name, scan.rows, scan.columns, limits, declared=False)
    _check_area(sheet, name, scan.declared_rows, scan.declared_columns, limits, declared=True)
    return scan


def _check_area(sheet: str, name: str, rows: int, columns: int, limits: Limits, *, declared: bool) -> None:
    area = f"A1:{get_column_letter(min(max(columns, 1), 18278))}{max(rows, 1)}"
    said_zh, said_en = ("声明的区域", "declares the area") if declared else ("的数据到达", "reaches")
    if rows * columns > limits.max_cells:
        raise _over(
            "too_many_cells",
            "UPLOAD_MAX_CELLS",
            limits.max_cells,
            f"文件 {name} 工作表「{sheet}」{said_zh} {area},共 {rows * columns:,} 个单元格",
            f"sheet {sheet} of {name} {said_en} {area}: {rows * columns:,} cells",
        )
    if rows > limits.max_rows:
        raise _over(
            "too_many_rows",
            "UPLOAD_MAX_ROWS",
            limits.max_rows,
            f"文件 {name} 工作表「{sheet}」{said_zh} {area},有 {rows:,} 行",
            f"sheet {sheet} of {name} {said_en} {area}: {rows:,} rows",
        )
    if columns > limits.max_columns:
        raise _over(
            "too_many_columns",
            "UPLOAD_MAX_COLUMNS",
            limits.max_columns,
            f"文件 {name} 工作表「{sheet}」{said_zh} {area},有 {columns:,} 列",
            f"sheet {sheet} of {name} {said_en} {area}: {columns:,} columns",
        )


def check_xlsx(
    zf: zipfile.ZipFile, targets: dict[str, str], name: str, limits: Limits
) -> dict[str, SheetScan]:
    """Every worksheet part and the shared strings, scanned before the workbook is read."""
    used = [0]
    out: dict[str, SheetScan] = {}
    total = 0
    present = set(zf.namelist())
    for sheet, part in targets.items():
        if part not in present:
            continue
        scan = scan_sheet(zf, part, sheet, name, limits, used)
        total += scan.rows * scan.columns
        if total > limits.max_cells:
            raise _over(
                "too_many_cells",
                "UPLOAD_MAX_CELLS",
                limits.max_cells,
                f"文件 {name} 各工作表合计 {total:,} 个单元格(到「{sheet}」为止)",
                f"the sheets of {name} hold {total:,} cells together (counting up to {sheet})",
            )
        out[sheet] = scan
    if "xl/sharedStrings.xml" in present:
        for chunk in _stream(zf, "xl/sharedStrings.xml", name, limits, used):
            _check_strings(chunk, "共享字符串 / shared strings", name, limits)
    return out


def check_rows(rows: Iterable[list[Any]], sheet: str, name: str, limits: Limits) -> list[list[Any]]:
    """Rows as they are read (CSV, xls, ods): counts, area and string lengths; the reading stops
    at the first row past a limit."""
    out: list[list[Any]] = []
    width = 0
    for r, row in enumerate(rows):
        if len(row) > width:
            width = len(row)
        _check_area(sheet, name, r + 1, width, limits, declared=False)
        out.append(row)
        for c, value in enumerate(row):
            if isinstance(value, str) and len(value) > limits.max_string:
                raise _over(
                    "string_too_long",
                    "UPLOAD_MAX_STRING",
                    limits.max_string,
                    f"文件 {name} 工作表「{sheet}」单元格 {get_column_letter(c + 1)}{r + 1} 有 {len(value):,} 个字符",
                    f"cell {get_column_letter(c + 1)}{r + 1} of sheet {sheet} in {name} holds {len(value):,} characters",
                )
    return out
