"""Reading returns as schools and bureaus export them: one or several workbooks, one sheet per form
and table (``幼儿园 基础基311 …``), a records sheet of basic information and grid sheets of counts.

Lookup is tolerant where the statistics software and people differ harmlessly: full-width
characters, spaces and trailing notes in headers and codes, header cells merged across or down,
title rows above the header, column-number rows (甲 乙 丙 1 2 3 …), an institution identifier given
only on the first row of its block, and notes below the table (说明、填表人). Everything else is
refused with its place — file, sheet, row, column, what was found and what was expected — through
intake's readers and its :class:`~eduplan.intake.validate.Problem`, and the caller writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from eduplan.intake.readers import Book, FileProblem, Sheet, read_book
from eduplan.intake.validate import Problem

from .checks import check_table
from .holdings import Cells
from .layout import Edition, Form, Table, match_line, norm, norm_code
from .writing import CODE_HEADER, ITEM_HEADER, SUMMARY_PREFIX

INSTITUTION_NAMES = ("学校(机构)标识码", "标识码", "学校标识码", "机构标识码")
ITEM_NAMES = (ITEM_HEADER, "指标", "名称")
CODE_NAMES = (CODE_HEADER, "行号", "代码", "行次")
NOTE_STARTS = ("说明", "注", "填表人", "单位负责人", "统计负责人", "审核人", "报出日期")
IGNORED_SHEETS = ("说明", "封面", "目录")
HEADER_SCAN = 15
COLUMN_NUMBERS = re.compile(r"^([甲乙丙丁]|\d+)$")


@dataclass(frozen=True)
class Place:
    """Where a value was read: the file, the sheet and the spreadsheet cell."""

    file: str
    sheet: str
    row: int
    letter: str

    @property
    def cell(self) -> str:
        return f"{self.letter}{self.row}"

    def __str__(self) -> str:
        return f"{self.file} 「{self.sheet}」 {self.cell}"

    def problem(
        self, code: str, zh: str, en: str, *, column: str = "", label: str = "", value: Any = None
    ) -> Problem:
        """A problem at this cell."""
        return Problem(
            code,
            zh,
            en,
            sheet=self.sheet,
            row=self.row,
            letter=self.letter,
            column=column,
            label=label,
            value=value,
        )


@dataclass
class FiledReturn:
    """One institution's return as read: basic fields (decoded to eduplan's keys) and cells."""

    code: str
    form: Form
    basic: dict[str, str] = field(default_factory=dict)
    basic_places: dict[str, Place] = field(default_factory=dict)
    cells: Cells = field(default_factory=dict)
    places: dict[tuple[str, str, str], Place] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)

    @property
    def school_year(self) -> int:
        return int(self.basic["school_year"])


@dataclass
class ReadResult:
    returns: dict[str, FiledReturn]
    problems: list[Problem]
    books: list[Book]


class _Reader:
    def __init__(self, edition: Edition, problems: list[Problem], several: bool) -> None:
        self.edition = edition
        self.problems = problems
        self.several = several
        self.returns: dict[str, FiledReturn] = {}
        self.summaries: list[tuple[Book, Sheet, Form, Table]] = []
        self.refused_basic: set[str] = set()  # institutions whose basic row was refused already

    # -- problems ---------------------------------------------------------------------------------

    def sheet_label(self, book: Book, sheet: Sheet) -> str:
        return f"{book.file_name}:{sheet.name}" if self.several else sheet.name

    def problem(
        self,
        code: str,
        zh: str,
        en: str,
        book: Book,
        sheet: Sheet | None = None,
        row: int | None = None,
        col: int | None = None,
        *,
        label: str = "",
        key: str = "",
        value: Any = None,
    ) -> None:
        self.problems.append(
            Problem(
                code,
                zh if sheet is not None or self.several is False else f"{book.file_name}: {zh}",
                en,
                sheet=self.sheet_label(book, sheet) if sheet is not None else book.file_name,
                row=row,
                column=key,
                label=label,
                letter=get_column_letter(col + 1) if col is not None else "",
                value=value,
            )
        )

    # -- sheets -----------------------------------------------------------------------------------

    def read(self, book: Book) -> None:
        for sheet in book.sheets:
            if not any(any(v not in (None, "") for v in r) for r in sheet.rows):
                continue
            name = norm(sheet.name)
            if any(w in str(sheet.name) for w in IGNORED_SHEETS):  # 填表说明, 封面, 目录
                continue
            found = self.identify(book, sheet)
            if found is None:
                continue
            form, table = found
            if name.startswith(SUMMARY_PREFIX):
                self.summaries.append((book, sheet, form, table))
            elif table.layout == "records":
                self.read_records(book, sheet, form, table)
            else:
                self.read_grid(book, sheet, form, table)

    def identify(self, book: Book, sheet: Sheet) -> tuple[Form, Table] | None:
        """The form and table a sheet holds, from its name: the table code (or title) and, where
        two forms share a table code, the form's word (幼儿园, 普通高中)."""
        name = norm(sheet.name)
        title = norm(sheet.rows[0][0]) if sheet.rows and sheet.rows[0] else ""
        heading = name + "".join(norm(v) for r in sheet.rows[:3] for v in r if isinstance(v, str))
        candidates = []
        for form in self.edition.forms:
            for table in form.tables:
                if norm(table.code) in name or norm(table.title) in name or norm(table.code) in title:
                    candidates.append((form, table))
        worded = [(f, t) for f, t in candidates if any(norm(w) in name for w in f.sheet_words)]
        if not worded:  # the form's own heading above the table: 基础教育学校(机构)统计报表(幼儿园)
            worded = [(f, t) for f, t in candidates if any(norm(w) in heading for w in f.sheet_words)]
        chosen = worded or candidates
        if len({(f.key, t.key) for f, t in chosen}) == 1:
            return chosen[0]
        expected = "、".join(t.sheet_title for f in self.edition.forms for t in f.tables)
        if not chosen:
            self.problem(
                "unknown_table",
                f"工作表名称不是{self.edition.edition}年版统计报表的表名,应为:{expected}",
                f"the sheet is not a table of the {self.edition.edition} returns; expected one of: {expected}",
                book,
                sheet,
                value=sheet.name,
            )
        else:
            self.problem(
                "ambiguous_table",
                "无法判断属于幼儿园表还是普通高中表,请在工作表名称中写明“幼儿园”或“普通高中”",
                "cannot tell the form: put 幼儿园 or 普通高中 in the sheet name",
                book,
                sheet,
                value=sheet.name,
            )
        return None

    def header_row(self, book: Book, sheet: Sheet, names: Sequence[str]) -> tuple[int, int] | None:
        wanted = {norm(n) for n in names}
        for r, row in enumerate(sheet.rows[:HEADER_SCAN]):
            for c, value in enumerate(row):
                if norm(value) in wanted:
                    return r, c
        self.problem(
            "missing_column",
            f"找不到表头“{names[0]}”列(应在前{HEADER_SCAN}行)",
            f"no header {names[0]!r} in the first {HEADER_SCAN} rows",
            book,
            sheet,
            label=names[0],
            key="code",
        )
        return None

    # -- records: basic information ---------------------------------------------------------------

    def read_records(self, book: Book, sheet: Sheet, form: Form, table: Table) -> None:
        names = [f.label for f in table.fields if f.key == "code"] + list(INSTITUTION_NAMES)
        found = self.header_row(book, sheet, names)
        if found is None:
            return
        h, _ = found
        grid = filled(sheet)
        columns: dict[int, Any] = {}
        for c, value in enumerate(grid[h]):
            if norm(value) == "":
                continue
            f = match_line(value, table.fields)
            if f is None:
                self.problem(
                    "unknown_column",
                    f"未知的列,应为:{'、'.join(x.label for x in table.fields)}",
                    f"unknown column; expected: {', '.join(x.label for x in table.fields)}",
                    book,
                    sheet,
                    h + 1,
                    c,
                    value=value,
                )
            elif f in columns.values():
                self.problem(
                    "duplicate_column", "重复的列", "duplicate column", book, sheet, h + 1, c, value=value
                )
            else:
                columns[c] = f
        for f in table.fields:
            if f.required and f not in columns.values():
                self.problem(
                    "missing_column",
                    f"缺少必填列“{f.label}”",
                    f"required column {f.label!r} ({f.key}) is missing",
                    book,
                    sheet,
                    h + 1,
                    label=f.label,
                    key=f.key,
                )
        if any(f.required and f not in columns.values() for f in table.fields):
            return
        for r in range(h + 1, len(sheet.rows)):
            row = sheet.rows[r]
            if is_note(row):
                break
            if all(v in (None, "") for v in row):
                continue
            values: dict[str, str] = {}
            places: dict[str, Place] = {}
            bad = False
            for c, f in columns.items():
                raw = row[c] if c < len(row) else None
                places[f.key] = Place(
                    book.file_name, self.sheet_label(book, sheet), r + 1, get_column_letter(c + 1)
                )
                if raw in (None, ""):
                    if f.required:
                        bad = True
                        self.problem(
                            "required", f"“{f.label}”必填", f"{f.label} is required", book, sheet, r + 1, c,
                            label=f.label, key=f.key,
                        )  # fmt: skip
                    values[f.key] = ""
                    continue
                decoded = f.decode(raw)
                if decoded is None:
                    bad = True
                    codes = "、".join(f"{k}" for k in f.codes)
                    self.problem(
                        "unknown_code",
                        f"未知代码,“{f.label}”应为:{codes}",
                        f"unknown code; {f.label} ({f.key}) expects one of: {codes}",
                        book,
                        sheet,
                        r + 1,
                        c,
                        label=f.label,
                        key=f.key,
                        value=raw,
                    )
                    continue
                if f.key == "school_year" and not norm_code(raw).isdigit():
                    bad = True
                    self.problem(
                        "not_a_year", "学年应为起始年份,如2024", "the school year is its starting year, e.g. 2024",
                        book, sheet, r + 1, c, label=f.label, key=f.key, value=raw,
                    )  # fmt: skip
                    continue
                values[f.key] = (
                    str(int(raw)) if isinstance(raw, float) and raw.is_integer() else norm(decoded)
                )
                if f.key in ("name", "address"):
                    values[f.key] = str(raw).strip()
            if bad:
                self.refused_basic.add(norm(row[next(c for c, f in columns.items() if f.key == "code")]))
                continue
            kind = values.get("kind", "")
            if kind not in form.kinds:
                self.problem(
                    "wrong_form",
                    f"办学类型与{form.name_zh}不符",
                    f"the type of institution does not belong on the {form.key} form",
                    book,
                    sheet,
                    r + 1,
                    next(c for c, f in columns.items() if f.key == "kind"),
                    value=kind,
                )
                self.refused_basic.add(values["code"])
                continue
            ret = self.returns.get(values["code"])
            if ret is not None and ret.basic:
                self.problem(
                    "duplicate_row",
                    f"学校(机构) {values['code']} 的基本情况重复(首次见于{ret.basic_places['code']})",
                    f"institution {values['code']} appears twice (first at {ret.basic_places['code']})",
                    book,
                    sheet,
                    r + 1,
                    value=values["code"],
                )
                continue
            if ret is None:
                ret = self.returns[values["code"]] = FiledReturn(values["code"], form)
            ret.basic, ret.basic_places = values, places

    # -- grids: counts ----------------------------------------------------------------------------

    def read_grid(self, book: Book, sheet: Sheet, form: Form, table: Table) -> None:
        found = self.header_row(book, sheet, INSTITUTION_NAMES)
        if found is None:
            return
        h, inst_col = found
        grid = filled(sheet)
        item_col = code_col = None
        for c, value in enumerate(grid[h]):
            if norm(value) in {norm(n) for n in ITEM_NAMES}:
                item_col = c
            elif norm(value) in {norm(n) for n in CODE_NAMES}:
                code_col = c
        first_data = self.first_data_row(sheet, h, table, item_col, code_col)
        header_rows = range(h, first_data)
        columns: dict[int, Any] = {}
        width = max((len(grid[r]) for r in header_rows), default=0)
        for c in range(width):
            if c in (inst_col, item_col, code_col):
                continue
            texts = [grid[r][c] if c < len(grid[r]) else None for r in header_rows]
            label = next(
                (t for t in reversed(texts) if norm(t) and not COLUMN_NUMBERS.match(norm(t))),
                None,
            )
            number = next((norm(t) for t in texts if norm(t) and COLUMN_NUMBERS.match(norm(t))), "")
            line = match_line(label, table.columns) if label is not None else None
            if line is None and label is not None:  # a group heading merged above: 幼儿数 + 合计
                words = [norm(t) for t in texts if norm(t) and not COLUMN_NUMBERS.match(norm(t))]
                joined = "".join(dict.fromkeys(words))
                line = match_line(joined, table.columns)
            if line is None and number:
                line = next((x for x in table.columns if x.code == number), None)
            if line is None:
                if label is not None:
                    self.problem(
                        "unknown_column",
                        f"未知的列,{table.code}应有:{'、'.join(x.label for x in table.columns)}",
                        f"unknown column; table {table.code} has: {', '.join(x.label for x in table.columns)}",
                        book,
                        sheet,
                        h + 1,
                        c,
                        value=label,
                    )
                continue
            if line in columns.values():
                self.problem(
                    "duplicate_column", "重复的列", "duplicate column", book, sheet, h + 1, c, value=label
                )
                continue
            columns[c] = line
        missing = [x for x in table.columns if x not in columns.values()]
        for x in missing:
            self.problem(
                "missing_column",
                f"缺少列“{x.label}”(第{x.code}列)",
                f"column {x.code} {x.label!r} ({x.key}) is missing",
                book,
                sheet,
                h + 1,
                label=x.label,
                key=x.key,
            )
        if missing:
            return
        current = ""
        for r in range(first_data, len(sheet.rows)):
            row = grid[r]
            if is_note(sheet.rows[r]):
                break
            if all(v in (None, "") for v in row):
                continue
            code = norm(row[inst_col]) if inst_col < len(row) else ""
            current = code or current
            line = None
            if code_col is not None and code_col < len(row) and norm(row[code_col]):
                line = next((x for x in table.rows if norm_code(x.code) == norm_code(row[code_col])), None)
                where = code_col
            elif item_col is not None and item_col < len(row):
                line = match_line(row[item_col], table.rows)
                where = item_col
            else:
                where = inst_col
            if line is None:
                codes = "、".join(f"{x.code} {x.label}" for x in table.rows)
                self.problem(
                    "unknown_code",
                    f"未知的行编号,{table.code}的行应为:{codes}",
                    f"unknown row code; the rows of {table.code} are: {codes}",
                    book,
                    sheet,
                    r + 1,
                    where,
                    value=row[where] if where < len(row) else None,
                )
                continue
            if not current:
                self.problem(
                    "required",
                    "缺少学校(机构)标识码",
                    "the institution code is missing",
                    book,
                    sheet,
                    r + 1,
                    inst_col,
                )
                continue
            ret = self.returns.get(current)
            if ret is None:
                ret = self.returns[current] = FiledReturn(current, form)
            if ret.form.key != form.key:
                self.problem(
                    "wrong_form",
                    f"学校(机构) {current} 已作为{ret.form.name_zh}填报",
                    f"institution {current} already reported on the {ret.form.key} form",
                    book,
                    sheet,
                    r + 1,
                    inst_col,
                    value=current,
                )
                continue
            ret.tables.add(table.key)
            for c, col in columns.items():
                key = (table.key, line.key, col.key)
                raw = row[c] if c < len(row) else None
                place = Place(book.file_name, self.sheet_label(book, sheet), r + 1, get_column_letter(c + 1))
                if key in ret.places:
                    self.problem(
                        "duplicate_row",
                        f"第{line.code}行重复(首次见于{ret.places[key]})",
                        f"row {line.code} appears twice for {current} (first at {ret.places[key]})",
                        book,
                        sheet,
                        r + 1,
                        where,
                    )
                    break
                value = count(raw)
                if value is None:
                    self.problem(
                        "not_a_count",
                        "应为非负整数",
                        "expected a whole number, 0 or more",
                        book,
                        sheet,
                        r + 1,
                        c,
                        label=col.label,
                        key=col.key,
                        value=raw,
                    )
                    value = 0
                ret.cells[key] = value
                ret.places[key] = place

    def first_data_row(
        self, sheet: Sheet, h: int, table: Table, item_col: int | None, code_col: int | None
    ) -> int:
        codes = {norm_code(x.code) for x in table.rows}
        for r in range(h + 1, len(sheet.rows)):
            row = sheet.rows[r]
            if code_col is not None and code_col < len(row) and norm_code(row[code_col]) in codes:
                return r
            if item_col is not None and item_col < len(row) and match_line(row[item_col], table.rows):
                return r
        return h + 1

    # -- after every sheet ------------------------------------------------------------------------

    def finish(self) -> None:
        for ret in self.returns.values():
            if not ret.basic:
                if ret.code in self.refused_basic:
                    continue
                place = next(iter(ret.places.values()))
                self.problems.append(
                    Problem(
                        "missing_basic",
                        f"学校(机构) {ret.code} 没有基本情况表({ret.form.basic.code})的记录",
                        f"institution {ret.code} has no row in the basic information table ({ret.form.basic.code})",
                        sheet=place.sheet,
                        row=place.row,
                        letter="A",
                        value=ret.code,
                    )
                )
                continue
            for table in ret.form.grids:
                if table.key not in ret.tables:
                    continue
                form = ret.form if not table.same_as or table.same_as["table"] in ret.tables else None
                for failure in check_table(table, ret.cells, form):
                    at = ret.places.get((table.key, failure.row, failure.column))
                    self.problems.append(
                        Problem(
                            "check_failed",
                            f"{table.code} 第{table.row(failure.row).code}行“{table.column(failure.column).label}”"
                            f"为 {failure.found}:{failure.zh}",
                            f"{table.code} row {table.row(failure.row).code} column "
                            f"{table.column(failure.column).code} is {failure.found}: {failure.en}",
                            sheet=at.sheet if at else "",
                            row=at.row if at else None,
                            column=failure.column,
                            label=table.column(failure.column).label,
                            letter=at.letter if at else "",
                            value=failure.found,
                        )
                    )
        years = {r.basic.get("school_year") for r in self.returns.values() if r.basic}
        if len(years) > 1:
            self.problems.append(
                Problem(
                    "several_years",
                    f"一次导入只能包含一个学年,收到:{'、'.join(sorted(y for y in years if y))}",
                    f"one import holds one school year; found: {', '.join(sorted(y for y in years if y))}",
                )
            )
        self.check_summaries()

    def check_summaries(self) -> None:
        """A ``汇总`` sheet (a division's aggregate) must equal the sum of the institutions."""
        for book, sheet, form, table in self.summaries:
            inner = _Reader(self.edition, self.problems, self.several)
            inner.read_grid(book, sheet, form, table)
            totals: Cells = {}
            for ret in self.returns.values():
                if ret.form.key == form.key:
                    for (t, row, col), v in ret.cells.items():
                        if t == table.key:
                            totals[(t, row, col)] = totals.get((t, row, col), 0) + v
            for agg in inner.returns.values():
                for key, v in agg.cells.items():
                    if totals.get(key, 0) != v:
                        self.problems.append(
                            agg.places[key].problem(
                                "summary_mismatch",
                                f"汇总数 {v} 不等于各学校(机构)之和 {totals.get(key, 0)}",
                                f"the aggregate {v} differs from the sum of the institutions, {totals.get(key, 0)}",
                                column=key[2],
                                value=v,
                            )
                        )


