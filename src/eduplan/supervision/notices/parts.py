"""The notice's parts that other apps write (附表4 onwards): the one place that knows where they are.

Each app registers its part from ``AppConfig.ready`` (``eduplan.common.noticeparts.NoticePart``:
``KEY``, ``SECTION``, ``ANNEX_TITLE``, ``HEADERS``, ``SHEET``, ``collect``, ``paragraph``,
``cells``); the notice asks for them here, by key, in annex order, and a part named but not
registered fails loudly.
"""

from __future__ import annotations

from eduplan.common.noticeparts import NoticePart, registered_notice_parts

#: Parts of the notice that other apps write, by ``KEY``, in annex order from 附表4. The xlsx gets
#: every row's own fields, unrounded.
NOTICE_PARTS = ("overdue_tasks", "incentives", "assumptions", "corrections")


def notice_parts() -> list[NoticePart]:
    return registered_notice_parts(NOTICE_PARTS)
