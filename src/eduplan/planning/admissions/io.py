"""Reading and checking the admissions CSV files, and writing the result.

File I/O is kept apart from :mod:`.mechanism` so the mechanism can be tested and benchmarked on
arrays alone. Files are read with pyarrow as text columns and checked column by column, so a
province-sized file (1.3 M rows) is read in about a second and every refusal names the file, the row
(as a spreadsheet shows it: the header is row 1) and the column, in Chinese and English.

Files (``docs/admissions.md`` has examples):

- candidates: ``candidate_id, junior_school, score[, tiebreak][, quota_choice], choice_1 … choice_k``
  and optionally ``area``;
- schools: ``school_id, capacity[, quota_share][, area][, ownership][, name]``;
- junior schools (optional): ``junior_school[, area][, weight][, rural][, graduates]``.

CSV files may be UTF-8 (with or without a BOM) or GB18030/GBK, as exported by Chinese spreadsheet
software. Column names are matched case-insensitively and a few Chinese names are accepted.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from eduplan.planning.admissions.errors import MAX_LISTED_PROBLEMS, AdmissionsInputError, cell_problem
from eduplan.planning.admissions.mechanism import BATCH_NAMES, NONE, Instance, Outcome
from eduplan.planning.admissions.settings import AdmissionSettings

#: The header is row 1, so data row i (from 0) is spreadsheet row i + 2.
FIRST_DATA_ROW = 2

#: Chinese column names accepted for the standard ones.
COLUMN_ALIASES = {
    "考生号": "candidate_id",
    "准考证号": "candidate_id",
    "初中学校": "junior_school",
    "毕业学校": "junior_school",
    "成绩": "score",
    "总分": "score",
    "同分排序": "tiebreak",
    "指标到校志愿": "quota_choice",
    "学校代码": "school_id",
    "招生计划": "capacity",
    "指标到校比例": "quota_share",
    "区域": "area",
    "办学性质": "ownership",
    "学校名称": "name",
    "权重": "weight",
    "农村": "rural",
    "毕业生数": "graduates",
}

CHOICE_COLUMN = re.compile(r"^choice_(\d+)$")
_CHINESE_CHOICE = re.compile(r"^志愿(\d+)$")
NUMBER_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$"
INTEGER_ID = re.compile(r"^\d{1,18}$")

PUBLIC_WORDS = {"", "public", "公办", "0"}
PRIVATE_WORDS = {"private", "民办", "1"}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "农村", "rural"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "城镇", "城市", "urban"}

RESULT_COLUMNS = ("candidate_id", "school_id", "batch")


# ---------------------------------------------------------------------------------------------
# Reading a CSV file as text columns


@dataclass
class CsvTable:
    """A CSV file as trimmed text columns, with the name to show in messages."""

    file: str
    columns: dict[str, pa.ChunkedArray]
    rows: int
    line_numbers: NDArray[np.int64] | None = None  # only when blank lines shift rows from lines

    def row_number(self, index: int) -> int:
        """The spreadsheet row of data row ``index`` (0-based)."""
        if self.line_numbers is not None:
            return int(self.line_numbers[index])
        return index + FIRST_DATA_ROW

    def has(self, name: str) -> bool:
        return name in self.columns

    def text(self, name: str) -> pa.ChunkedArray:
        return self.columns[name]


def _canonical(name: str) -> str:
    name = name.strip()
    if name in COLUMN_ALIASES:
        return COLUMN_ALIASES[name]
    chinese_choice = _CHINESE_CHOICE.match(name)
    if chinese_choice:
        return f"choice_{int(chinese_choice.group(1))}"
    return name.lower()


def _blank_line_numbers(raw: bytes, encoding: str) -> NDArray[np.int64] | None:
    """Spreadsheet row of each data row when blank lines sit between rows (pyarrow skips them)."""
    body = raw.rstrip(b"\r\n")
    if b"\n\n" not in body and b"\n\r\n" not in body:
        return None
    lines = body.decode(encoding, errors="replace").split("\n")
    kept = [i + 1 for i, line in enumerate(lines) if line.strip("\r")]
    return np.array(kept[1:], dtype=np.int64)


def read_csv_table(path: str | Path, label: str | None = None) -> CsvTable:
    """Read ``path`` as text columns; refuse a missing, empty or badly formed file in plain words.

    UTF-8 (with or without a BOM) is read as it is; anything pyarrow finds invalid as UTF-8 is read
    again as GB18030 (a superset of GBK), as spreadsheet software in China saves CSV.
    """
    path = Path(path)
    file = label or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AdmissionsInputError(f"{path}: 文件不存在 / file not found") from None
    except IsADirectoryError:
        raise AdmissionsInputError(f"{path}: 是目录, 不是文件 / is a directory, not a file") from None
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    end = raw.find(b"\n", start)
    header_bytes = raw[start : end if end >= 0 else len(raw)]
    encoding = "utf-8"
    try:
        header_text = header_bytes.decode(encoding)
    except UnicodeDecodeError:
        encoding = "gb18030"
        try:
            header_text = header_bytes.decode(encoding)
        except UnicodeDecodeError:
            raise AdmissionsInputError(
                f"{file}: 无法识别的编码 (应为 UTF-8 或 GBK) / unknown text encoding (expected UTF-8 or GBK)"
            ) from None
    if not header_text.strip():
        raise AdmissionsInputError(f"{file}: 文件为空或缺少表头 / the file is empty or has no header row")
    header = next(csv.reader([header_text.rstrip("\r")]))
    names = [_canonical(h) for h in header]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise AdmissionsInputError(
                cell_problem(
                    file, 1, header[i], "表头重复", f"duplicate column (same as column {seen[name] + 1})"
                )
            )
        seen[name] = i
    table = None
    for attempt in (encoding, "gb18030"):
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(raw)[start:]),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=attempt),
                parse_options=pacsv.ParseOptions(newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
                ),
            )
            encoding = attempt
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            message = str(exc)
            if "UTF8" in message and attempt == "utf-8":
                continue  # not UTF-8 after all: try GB18030
            if isinstance(exc, UnicodeDecodeError) or "UTF8" in message:
                raise AdmissionsInputError(
                    f"{file}: 无法识别的编码 (应为 UTF-8 或 GBK) / unknown text encoding (expected UTF-8 or GBK)"
                ) from None
            row = re.search(r"[Rr]ow #?(\d+)", message)
            where = f" (第 {row.group(1)} 行附近 / near row {row.group(1)})" if row else ""
            raise AdmissionsInputError(
                f"{file}: 无法按 CSV 读取{where}, 请检查每行的列数 / cannot be read as CSV{where}: "
                f"check that every row has {len(names)} columns ({message.splitlines()[0]})"
            ) from None
    assert table is not None
    columns = {name: pc.utf8_trim_whitespace(table.column(name)) for name in table.column_names}
    return CsvTable(file, columns, table.num_rows, _blank_line_numbers(raw[start:], encoding))


# ---------------------------------------------------------------------------------------------
# Column checks: each adds located problems to a list instead of stopping at the first


class Problems:
    """Problems found in the input, capped per kind so a systematic error stays readable."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add_rows(
        self,
        table: CsvTable,
        rows: NDArray[np.integer],
        column: str,
        zh: str,
        en: str,
        show_value: bool = True,
    ) -> None:
        """One problem per offending row (the first few), then a count of the rest."""
        rows = np.asarray(rows)
        if not len(rows):
            return
        values = table.text(column) if (show_value and table.has(column)) else None
        for r in rows[:MAX_LISTED_PROBLEMS]:
            value = f" '{values[int(r)].as_py()}'" if values is not None else ""
            self.items.append(
                cell_problem(table.file, table.row_number(int(r)), column, zh + value, en + value)
            )
        if len(rows) > MAX_LISTED_PROBLEMS:
            self.items.append(
                f"{table.file} {column} 列: 共 {len(rows)} 行有此问题 / column {column}: {len(rows)} rows in all"
            )

    def add(self, text: str) -> None:
        self.items.append(text)

    def raise_if_any(self) -> None:
        if self.items:
            raise AdmissionsInputError(self.items)