def filled(sheet: Sheet) -> list[list[Any]]:
    """The sheet's rows with every merged block's value copied into all of its cells (the file
    holds it only in the top-left cell)."""
    rows = [list(r) for r in sheet.rows]
    for ref in sheet.merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row is None or min_col is None or max_row is None or max_col is None:
            continue
        top = (
            rows[min_row - 1][min_col - 1]
            if min_row - 1 < len(rows) and min_col - 1 < len(rows[min_row - 1])
            else None
        )
        for r in range(min_row - 1, min(max_row, len(rows))):
            while len(rows[r]) < max_col:
                rows[r].append(None)
            for c in range(min_col - 1, max_col):
                rows[r][c] = top
    return rows


def is_note(row: Sequence[Any]) -> bool:
    first = next((v for v in row if v not in (None, "")), None)
    return isinstance(first, str) and norm(first).startswith(NOTE_STARTS) and not norm(first).isdigit()


def count(raw: Any) -> int | None:
    """A cell as a count: blank is 0 (the forms leave zeros blank); a whole number ≥ 0, else None."""
    if raw in (None, ""):
        return 0
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and raw >= 0 else None
    text = norm(raw).replace(",", "")
    return int(text) if text.isdigit() else None


def read_returns(files: Sequence[tuple[Path, str]], edition: Edition) -> ReadResult:
    """Read every file (path, the name the user gave it) as returns of ``edition``."""
    problems: list[Problem] = []
    reader = _Reader(edition, problems, several=len(files) > 1)
    books = []
    for path, name in files:
        try:
            book = read_book(path, name)
        except FileProblem as exc:
            problems.append(Problem(exc.code, exc.zh, exc.en, sheet=name))
            continue
        books.append(book)
        reader.read(book)
    reader.finish()
    if not reader.returns and not problems:
        problems.append(
            Problem(
                "no_returns",
                "文件中没有可识别的统计报表",
                "the files hold no table of the returns",
                sheet=", ".join(n for _, n in files),
            )
        )
    return ReadResult(reader.returns, problems, books)
