"""The forms' own checks: a total equals the sum of its parts (row totals and column totals, each
way a total is declared), a "其中" figure is at most its whole, and two tables that count the same
thing agree (classes by size = classes by grade). Used when a return is read (a failure refuses it,
with its place) and when one is written (eduplan never writes a return that fails its own checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from .holdings import Cells
from .layout import Form, Table


@dataclass(frozen=True)
class CheckFailure:
    table: Table
    row: str  # row key
    column: str  # column key
    found: int
    expected: int
    zh: str
    en: str


def check_table(table: Table, cells: Cells, form: Form | None = None) -> list[CheckFailure]:
    """Every check of ``table`` on ``cells`` (missing cells count as 0)."""

    def v(row: str, col: str, tkey: str | None = None) -> int:
        return cells.get((tkey or table.key, row, col), 0)

    out: list[CheckFailure] = []
    for row in table.rows:
        for parts in row.total_of:
            for col in table.columns:
                total = sum(v(p, col.key) for p in parts)
                if v(row.key, col.key) != total:
                    names = "+".join(table.row(p).code for p in parts)
                    out.append(
                        CheckFailure(
                            table,
                            row.key,
                            col.key,
                            v(row.key, col.key),
                            total,
                            f"合计行({row.code}){row.label}应等于第{names}行之和 {total}",
                            f"total row {row.code} must equal the sum of rows {names}: {total}",
                        )
                    )
    for col in table.columns:
        for parts in col.total_of:
            for row in table.rows:
                total = sum(v(row.key, p) for p in parts)
                if v(row.key, col.key) != total:
                    names = "+".join(table.column(p).code for p in parts)
                    out.append(
                        CheckFailure(
                            table,
                            row.key,
                            col.key,
                            v(row.key, col.key),
                            total,
                            f"合计列({col.code}){col.label}应等于第{names}列之和 {total}",
                            f"total column {col.code} must equal the sum of columns {names}: {total}",
                        )
                    )
    for part, whole in table.at_most:
        for row in table.rows:
            if v(row.key, part) > v(row.key, whole):
                w = table.column(whole)
                out.append(
                    CheckFailure(
                        table,
                        row.key,
                        part,
                        v(row.key, part),
                        v(row.key, whole),
                        f"不能超过{w.label}(第{w.code}列){v(row.key, whole)}",
                        f"cannot exceed column {w.code} ({v(row.key, whole)})",
                    )
                )
    if table.same_as and form is not None:
        other = form.table(table.same_as["table"])
        theirs, this = table.same_as["column"], table.same_as["this"]
        for line in table.rows:
            expected = v(line.key, theirs, other.key)
            if v(line.key, this) != expected:
                out.append(
                    CheckFailure(
                        table,
                        line.key,
                        this,
                        v(line.key, this),
                        expected,
                        f"应等于{other.code}表同一行的{other.column(theirs).label} {expected}",
                        f"must equal column {other.column(theirs).code} of table {other.code}, same row: {expected}",
                    )
                )
    return out


def check_form(form: Form, cells: Cells) -> list[CheckFailure]:
    out: list[CheckFailure] = []
    for table in form.grids:
        out.extend(check_table(table, cells, form))
    return out