def _require(table: CsvTable, names: Sequence[str], problems: Problems) -> bool:
    missing = [n for n in names if not table.has(n)]
    for name in missing:
        problems.add(
            f"{table.file}: 缺少 {name} 列 (现有: {', '.join(table.columns)}) / "
            f"missing column {name} (columns found: {', '.join(table.columns)})"
        )
    return not missing


def _empty(col: pa.Array) -> NDArray[np.bool_]:
    return pc.equal(col, "").to_numpy(zero_copy_only=False)


def parse_numbers(
    table: CsvTable,
    column: str,
    problems: Problems,
    *,
    required: bool,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    percent: bool = False,
) -> NDArray[np.float64]:
    """A numeric column as float64 (NaN for empty cells when not required), problems located."""
    col = table.text(column)
    empty = _empty(col)
    if required and empty.any():
        problems.add_rows(
            table, np.flatnonzero(empty), column, "不能为空", "must not be empty", show_value=False
        )
    is_percent = (
        pc.ends_with(col, "%").to_numpy(zero_copy_only=False) if percent else np.zeros(len(col), dtype=bool)
    )
    filled = pc.if_else(pa.array(empty), "nan", pc.replace_substring(col, "%", "") if percent else col)
    try:
        values = pc.cast(filled, pa.float64()).to_numpy(zero_copy_only=False).copy()
    except pa.ArrowInvalid:
        looks_numeric = pc.match_substring_regex(col, NUMBER_PATTERN).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(~looks_numeric & ~empty)
        problems.add_rows(table, bad, column, "不是数字", "not a number")
        return np.full(len(col), np.nan)
    values[is_percent] /= 100.0
    finite = np.isfinite(values)
    problems.add_rows(
        table, np.flatnonzero(~finite & ~empty), column, "不是有限的数字", "not a finite number"
    )
    ok = finite & ~empty
    if integer:
        problems.add_rows(
            table,
            np.flatnonzero(ok & (values != np.rint(values))),
            column,
            "应为整数",
            "must be a whole number",
        )
    if minimum is not None:
        below = np.flatnonzero(ok & (values < minimum))
        if maximum is None:
            problems.add_rows(table, below, column, f"不能小于 {minimum:g}", f"must not be below {minimum:g}")
        else:
            above = np.flatnonzero(ok & (values > maximum))
            outside = np.union1d(below, above)
            problems.add_rows(
                table,
                outside,
                column,
                f"应在 {minimum:g} 到 {maximum:g} 之间",
                f"must be between {minimum:g} and {maximum:g}",
            )
    return values


