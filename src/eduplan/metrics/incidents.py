"""The ban in the 普及普惠 readiness: a county with a major safety accident, major
case or serious teacher-ethics problem may not apply for certification for two years
(``[assessment] incident_ban_years``).

Incidents belong to the supervision work; the readiness only asks which counties are barred on a
day. The source is, in order: one set with :func:`set_incident_source` (tests pass a fake); the one
registered at start-up with :func:`register_incident_source` (``SupervisionConfig.ready`` registers
``supervision.incidents.banned_counties``: county code → first day it may apply again). With
neither, computing the readiness fails loudly instead of silently barring no county.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from eduplan.plans import standards


class IncidentSource(Protocol):
    def banned_counties(self, on: dt.date) -> Mapping[str, dt.date]:
        """County code → the first day it may apply again, for counties barred on ``on``."""
        ...


@dataclass(frozen=True)
class Incident:
    """A major incident in a county (division code), on a day."""

    county: str
    occurred_on: dt.date
    kind: str = ""


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class IncidentList:
    """An incident source over a plain list (for tests, imports and engines without Django)."""

    incidents: Sequence[Incident]
    years: int | None = None

    def banned_counties(self, on: dt.date) -> dict[str, dt.date]:
        years = self.years if self.years is not None else ban_years()
        out: dict[str, dt.date] = {}
        for i in self.incidents:
            until = add_years(i.occurred_on, years)
            if i.occurred_on <= on < until and until > out.get(i.county, dt.date.min):
                out[i.county] = until
        return out


NO_INCIDENTS = IncidentList(())

_override: IncidentSource | None = None
_registered: IncidentSource | None = None


def set_incident_source(source: IncidentSource | None) -> None:
    """Use ``source`` for the ban instead of the registered one (``None``: back to it)."""
    global _override
    _override = source


def register_incident_source(fn: Callable[[dt.date], Mapping[str, dt.date]]) -> None:
    """The start-up provider of the ban: ``fn(on)`` → county code → first day it may apply again."""
    global _registered
    _registered = _FunctionSource(fn)


@dataclass(frozen=True)
class _FunctionSource:
    fn: Callable[[dt.date], Mapping[str, dt.date]]

    def banned_counties(self, on: dt.date) -> Mapping[str, dt.date]:
        return self.fn(on)


def incident_source() -> IncidentSource:
    """The override, else the registered provider; neither is a configuration error."""
    if _override is not None:
        return _override
    if _registered is None:
        raise ImproperlyConfigured(
            "没有登记重大事故来源(督导模块未加载)/ no incident source is registered: "
            "SupervisionConfig.ready registers supervision.incidents.banned_counties"
        )
    return _registered


def ban_years() -> int:
    return int(standards.value("assessment", "incident_ban_years"))
