"""Reading cells into values, and every check an import makes before anything is written.

Each problem names the sheet, the row as the spreadsheet numbers it, the column (Chinese header,
English key and letter), the value found and what was expected, in Chinese and English, so a county
officer can fix the file without asking anyone. Problems are collected, never raised one at a time:
the user gets all of them at once.

Model rules are checked with the registry models themselves (``full_clean``) so an import refuses
exactly what the admin, the API and the actions refuse. Database check constraints are evaluated
here in Python, row by row, from the constraint's own ``Q`` (one query per row per constraint would
cost minutes on a 100,000-row file); the database still enforces them when the rows are written.
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression, Value
from django.utils import translation
from openpyxl.utils import get_column_letter

from eduplan.registry import identity

from .kinds import Column, ColumnType, Kind, concrete_field, normalise_text
from .readers import Sheet

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
MASKED = re.compile(r"^\*{10,17}[0-9X]{1,4}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
LIST_SEPARATORS = re.compile(r"[、,，;；\n]")


@dataclass
class Problem:
    """One thing wrong with an import. ``row`` is the spreadsheet's row number (1-based); a
    problem with the whole file or sheet has no row, one with a whole row has no column."""

    code: str
    zh: str
    en: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # English key
    label: str = ""  # Chinese header
    letter: str = ""  # spreadsheet column letter
    value: Any = None

    @property
    def cell(self) -> str:
        return f"{self.letter}{self.row}" if self.letter and self.row else ""

    @property
    def where_zh(self) -> str:
        parts = [f"工作表「{self.sheet}」"] if self.sheet else []
        if self.row:
            parts.append(f"第{self.row}行")
        if self.label or self.column:
            parts.append(
                f"{self.label or self.column}列({self.column}{', ' + self.letter if self.letter else ''})"
            )
        return " ".join(parts)

    @property
    def where_en(self) -> str:
        parts = [f"sheet {self.sheet!r}"] if self.sheet else []
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}" + (f" ({self.letter})" if self.letter else ""))
        return ", ".join(parts)

    @property
    def shown_value(self) -> str:
        return "" if self.value is None else str(self.value)

    @property
    def message(self) -> str:
        value = f"值「{self.shown_value}」" if self.value not in (None, "") else ""
        value_en = f" value {self.shown_value!r}" if self.value not in (None, "") else ""
        return f"{self.where_zh} {value}: {self.zh} / {self.where_en}{value_en}: {self.en}".strip()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "cell": self.cell,
            "value": self.shown_value,
            "message_zh": self.zh,
            "message_en": self.en,
        }


class CellError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Masked:
    """An identity number as exports show it: only the last four characters are known."""

    last4: str


@dataclass
class ParsedRow:
    number: int  # spreadsheet row number
    values: dict[str, Any]  # column key → parsed value (None = empty cell)
    bad: bool = False  # a cell of this row could not be read


@dataclass
class ParsedSheet:
    kind: Kind
    sheet: Sheet
    columns: list[tuple[int, Column]]  # (0-based column index, column)
    rows: list[ParsedRow] = field(default_factory=list)
    header_rows: int = 1  # how many rows the header takes (1 or 2), after ``first_row``
    first_row: int = 0  # 0-based index of the header row
    header_ok: bool = True  # no unknown, repeated or missing columns

    @cached_property
    def present(self) -> set[str]:
        return {c.key for _, c in self.columns}

    def letter(self, key: str) -> str:
        for idx, c in self.columns:
            if c.key == key:
                return get_column_letter(idx + 1)
        return ""


# --- cells ---------------------------------------------------------------------------------------


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _number_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def parse_cell(col: Column, raw: Any) -> Any:
    """The value of one cell for ``col``, ``None`` for an empty cell; :class:`CellError` says
    what was expected."""
    if is_empty(raw):
        return None
    t = col.type
    if t in (ColumnType.TEXT, ColumnType.CODE, ColumnType.DIVISION, ColumnType.INSTITUTION):
        return _text(col, raw)
    if t == ColumnType.INT:
        return _int(col, raw)
    if t == ColumnType.DECIMAL:
        return _decimal(col, raw)
    if t == ColumnType.FLOAT:
        return _float(col, raw)
    if t == ColumnType.BOOL:
        return _bool(col, raw)
    if t == ColumnType.DATE:
        return parse_date(raw)
    if t == ColumnType.CHOICE:
        return _choice(col, raw)
    if t == ColumnType.IDENTITY:
        return _identity(raw)
    if t == ColumnType.ID_HASH:
        text = str(raw).strip().lower()
        if text.startswith("t:"):  # an export's row token (eduplan.security.tokens)
            from eduplan.security.tokens import hash_of

            text = hash_of(text) or ""
        if not HEX64.match(text):
            raise CellError(
                "bad_id_hash",
                "人员标识应为导出文件中的行标识(t:加64位十六进制串),请勿修改",
                "expected the row token written by an export (t: and 64 hexadecimal digits); do not edit it",
            )
        return text
    if t == ColumnType.LIST:
        items = raw if isinstance(raw, list) else LIST_SEPARATORS.split(str(raw))
        return [normalise_text(str(i)) for i in items if str(i).strip()]
    raise AssertionError(t)  # pragma: no cover


def _text(col: Column, raw: Any) -> str:
    if isinstance(raw, (bool, dt.date, dt.time, dt.timedelta)):
        raise CellError("bad_text", "应为文本", "expected text")
    if isinstance(raw, float) and col.type != ColumnType.TEXT:
        if not raw.is_integer():
            raise CellError("bad_code", "代码不能是小数", "a code cannot be a decimal number")
        if abs(raw) >= 1e15:
            raise CellError(
                "code_as_number",
                "超过15位的代码须以文本格式录入(Excel会截断长数字)",
                "codes longer than 15 digits must be entered as text (Excel rounds long numbers)",
            )
    text = normalise_text(_number_text(raw))
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":  # output.csv_text's quote
        text = text[1:]  # the guard exports put before text Excel would take for a formula
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise CellError("bad_text", "含有不可见的控制字符", "contains invisible control characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CellError("bad_text", "含有无效字符", "contains characters that are not valid text") from exc
    if col.type != ColumnType.TEXT and re.search(r"\s", text):
        raise CellError("bad_code", "代码中不能有空格", "a code cannot contain spaces")
    if col.max_length and len(text) > col.max_length:
        raise CellError(
            "too_long",
            f"最多{col.max_length}个字符(现有{len(text)}个)",
            f"at most {col.max_length} characters (found {len(text)})",
        )
    return text


def _int(col: Column, raw: Any) -> int:
    expected = ("应为整数", "expected a whole number")
    if isinstance(raw, bool):
        raise CellError("bad_int", *expected)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise CellError("bad_int", "应为整数,不能有小数", "expected a whole number, not a fraction")
        value = int(raw)
    elif isinstance(raw, str):
        text = normalise_text(raw).replace(",", "").replace("，", "")
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            raise CellError("bad_int", *expected)
        value = int(text.split(".")[0])
    else:
        raise CellError("bad_int", *expected)
    _check_range(col, value)
    return value


def _check_range(col: Column, value: float) -> None:
    lo, hi = col.min_value, col.max_value
    if lo is not None and value < lo:
        if lo == 0:
            raise CellError("out_of_range", "不能为负数", "cannot be negative")
        raise CellError("out_of_range", f"应不小于{lo:g}", f"expected at least {lo:g}")
    if hi is not None and value > hi:
        raise CellError("out_of_range", f"应不大于{hi:g}", f"expected at most {hi:g}")


def _decimal(col: Column, raw: Any) -> decimal.Decimal:
    expected = ("应为数值", "expected a number")
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, decimal.Decimal)):
        raise CellError("bad_number", *expected)
    text = normalise_text(repr(raw) if isinstance(raw, float) else str(raw)).replace(",", "")
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation as exc:
        raise CellError("bad_number", *expected) from exc
    if not value.is_finite():
        raise CellError("bad_number", *expected)
    places = col.decimal_places or 0
    quantum = decimal.Decimal(1).scaleb(-places)
    if value != value.quantize(quantum, rounding=decimal.ROUND_HALF_UP):
        raise CellError("bad_number", f"最多{places}位小数", f"at most {places} decimal places")
    value = value.quantize(quantum)
    _check_range(col, float(value))
    return value


def _float(col: Column, raw: Any) -> float:
    if isinstance(raw, bool):
        raise CellError("bad_number", "应为数值", "expected a number")
    try:
        value = float(normalise_text(str(raw)) if isinstance(raw, str) else raw)
    except (TypeError, ValueError) as exc:
        raise CellError("bad_number", "应为数值", "expected a number") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError("bad_number", "应为数值", "expected a number")
    _check_range(col, value)
    return value


def _bool(col: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    key = _number_text(raw) if isinstance(raw, (int, float)) else normalise_text(str(raw)).lower()
    code = col.choice_lookup.get(key)
    if code is None:
        raise CellError("bad_bool", "应为「是」或「否」", "expected 是 (yes) or 否 (no)")
    return code == "1"


def _choice(col: Column, raw: Any) -> str:
    key = normalise_text(_number_text(raw)).lower()
    code = col.choice_lookup.get(key)
    if code is None:
        allowed_zh = "、".join(c.zh for c in col.choices if c.code)
        allowed_en = ", ".join(c.code for c in col.choices if c.code)
        raise CellError(
            "unknown_code",
            f"不是可选值,应为: {allowed_zh}",
            f"not an allowed value; expected one of {allowed_en}",
        )
    return code


_DATE_TEXT = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?|(?P<m2>\d{2})(?P<d2>\d{2}))"
    r"(?:[ T]0{1,2}:0{2}(?::0{2}(?:\.0+)?)?)?$"
)


def parse_date(raw: Any) -> dt.date:
    """A date cell, an Excel serial number (a date cell formatted as a number) or text in the
    forms people type: 2024-09-01, 2024/9/1, 2024.9.1, 2024年9月1日, 20240901."""
    expected_zh = "应为日期,如 2024-09-01"
    expected_en = "expected a date such as 2024-09-01"
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0):
            raise CellError("bad_date", "日期不应带时间", "expected a date without a time of day")
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, bool):
        raise CellError("bad_date", expected_zh, expected_en)
    elif isinstance(raw, (int, float)) or (isinstance(raw, str) and re.fullmatch(r"\s*\d{5}(\.0+)?\s*", raw)):
        serial = float(raw)
        if 1900 <= serial <= 2100:
            raise CellError(
                "bad_date",
                "这是年份而不是日期,请填写完整日期如 2024-09-01",
                "this is a year, not a date: give the full date such as 2024-09-01",
            )
        if not serial.is_integer():
            raise CellError("bad_date", "日期不应带时间", "expected a date without a time of day")
        try:
            value = (EXCEL_EPOCH + dt.timedelta(days=serial)).date()
        except OverflowError as exc:
            raise CellError("bad_date", expected_zh, expected_en) from exc
    elif isinstance(raw, str):
        m = _DATE_TEXT.match(normalise_text(raw))
        if not m:
            raise CellError("bad_date", expected_zh, expected_en)
        y, mo, d = int(m["y"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"])
        try:
            value = dt.date(y, mo, d)
        except ValueError as exc:
            raise CellError(
                "bad_date", f"日期不存在: {y}年{mo}月{d}日", f"no such date: {y}-{mo:02d}-{d:02d}"
            ) from exc
    else:
        raise CellError("bad_date", expected_zh, expected_en)
    if not DATE_MIN <= value <= DATE_MAX:
        raise CellError("bad_date", "日期应在1900年至2100年之间", "expected a date between 1900 and 2100")
    return value


def _identity(raw: Any) -> str | Masked:
    if not isinstance(raw, str):
        raise CellError(
            "identity_not_text",
            "身份证号须以文本格式录入(Excel会把18位数字的末尾变成0)",
            "identity numbers must be entered as text (Excel turns the last digits of an 18-digit number into 0)",
        )
    text = identity.normalise(raw)
    if MASKED.match(text):
        return Masked(text[-4:])
    try:
        return identity.validate(text)
    except identity.IdentityNumberError as exc:
        zh, _, en = str(exc).partition(" / ")
        raise CellError("bad_identity", zh, en or zh) from exc


# --- headers ---------------------------------------------------------------------------------------


def _header_key(raw: Any) -> str:
    return normalise_text(_number_text(raw)).rstrip("*").strip().lower()


_BRACKET_TAIL = re.compile(r"\s*\(.*\)\s*$")


def _match(kind: Kind, text: str) -> Column | None:
    """The column a header names: by English key, Chinese header, or the Chinese header without
    its bracketed note (``学年`` for ``学年(起始年)``)."""
    for col in kind.columns:
        label = normalise_text(col.label).lower()
        if text in (col.key, label) or text == _BRACKET_TAIL.sub("", label):
            return col
    return None


HEADER_SEARCH_ROWS = 10


def find_header_row(kind: Kind, sheet: Sheet) -> int | None:
    """The header row: among the first rows, the first that names at least two of the kind's
    columns, so a title row above the table (often merged across it) is passed over. Without such
    a row, the first non-empty row (whose unknown headings are then reported)."""
    first = None
    for i, row in enumerate(sheet.rows[: HEADER_SEARCH_ROWS + 1]):
        cells = [_header_key(v) for v in row if not is_empty(v)]
        if not cells:
            continue
        if first is None:
            first = i
        if sum(1 for t in cells if _match(kind, t) is not None) >= min(2, len(kind.columns)):
            return i
    return first


def header_score(kind: Kind, sheet: Sheet) -> tuple[int, int, bool]:
    """(matched, unknown, all required present) of ``sheet``'s header against ``kind``."""
    h = find_header_row(kind, sheet)
    if h is None:
        return (0, 0, False)
    texts = [_header_key(v) for v in sheet.rows[h] if not is_empty(v)]
    matched = {c.key for t in texts if (c := _match(kind, t))}
    unknown = sum(1 for t in texts if _match(kind, t) is None)
    return (len(matched), unknown, all(c.key in matched for c in kind.required))