def parse_ids(table: CsvTable, column: str, problems: Problems) -> tuple[pa.ChunkedArray, NDArray[np.int64]]:
    """An id column: every cell filled and no id twice. Returns the ids and their ranks (ascending).

    Duplicates are found as equal neighbours in sorted order (cheaper than hashing 1.3 M ids).
    """
    col = table.text(column)
    empty = _empty(col)
    problems.add_rows(table, np.flatnonzero(empty), column, "不能为空", "must not be empty", show_value=False)
    by_text = pc.sort_indices(col).to_numpy(zero_copy_only=False)
    if len(by_text) > 1:
        ordered = pc.take(col, pa.array(by_text))
        same = pc.equal(ordered[1:], ordered[:-1]).to_numpy(zero_copy_only=False)
        same &= ~empty[by_text[1:]]
        repeats = np.flatnonzero(same) + 1  # positions in text order of every repeat
        if len(repeats):
            # The first row of each run of equal ids, for "same as row …".
            run_start = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(len(by_text)), 0))
            rows = by_text[repeats]
            firsts = by_text[run_start[repeats]]
            pick = np.argsort(rows, kind="stable")[:MAX_LISTED_PROBLEMS]
            for r, f in zip(rows[pick].tolist(), firsts[pick].tolist(), strict=True):
                value = col[r].as_py()
                problems.add(
                    cell_problem(
                        table.file,
                        table.row_number(r),
                        column,
                        f"编号 '{value}' 重复 (与第 {table.row_number(f)} 行相同)",
                        f"duplicate id '{value}' (same as row {table.row_number(f)})",
                    )
                )
            if len(repeats) > MAX_LISTED_PROBLEMS:
                problems.add(
                    f"{table.file} {column} 列: 共 {len(repeats)} 个重复编号 / {len(repeats)} duplicate ids in all"
                )
    return col, _ranks_from(col, by_text)


