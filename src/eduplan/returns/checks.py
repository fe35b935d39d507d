"""The forms' own checks: a total equals the sum of its parts (row totals and column totals, each
way a total is declared), a "其中" figure is at most its whole, and two tables that count the same
thing agree (classes by size = classes by grade). Used when a return is read (a failure refuses it,
with its place) and when one is written (eduplan never writes a return that fails its own checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from .holdings import Cells
from .layout import Form, Line, Table


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
    for total, parts, others, by_row in _totals(table):
        for other in others:
            cell = (total.key, other.key) if by_row else (other.key, total.key)
            expected = sum(v(*((p, other.key) if by_row else (other.key, p))) for p in parts)
            if v(*cell) != expected:
                codes = "+".join((table.row(p) if by_row else table.column(p)).code for p in parts)
                what_zh, what_en = ("行", "row") if by_row else ("列", "column")
                out.append(
                    CheckFailure(
                        table,
                        cell[0],
                        cell[1],
                        v(*cell),
                        expected,
                        f"合计{what_zh}({total.code}){total.label}应等于第{codes}{what_zh}之和 {expected}",
                        f"total {what_en} {total.code} must equal the sum of {what_en}s {codes}: {expected}",
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
        peer = form.table(table.same_as["table"])
        theirs, this = table.same_as["column"], table.same_as["this"]
        for line in table.rows:
            expected = v(line.key, theirs, peer.key)
            if v(line.key, this) != expected:
                out.append(
                    CheckFailure(
                        table,
                        line.key,
                        this,
                        v(line.key, this),
                        expected,
                        f"应等于{peer.code}表同一行的{peer.column(theirs).label} {expected}",
                        f"must equal column {peer.column(theirs).code} of table {peer.code}, same row: {expected}",
                    )
                )
    return out


def _totals(table: Table) -> list[tuple[Line, tuple[str, ...], tuple[Line, ...], bool]]:
    """Every declared total: (the total line, its parts, the lines across it, whether it is a row)."""
    rows = [(r, parts, table.columns, True) for r in table.rows for parts in r.total_of]
    return rows + [(c, parts, table.rows, False) for c in table.columns for parts in c.total_of]


def check_form(form: Form, cells: Cells) -> list[CheckFailure]:
    out: list[CheckFailure] = []
    for table in form.grids:
        out.extend(check_table(table, cells, form))
    return out