def parse_header(kind: Kind, sheet: Sheet, problems: list[Problem]) -> ParsedSheet | None:
    """Map the header row (Chinese headers, English keys or both, the keys in a second row as
    our templates write them) to columns. Unknown, repeated and missing columns are problems."""
    h = find_header_row(kind, sheet)
    if h is None:
        problems.append(Problem("empty_sheet", "工作表是空的", "the sheet is empty", sheet=sheet.name))
        return None
    before = len(problems)
    header = sheet.rows[h]
    second = sheet.rows[h + 1] if h + 1 < len(sheet.rows) else []
    second_cells = [_header_key(v) for v in second if not is_empty(v)]
    key_row = bool(second_cells) and all(t in kind.by_key for t in second_cells)
    source = second if key_row else header
    columns: list[tuple[int, Column]] = []
    seen: dict[str, int] = {}
    for idx, raw in enumerate(source):
        if is_empty(raw):
            continue
        text = _header_key(raw)
        col = kind.by_key.get(text) if key_row else _match(kind, text)
        letter = get_column_letter(idx + 1)
        if col is None:
            problems.append(
                Problem(
                    "unknown_column",
                    f"未知的列名;「{kind.label}」表的列为: {'、'.join(c.label for c in kind.columns)}",
                    f"unknown column heading; the {kind.key} sheet has: {', '.join(c.key for c in kind.columns)}",
                    sheet=sheet.name,
                    row=h + (2 if key_row else 1),
                    letter=letter,
                    column=str(raw),
                    value=raw,
                )
            )
            continue
        if col.key in seen:
            problems.append(
                Problem(
                    "duplicate_column",
                    f"列「{col.label}」出现了两次(另见{get_column_letter(seen[col.key] + 1)}列)",
                    f"column {col.key} appears twice (also column {get_column_letter(seen[col.key] + 1)})",
                    sheet=sheet.name,
                    row=h + 1,
                    letter=letter,
                    column=col.key,
                    label=col.label,
                    value=raw,
                )
            )
            continue
        seen[col.key] = idx
        columns.append((idx, col))
    for col in kind.required:
        if col.key not in seen:
            problems.append(
                Problem(
                    "missing_column",
                    f"缺少必填列「{col.label}」({col.key})",
                    f"the required column {col.key} ({col.label}) is missing",
                    sheet=sheet.name,
                    row=h + 1,
                    column=col.key,
                    label=col.label,
                )
            )
    return ParsedSheet(
        kind, sheet, columns, header_rows=2 if key_row else 1, first_row=h, header_ok=len(problems) == before
    )