def _ranks_from(col: pa.Array | pa.ChunkedArray, by_text: NDArray[np.int64]) -> NDArray[np.int64]:
    """Ranks as :func:`id_ranks` defines them, reusing the text order already computed."""
    n = len(col)
    if n and pc.all(pc.match_substring_regex(col, INTEGER_ID.pattern)).as_py():
        order = np.argsort(pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False), kind="stable")
    else:
        order = by_text
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    return ranks


def id_ranks(ids: pa.Array | Sequence[str]) -> NDArray[np.int64]:
    """Rank of each id, ascending: as numbers when every id is a whole number, else as text."""
    arr = ids if isinstance(ids, pa.Array) else pa.array(list(ids), type=pa.string())
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    numeric = pc.all(pc.match_substring_regex(arr, INTEGER_ID.pattern)).as_py()
    if numeric:
        order = np.argsort(pc.cast(arr, pa.int64()).to_numpy(zero_copy_only=False), kind="stable")
    else:
        order = pc.sort_indices(arr).to_numpy(zero_copy_only=False)
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    return ranks


def sorted_ids(ids: Sequence[str]) -> list[str]:
    """Ids in the order :func:`id_ranks` gives (lower id first)."""
    ranks = id_ranks(list(ids))
    out = [""] * len(ids)
    for value, r in zip(ids, ranks, strict=True):
        out[int(r)] = value
    return out


def lookup(
    table: CsvTable, column: str, known: Sequence[str], problems: Problems, what_zh: str, what_en: str
) -> NDArray[np.int64]:
    """Indices into ``known`` (-1 for an empty cell); unknown values are problems."""
    col = table.text(column)
    found = pc.index_in(col, value_set=pa.array(list(known), type=pa.string()))
    missing = pc.is_null(found).to_numpy(zero_copy_only=False)
    empty = _empty(col)
    problems.add_rows(table, np.flatnonzero(missing & ~empty), column, f"未知{what_zh}", f"unknown {what_en}")
    return pc.fill_null(found, NONE).to_numpy(zero_copy_only=False).astype(np.int64)


def parse_words(
    table: CsvTable,
    column: str,
    problems: Problems,
    true_words: set[str],
    false_words: set[str],
    expected: str,
) -> NDArray[np.bool_]:
    """A yes/no column written in words (公办/民办, 是/否, 1/0 …)."""
    col = pc.utf8_lower(table.text(column))
    is_true = pc.is_in(col, value_set=pa.array(sorted(true_words))).to_numpy(zero_copy_only=False)
    is_false = pc.is_in(col, value_set=pa.array(sorted(false_words))).to_numpy(zero_copy_only=False)
    problems.add_rows(
        table,
        np.flatnonzero(~is_true & ~is_false),
        column,
        f"应为 {expected} 之一",
        f"expected one of {expected}",
    )
    return is_true


# ---------------------------------------------------------------------------------------------
# The three files together


@dataclass
class AdmissionData:
    """An admission read from files: the mechanism's arrays plus the ids to write results with."""

    instance: Instance
    candidate_ids: pa.ChunkedArray
    school_ids: list[str]
    junior_ids: list[str]
    area_ids: list[str]
    school_names: list[str] | None = None
    files: dict[str, str] = field(default_factory=dict)


def _areas(tables: list[tuple[CsvTable, str]]) -> list[str]:
    values: set[str] = set()
    for table, column in tables:
        if table.has(column):
            values.update(v for v in pc.unique(table.text(column)).to_pylist() if v)
    return sorted(values)


def _area_index(table: CsvTable, areas: list[str]) -> NDArray[np.int64] | None:
    if not table.has("area"):
        return None
    found = pc.index_in(table.text("area"), value_set=pa.array(areas, type=pa.string()))
    return pc.fill_null(found, NONE).to_numpy(zero_copy_only=False).astype(np.int64)


