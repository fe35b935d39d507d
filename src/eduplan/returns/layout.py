"""The layout of one edition of the returns, read from ``layouts/<edition>.toml``.

Each edition of 基础教育学校(机构)统计报表 is a data file: its forms (kindergarten, general high
school), their tables, and each table's rows and columns with the form's own codes and labels, plus
the forms' own checks (a total equals the sum of its parts). The code here only reads such a file,
so a new edition is a new file. Keys are eduplan's stable names for the statistics' cuts; codes and
labels are the edition's own.

Header and code lookup is tolerant: full-width characters, spaces, colons and trailing notes
("3岁以下(注1)", "幼儿数合计(人)") do not stop a label from being recognised.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAYOUT_DIR = Path(__file__).parent / "layouts"

_NOTE = re.compile(r"(注\d*|说明|\*+|[①②③④⑤⑥⑦⑧⑨]|\(人\)|\(个\)|\(单位[^)]*\)|\(注[^)]*\))+$")
_DROP = re.compile(r"[\s:：、·]")


def norm(text: Any) -> str:
    """A label or code as compared: NFKC (full-width → half-width), no spaces or colons, no
    trailing notes."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = _DROP.sub("", s)
    previous = None
    while previous != s:
        previous = s
        s = _NOTE.sub("", s)
    return s


def norm_code(value: Any) -> str:
    """A row code as compared: ``1``, ``1.0``, ``"01"`` and ``"０１"`` are all ``"01"``."""
    s = norm(value)
    return s.zfill(2) if s.isdigit() else s


class LayoutError(ValueError):
    """No layout for the requested edition, or a layout file that does not hold together."""