def parse_rows(parsed: ParsedSheet, problems: list[Problem]) -> None:
    """Read every data row below the header; rows that are wholly empty are skipped."""
    sheet = parsed.sheet
    start = parsed.first_row + parsed.header_rows
    for merged in sheet.merged:
        last_row = int(re.sub(r"^[A-Z]+", "", merged.split(":")[-1]))
        if last_row <= parsed.first_row:
            continue  # a title above the table
        problems.append(
            Problem(
                "merged_cells",
                f"不能有合并单元格({merged}),请取消合并并在每个单元格填写数值",
                f"merged cells ({merged}) are not allowed: unmerge them and fill every cell",
                sheet=sheet.name,
                row=int(re.sub(r"^[A-Z]+", "", merged.split(":")[0])),
                letter=re.sub(r"\d+$", "", merged.split(":")[0]),
                value=merged,
            )
        )
    mapped = {idx for idx, _ in parsed.columns}
    by_idx = dict(parsed.columns)
    for (r, c), formula in sorted(sheet.formulas.items()):
        col = by_idx.get(c)
        problems.append(
            Problem(
                "formula",
                "单元格含有公式,请复制后「选择性粘贴→数值」再导入",
                "the cell holds a formula: copy it and paste as values before importing",
                sheet=sheet.name,
                row=r + 1,
                letter=get_column_letter(c + 1),
                column=col.key if col else "",
                label=col.label if col else "",
                value=formula,
            )
        )
    if not parsed.header_ok:
        return  # with the columns wrong, the rows cannot be read: the header is reported first
    unlabelled_reported: set[int] = set()
    for r in range(start, len(sheet.rows)):
        raw_row = sheet.rows[r]
        if all(is_empty(v) for v in raw_row):
            continue
        values: dict[str, Any] = {}
        row = ParsedRow(number=r + 1, values=values)
        for idx, col in parsed.columns:
            raw = raw_row[idx] if idx < len(raw_row) else None
            try:
                value = parse_cell(col, raw)
            except CellError as err:
                row.bad = True
                problems.append(_cell_problem(parsed, row.number, idx, col, raw, err.code, err.zh, err.en))
                continue
            if value is None and col.required:
                row.bad = True
                problems.append(
                    _cell_problem(
                        parsed,
                        row.number,
                        idx,
                        col,
                        raw,
                        "required",
                        "必填,不能为空",
                        "required: cannot be empty",
                    )
                )
            values[col.key] = value
        for idx, raw in enumerate(raw_row):
            if idx not in mapped and not is_empty(raw) and idx not in unlabelled_reported:
                unlabelled_reported.add(idx)
                problems.append(
                    Problem(
                        "unlabelled_column",
                        "这一列没有列名,无法判断数据含义",
                        "this column has no heading, so its data cannot be read",
                        sheet=sheet.name,
                        row=r + 1,
                        letter=get_column_letter(idx + 1),
                        value=raw,
                    )
                )
        parsed.rows.append(row)


