"""Parts of the supervision notice (通报) that other domains write — overdue plan tasks, the
counties the plan rewards — registered at start-up from their ``AppConfig.ready``.

The notice names the parts it prints, in annex order, by key; a part it names that no app has
registered is a start-up error raised when the notice is built, never an annex silently missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class NoticePart(Protocol):
    """A module (or object) writing one part of the notice."""

    KEY: str  #: its entry in ``NoticeData.parts``
    SECTION: int  #: the heading its paragraph goes under
    ANNEX_TITLE: str
    HEADERS: list[str]
    SHEET: str

    def collect(self, city: Any, as_of: dt.date, records: Any = None) -> list[dict[str, Any]]: ...

    def paragraph(self, rows: list[dict[str, Any]], annex: str) -> str: ...

    def cells(self, row: dict[str, Any]) -> list[str]: ...


_PARTS: dict[str, NoticePart] = {}
_LATER: dict[str, Callable[[], NoticePart]] = {}


def register_notice_part(part: NoticePart) -> None:
    """Offer ``part`` to the notice under its ``KEY``; a second, different part under the same key
    is refused."""
    known = _PARTS.get(part.KEY)
    if known is not None and known is not part:
        raise ImproperlyConfigured(f"notice part {part.KEY!r} is registered twice ({known!r}, {part!r})")
    _PARTS[part.KEY] = part


def register_notice_part_later(key: str, load: Callable[[], NoticePart]) -> None:
    """Offer the part ``load()`` returns under ``key``, loaded when a notice is first built (a
    part's module may need the plan loader or the metrics; light commands should not load them)."""
    _LATER[key] = load


def registered_notice_parts(keys: Sequence[str]) -> list[NoticePart]:
    """The parts named by ``keys``, in that order; fails loudly naming any not registered."""
    for key in [k for k in keys if k not in _PARTS and k in _LATER]:
        part = _LATER[key]()
        if key != part.KEY:
            raise ImproperlyConfigured(f"notice part registered as {key!r} has the key {part.KEY!r}")
        register_notice_part(part)
    missing = [k for k in keys if k not in _PARTS]
    if missing:
        raise ImproperlyConfigured(
            f"通报附表未登记 / notice parts not registered: {', '.join(missing)} "
            "(each is registered by its app's AppConfig.ready)"
        )
    return [_PARTS[k] for k in keys]
