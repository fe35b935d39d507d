"""Monthly notices (通报, 月报制和通报制; 通报批评): a Word document in the usual
government layout (GB/T 9704-2012: red header with the issuing bureau, document number, title,
addressee, numbered sections, signature and date) listing each county's progress on each target,
its reporting timeliness, overdue rectifications and the counties criticised by a stated rule,
with an annex of tables and a chart; and an xlsx with the same numbers.

The builder is a pure function of :class:`NoticeData` (``build_notice_docx``,
``build_notice_xlsx``); :func:`collect_notice_data` assembles the data from the database and the
indicator engine. The numbers printed are the indicator records' own values, formatted once by
:func:`format_value`, so the notice and the engine cannot disagree.

The package: :mod:`.collect` gathers the figures, :mod:`.word` and :mod:`.excel` render them,
:mod:`.actions` writes and issues; :mod:`.criticism` holds the criticism rule, :mod:`.text` the
formatting, :mod:`.parts` where the other apps' parts are found. The public names stay importable
from ``eduplan.supervision.notices``.
"""

from __future__ import annotations

from .actions import _user_city, issue_monthly_notice, notices_for, write_notice
from .collect import (
    collect_notice_data,
    default_city,
    indicator_records_for,
    next_notice_number,
    school_year_of,
)
from .criticism import city_references, criticised_counties, criticism_rule_text
from .data import NoticeData, NoticeError, chart_series
from .excel import build_notice_xlsx
from .parts import NOTICE_PARTS, notice_parts
from .text import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NUMERALS,
    STATUS_LABELS,
    date_zh,
    format_target,
    format_value,
    zh_punct,
)
from .word import FONT_ALTERNATES, build_notice_docx, indicator_matrix, notice_bytes

__all__ = [
    "FONT_ALTERNATES",
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "NOTICE_PARTS",
    "NUMERALS",
    "STATUS_LABELS",
    "NoticeData",
    "NoticeError",
    "_user_city",
    "build_notice_docx",
    "build_notice_xlsx",
    "chart_series",
    "city_references",
    "collect_notice_data",
    "criticised_counties",
    "criticism_rule_text",
    "date_zh",
    "default_city",
    "format_target",
    "format_value",
    "indicator_matrix",
    "indicator_records_for",
    "issue_monthly_notice",
    "next_notice_number",
    "notice_bytes",
    "notice_parts",
    "notices_for",
    "school_year_of",
    "write_notice",
    "zh_punct",
]