def _cell_problem(
    parsed: ParsedSheet, row: int, idx: int, col: Column, raw: Any, code: str, zh: str, en: str
) -> Problem:
    return Problem(
        code,
        zh,
        en,
        sheet=parsed.sheet.name,
        row=row,
        column=col.key,
        label=col.label,
        letter=get_column_letter(idx + 1),
        value=_shown(col, raw),
    )


def _shown(col: Column, raw: Any) -> Any:
    """A value as an error message may show it: identity numbers only masked."""
    if col.type == ColumnType.IDENTITY and isinstance(raw, str):
        return identity.mask(raw) if len(raw.strip()) >= 4 else "****"
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def row_problem(parsed: ParsedSheet, row: ParsedRow, key: str | None, code: str, zh: str, en: str) -> Problem:
    col = parsed.kind.by_key.get(key) if key else None
    value = row.values.get(key) if key else None
    if col is not None and col.type == ColumnType.IDENTITY and value is not None:
        value = identity.mask(value if isinstance(value, str) else value.last4)
    if isinstance(value, (dt.date, decimal.Decimal)):
        value = str(value)
    return Problem(
        code,
        zh,
        en,
        sheet=parsed.sheet.name,
        row=row.number,
        column=col.key if col else "",
        label=col.label if col else "",
        letter=parsed.letter(col.key) if col else "",
        value=value,
    )


