"""The notice's parts that other apps write (附表4 onwards): the one place that knows where they are.

Kept apart from collecting and rendering so that how parts are found (today module names
imported late, because those apps import supervision) can change in one small place.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Parts of the notice that other apps write (imported late: they import supervision), in annex
#: order from 附表4. Each module has ``KEY`` (its entry in ``NoticeData.parts``), ``SECTION`` (the
#: heading its paragraph goes under), ``ANNEX_TITLE``, ``HEADERS`` and ``SHEET``, and functions
#: ``collect(city, as_of, records) -> rows``, ``paragraph(rows, annex) -> str`` and
#: ``cells(row) -> list[str]``. The xlsx gets every row's own fields, unrounded.
NOTICE_PARTS = ("eduplan.tasks.notice", "eduplan.programmes.notice")


def notice_parts() -> list[Any]:
    return [importlib.import_module(name) for name in NOTICE_PARTS]