def choice_columns(table: CsvTable, problems: Problems) -> list[str]:
    """``choice_1 … choice_k`` in order; a gap in the numbering is a problem."""
    numbered = sorted(
        (int(mt.group(1)), name) for name in table.columns if (mt := CHOICE_COLUMN.match(name)) is not None
    )
    if not numbered:
        problems.add(
            f"{table.file}: 缺少志愿列 choice_1 … choice_k / missing the choice columns choice_1 … choice_k"
        )
        return []
    for expected, (number, _) in enumerate(numbered, start=1):
        if number != expected:
            problems.add(
                f"{table.file}: 志愿列应从 choice_1 连续编号, 缺少 choice_{expected} / "
                f"choice columns must be numbered from choice_1 without gaps: choice_{expected} is missing"
            )
            break
    return [name for _, name in numbered]


def load_admission(
    candidates: str | Path,
    schools: str | Path,
    junior_schools: str | Path | None = None,
    settings: AdmissionSettings | None = None,
) -> AdmissionData:
    """Read and check the files; refuse bad input with every located problem (inputs)."""
    settings = settings or AdmissionSettings()
    sch = read_csv_table(schools)
    cand = read_csv_table(candidates)
    jun = read_csv_table(junior_schools) if junior_schools is not None else None
    if sch.file == cand.file:
        sch.file, cand.file = str(schools), str(candidates)

    problems = Problems()
    # Schools.
    if not _require(sch, ["school_id", "capacity"], problems):
        problems.raise_if_any()
    school_col, _ = parse_ids(sch, "school_id", problems)
    school_ids = school_col.to_pylist()
    capacity = parse_numbers(sch, "capacity", problems, required=True, integer=True, minimum=0)
    if sch.has("quota_share"):
        share = parse_numbers(
            sch, "quota_share", problems, required=False, minimum=0, maximum=1, percent=True
        )
        share = np.where(np.isnan(share), settings.default_quota_share, share)
    else:
        share = np.full(sch.rows, settings.default_quota_share)
    index_of_school = {s: i for i, s in enumerate(school_ids)}
    for school, value in settings.quota_share.items():
        if school not in index_of_school:
            problems.add(
                f"设置 quota_share.{school}: {sch.file} 中没有此学校 / "
                f"setting quota_share.{school}: no such school in {sch.file}"
            )
        else:
            share[index_of_school[school]] = value
    private = None
    if sch.has("ownership"):
        private = parse_words(
            sch, "ownership", problems, PRIVATE_WORDS, PUBLIC_WORDS, "public/private/公办/民办"
        )
    names = sch.text("name").to_pylist() if sch.has("name") else None

    # Junior schools.
    junior_ids: list[str]
    j_table_index: NDArray[np.int64] | None = None
    if jun is not None:
        if _require(jun, ["junior_school"], problems):
            jun_col, _ = parse_ids(jun, "junior_school", problems)
            listed = jun_col.to_pylist()
            junior_ids = sorted_ids([j for j in dict.fromkeys(listed) if j])
            pos = {j: i for i, j in enumerate(junior_ids)}
            j_table_index = np.array([pos.get(j, NONE) for j in listed], dtype=np.int64)
        else:
            junior_ids = []
    # Candidates.
    if not _require(cand, ["candidate_id", "score"], problems):
        problems.raise_if_any()
    cand_ids, cand_rank = parse_ids(cand, "candidate_id", problems)
    score = parse_numbers(cand, "score", problems, required=True)
    tiebreak = parse_numbers(cand, "tiebreak", problems, required=False) if cand.has("tiebreak") else None
    if jun is None:
        if cand.has("junior_school"):
            junior_ids = sorted_ids([j for j in pc.unique(cand.text("junior_school")).to_pylist() if j])
        else:
            junior_ids = []
    junior = (
        lookup(
            cand,
            "junior_school",
            junior_ids,
            problems,
            "初中学校 (不在初中学校表中)",
            "junior school (not in the junior schools file)",
        )
        if cand.has("junior_school")
        else None
    )
    quota_choice = (
        lookup(cand, "quota_choice", school_ids, problems, "学校", "school")
        if cand.has("quota_choice")
        else None
    )
    cols = choice_columns(cand, problems)
    k = len(cols)
    dtype = np.int16 if len(school_ids) < np.iinfo(np.int16).max else np.int32
    choices = np.full((cand.rows, k), NONE, dtype=dtype)
    for c, name in enumerate(cols):
        choices[:, c] = lookup(cand, name, school_ids, problems, "学校", "school")

    # Areas: one index space for schools, junior schools and candidates.
    area_tables = [(sch, "area"), (cand, "area")] + ([(jun, "area")] if jun is not None else [])
    area_ids = _areas(area_tables)
    school_area = _area_index(sch, area_ids)
    candidate_area = _area_index(cand, area_ids)
    junior_area = junior_weight = junior_rural = junior_graduates = None
    if jun is not None and j_table_index is not None:
        n_j = len(junior_ids)

        def by_junior(values: NDArray[Any], fill: Any) -> NDArray[Any]:
            out = np.full(n_j, fill, dtype=values.dtype)
            ok = j_table_index >= 0
            out[j_table_index[ok]] = values[ok]
            return out

        ja = _area_index(jun, area_ids)
        junior_area = by_junior(ja, NONE) if ja is not None else None
        if jun.has("weight"):
            w = parse_numbers(jun, "weight", problems, required=False, minimum=0)
            junior_weight = by_junior(np.where(np.isnan(w), 1.0, w), 1.0)
        if jun.has("rural"):
            junior_rural = by_junior(
                parse_words(jun, "rural", problems, TRUE_WORDS, FALSE_WORDS, "1/0/是/否"), False
            )
        if jun.has("graduates"):
            g = parse_numbers(jun, "graduates", problems, required=False, integer=True, minimum=0)
            if np.isnan(g).any() and not np.isnan(g).all():
                problems.add_rows(
                    jun,
                    np.flatnonzero(np.isnan(g)),
                    "graduates",
                    "填了部分学校的毕业生数, 此处为空",
                    "graduates given for some junior schools but empty here",
                    show_value=False,
                )
            if not np.isnan(g).all():
                junior_graduates = by_junior(np.nan_to_num(g), 0.0)
    problems.raise_if_any()

    instance = Instance(
        score=score,
        choices=choices,
        capacity=capacity.astype(np.int64),
        tiebreak=tiebreak,
        id_rank=cand_rank,
        junior=junior,
        quota_choice=quota_choice,
        quota_share=share,
        private=private,
        school_area=school_area,
        candidate_area=candidate_area if candidate_area is not None and (candidate_area >= 0).any() else None,
        junior_area=junior_area,
        junior_weight=junior_weight,
        junior_rural=junior_rural,
        junior_graduates=junior_graduates,
        n_juniors=len(junior_ids),
    )
    files = {"candidates": str(candidates), "schools": str(schools)}
    if junior_schools is not None:
        files["junior_schools"] = str(junior_schools)
    return AdmissionData(instance, cand_ids, school_ids, junior_ids, area_ids, names, files)


# ---------------------------------------------------------------------------------------------
# The result


def result_records(data: AdmissionData, outcome: Outcome) -> Iterator[dict[str, str]]:
    """One record per candidate, in input order: candidate_id, school_id, batch."""
    schools = [*data.school_ids, ""]  # index -1 is the trailing "" (unplaced)
    ids = data.candidate_ids.to_pylist()
    for cid, s, b in zip(ids, outcome.school.tolist(), outcome.batch.tolist(), strict=True):
        yield {"candidate_id": cid, "school_id": schools[s], "batch": BATCH_NAMES[b]}


def write_result(path: str | Path, data: AdmissionData, outcome: Outcome) -> None:
    """The result CSV (through :func:`eduplan.output.write_records`, like every other table)."""
    from eduplan.output import write_records

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_records(result_records(data, outcome), "csv", path, columns=RESULT_COLUMNS)