# --- model rules -----------------------------------------------------------------------------------


def bilingual(messages: Iterable[Any]) -> tuple[str, str]:
    """Django's own messages in both languages; the registry's are already "中文 / English"."""
    zh_parts, en_parts = [], []
    for msg in messages:
        with translation.override("zh-hans"):
            zh = str(msg)
        with translation.override("en"):
            en = str(msg)
        if " / " in en and zh == en:
            zh, _, en = en.partition(" / ")
        zh_parts.append(zh)
        en_parts.append(en)
    return "; ".join(zh_parts), "; ".join(en_parts)


def model_errors(exc: ValidationError) -> list[tuple[str | None, str, str]]:
    """``(field or None, zh, en)`` for each field of a ``ValidationError``."""
    out = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            messages = [m for e in errors for m in e.messages] if errors else []
            zh, en = bilingual(_lazy_messages(errors) or messages)
            out.append((None if name == "__all__" else name, zh, en))
    else:
        zh, en = bilingual(_lazy_messages(exc.error_list) or exc.messages)
        out.append((None, zh, en))
    return out


def _lazy_messages(errors: Sequence[ValidationError]) -> list[Any]:
    """Messages kept lazy (with params applied late) so they can be rendered in both languages."""
    out: list[Any] = []
    for e in errors:
        for sub in e.error_list if hasattr(e, "error_list") else [e]:
            message = sub.message
            if sub.params:
                out.append(_Lazy(message, sub.params))
            else:
                out.append(message)
    return out