@dataclass(frozen=True)
class Line:
    """A row or a column of a grid table."""

    key: str
    code: str
    label: str
    aliases: tuple[str, ...] = ()
    total_of: tuple[tuple[str, ...], ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(norm(n) for n in (self.label, *self.aliases))


@dataclass(frozen=True)
class Field:
    """A field of a records table (basic information), with its coded values."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    codes: dict[str, str] = field(default_factory=dict)

    def names(self) -> tuple[str, ...]:
        return tuple(norm(n) for n in (self.label, *self.aliases))

    def decode(self, raw: Any) -> str | None:
        """The key a coded cell stands for (by code or by label), ``None`` if unknown."""
        text = norm_code(raw) if self.codes else norm(raw)
        if not self.codes:
            return text
        for code, value in self.codes.items():
            if norm_code(code) == text or norm(code) == norm(raw):
                return value
        return None

    def encode(self, value: str) -> str:
        """The first code (the numeric one, by the file's order) of a key."""
        for code, key in self.codes.items():
            if key == value:
                return code
        return value


@dataclass(frozen=True)
class Table:
    form: str
    key: str
    code: str
    title: str
    layout: str  # "records" or "grid"
    fields: tuple[Field, ...] = ()
    rows: tuple[Line, ...] = ()
    columns: tuple[Line, ...] = ()
    at_most: tuple[tuple[str, str], ...] = ()
    same_as: dict[str, str] = field(default_factory=dict)

    @property
    def sheet_title(self) -> str:
        return f"{FORM_WORDS.get(self.form, self.form)} {self.code} {self.title}"[:31]

    def row(self, key: str) -> Line:
        return next(r for r in self.rows if r.key == key)

    def column(self, key: str) -> Line:
        return next(c for c in self.columns if c.key == key)

    def detail_rows(self) -> tuple[Line, ...]:
        return tuple(r for r in self.rows if not r.total_of)

    def detail_columns(self) -> tuple[Line, ...]:
        return tuple(c for c in self.columns if not c.total_of)


FORM_WORDS = {"kindergarten": "幼儿园", "high_school": "普通高中"}


@dataclass(frozen=True)
class Form:
    key: str
    name_zh: str
    kinds: tuple[str, ...]
    sheet_words: tuple[str, ...]
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def grids(self) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if t.layout == "grid")

    @property
    def basic(self) -> Table:
        return next(t for t in self.tables if t.layout == "records")


@dataclass(frozen=True)
class Edition:
    edition: int
    name_zh: str
    census_month: int
    census_day: int
    forms: tuple[Form, ...]
    path: Path

    def census(self, school_year: int) -> dt.date:
        return dt.date(school_year, self.census_month, self.census_day)

    def form(self, key: str) -> Form:
        return next(f for f in self.forms if f.key == key)

    def form_of_kind(self, kind: str) -> Form | None:
        return next((f for f in self.forms if kind in f.kinds), None)


def _line(spec: dict[str, Any]) -> Line:
    return Line(
        key=spec["key"],
        code=str(spec["code"]),
        label=spec["label"],
        aliases=tuple(spec.get("aliases", ())),
        total_of=tuple(tuple(parts) for parts in spec.get("total_of", ())),
    )


def _table(form: str, spec: dict[str, Any]) -> Table:
    return Table(
        form=form,
        key=spec["key"],
        code=spec["code"],
        title=spec["title"],
        layout=spec["layout"],
        fields=tuple(
            Field(
                key=f["key"],
                label=f["label"],
                aliases=tuple(f.get("aliases", ())),
                required=bool(f.get("required", False)),
                codes={str(k): str(v) for k, v in f.get("codes", {}).items()},
            )
            for f in spec.get("fields", ())
        ),
        rows=tuple(_line(r) for r in spec.get("rows", ())),
        columns=tuple(_line(c) for c in spec.get("columns", ())),
        at_most=tuple((a, b) for a, b in spec.get("at_most", ())),
        same_as=dict(spec.get("same_as", {})),
    )


def _check(edition: Edition) -> None:
    """A layout whose totals name parts it does not have is a broken file, said at load time."""
    for form in edition.forms:
        for table in form.grids:
            rows = {r.key for r in table.rows}
            cols = {c.key for c in table.columns}
            for line, known in [(r, rows) for r in table.rows] + [(c, cols) for c in table.columns]:
                for parts in line.total_of:
                    unknown = set(parts) - known
                    if unknown:
                        raise LayoutError(
                            f"{edition.path.name}: {table.code} {line.key}: unknown parts {unknown}"
                        )


@functools.cache
def load_edition(edition: int | None = None) -> Edition:
    """The layout of ``edition`` (a year), or the newest edition when none is given."""
    available = editions()
    if not available:
        raise LayoutError(f"没有报表版式文件 / no layout files in {LAYOUT_DIR}")
    year = edition if edition is not None else max(available)
    if year not in available:
        raise LayoutError(
            f"没有 {year} 年版报表版式(现有:{', '.join(map(str, sorted(available)))}) / "
            f"no layout for edition {year} (available: {', '.join(map(str, sorted(available)))})"
        )
    path = available[year]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    result = Edition(
        edition=int(data["edition"]),
        name_zh=data["name_zh"],
        census_month=int(data.get("census_month", 9)),
        census_day=int(data.get("census_day", 1)),
        forms=tuple(
            Form(
                key=f["key"],
                name_zh=f["name_zh"],
                kinds=tuple(f["kinds"]),
                sheet_words=tuple(f.get("sheet_words", ())),
                tables=tuple(_table(f["key"], t) for t in f["tables"]),
            )
            for f in data["forms"]
        ),
        path=path,
    )
    _check(result)
    return result


def editions() -> dict[int, Path]:
    """Every edition with a layout file, by year."""
    out = {}
    for path in LAYOUT_DIR.glob("*.toml"):
        if path.stem.isdigit():
            out[int(path.stem)] = path
    return out


def match_line(text: Any, lines: tuple[Line, ...] | tuple[Field, ...]) -> Any:
    """The row, column or field a header or label names: an exact name first, then the longest name
    the text starts with (a trailing note left over)."""
    t = norm(text)
    if not t:
        return None
    for line in lines:
        if t in line.names():
            return line
    best, length = None, 0
    for line in lines:
        for name in line.names():
            if name and t.startswith(name) and len(name) > length:
                best, length = line, len(name)
    return best
