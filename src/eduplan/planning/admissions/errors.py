"""The one error type a user of the admissions tools can cause, with a message they can act on.

STYLE: errors a user can cause name the file, row and column, in Chinese and English, and are never
shown as a traceback; the management command turns this exception into a plain message.
"""

from __future__ import annotations

from collections.abc import Sequence

#: How many problems one error message lists before summarising the rest as a count.
MAX_LISTED_PROBLEMS = 20


class AdmissionsInputError(ValueError):
    """Bad input (a CSV cell, a settings key): the message says where and what was expected."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:MAX_LISTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        text = "\n".join(shown)
        if more > 0:
            text += f"\n……另有 {more} 处问题 / … and {more} more problems"
        super().__init__(text)


def cell_problem(file: str, row: int | None, column: str | None, zh: str, en: str) -> str:
    """One problem in a file, located as a spreadsheet user sees it (the header is row 1)."""
    where_zh = file
    where_en = file
    if row is not None:
        where_zh += f" 第 {row} 行"
        where_en += f" row {row}"
    if column is not None:
        where_zh += f" {column} 列"
        where_en += f", column {column}"
    return f"{where_zh}: {zh} / {where_en}: {en}"