class _Lazy:
    def __init__(self, message: Any, params: Any) -> None:
        self.message, self.params = message, params

    def __str__(self) -> str:
        try:
            return str(self.message) % self.params
        except (TypeError, KeyError, ValueError):
            return str(self.message)


CONSTRAINT_MESSAGES: dict[str, tuple[str, str]] = {
    "division_valid_dates_ordered": ("失效日期应晚于生效日期", "valid_to must be after valid_from"),
    "population_age_band_ordered": ("年龄上限不能小于年龄下限", "age_max cannot be below age_min"),
    "institution_dates_ordered": ("撤销日期不能早于设立日期", "closed_on cannot be before established_on"),
    "class_headcount_non_negative": ("人数不能为负", "headcounts cannot be negative"),
    "class_minority_within_total": (
        "少数民族人数不能超过男女合计",
        "minority children cannot exceed boys + girls",
    ),
    "staff_dates_ordered": ("离职日期不能早于入职日期", "end_date cannot be before start_date"),
    "appointment_dates_ordered": ("离任日期不能早于任职日期", "end_date cannot be before start_date"),
    "pairing_dates_ordered": ("结束日期不能早于开始日期", "end_date cannot be before start_date"),
    "pairing_has_supporter": (
        "请填写帮扶方代码或区外帮扶方名称",
        "give the supporter's code or, outside the registry, its name",
    ),
    "pairing_not_self": ("不能与自身结对", "an institution cannot support itself"),
}


class _Unsupported(Exception):
    pass


_OPS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _field_value(obj: models.Model, name: str) -> Any:
    f = obj._meta.get_field(name)
    attname = concrete_field(type(obj), name).attname
    return obj.__dict__.get(attname) if f.is_relation else getattr(obj, attname)


def _expr_value(obj: models.Model, expr: Any) -> Any:
    if isinstance(expr, F):
        return _field_value(obj, expr.name)
    if isinstance(expr, Value):
        return expr.value
    if isinstance(expr, CombinedExpression):
        lhs, rhs = _expr_value(obj, expr.lhs), _expr_value(obj, expr.rhs)
        if lhs is None or rhs is None:
            return None
        ops = {"+": operator.add, "-": operator.sub, "*": operator.mul}
        if expr.connector not in ops:
            raise _Unsupported(expr.connector)
        return ops[expr.connector](lhs, rhs)
    if hasattr(expr, "resolve_expression"):
        raise _Unsupported(type(expr).__name__)
    return expr


def _lookup(obj: models.Model, lookup: str, rhs: Any) -> bool | None:
    name, _, op = lookup.partition("__")
    op = op or "exact"
    left = _field_value(obj, name)
    if op == "isnull":
        return (left is None) == bool(rhs)
    right = _expr_value(obj, rhs)
    if left is None or right is None:
        return None  # SQL: comparing with NULL is unknown, and a CHECK passes on unknown
    if op == "exact":
        return left == right
    if op in _OPS:
        return _OPS[op](left, right)
    if op == "in":
        return left in right
    raise _Unsupported(op)


def _eval_q(obj: models.Model, q: Q) -> bool | None:
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_eval_q(obj, child))
        else:
            lookup, rhs = child  # type: ignore[misc]
            results.append(_lookup(obj, lookup, rhs))
    if q.connector == Q.AND:
        value: bool | None = False if False in results else (None if None in results else True)
    elif q.connector == Q.OR:
        value = True if True in results else (None if None in results else False)
    else:
        raise _Unsupported(q.connector)
    if q.negated and value is not None:
        value = not value
    return value


def _fields_of(q: Q) -> list[str]:
    names = []
    for child in q.children:
        if isinstance(child, Q):
            names += _fields_of(child)
        else:
            lookup, _ = child  # type: ignore[misc]
            names.append(str(lookup).split("__")[0])
    return names


def check_constraints(obj: models.Model) -> list[tuple[str | None, str, str]]:
    """Check constraints the object would break, as ``(field, zh, en)``; unique constraints are
    left to the upsert keys and the duplicate check."""
    out = []
    for constraint in obj._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        condition = constraint.condition
        try:
            if not isinstance(condition, Q):
                raise _Unsupported(type(condition).__name__)
            ok = _eval_q(obj, condition) is not False
        except _Unsupported:
            try:
                constraint.validate(type(obj), obj)  # type: ignore[attr-defined]
                ok = True
            except ValidationError:
                ok = False
        if not ok:
            zh, en = CONSTRAINT_MESSAGES.get(
                constraint.name, (f"违反规则 {constraint.name}", f"breaks the rule {constraint.name}")
            )
            fields = _fields_of(condition) if isinstance(condition, Q) else []
            out.append((fields[-1] if fields else None, zh, en))
    return out
