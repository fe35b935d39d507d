"""The ban in the 普及普惠 readiness: a county with a major safety accident, major
case or serious teacher-ethics problem may not apply for certification for two years
(``[assessment] incident_ban_years``).

Incidents belong to the supervision work; the readiness only asks, through a hook, which counties
are barred on a day. The source is, in order: one set with :func:`set_incident_source` (tests pass
a fake); the module ``eduplan.supervision.incidents`` when it defines ``banned_counties(on)``
(county code → first day it may apply again); otherwise none, and no county is barred.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from eduplan.plans import standards

SUPERVISION_MODULE = "eduplan.supervision.incidents"


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

_registered: IncidentSource | None = None


def set_incident_source(source: IncidentSource | None) -> None:
    """Use ``source`` for the ban (``None``: back to discovery)."""
    global _registered
    _registered = source


@dataclass(frozen=True)
class _FunctionSource:
    fn: Callable[[dt.date], Mapping[str, dt.date]]

    def banned_counties(self, on: dt.date) -> Mapping[str, dt.date]:
        return self.fn(on)


def incident_source() -> IncidentSource:
    if _registered is not None:
        return _registered
    try:
        module = importlib.import_module(SUPERVISION_MODULE)
    except ModuleNotFoundError:
        return NO_INCIDENTS
    fn = getattr(module, "banned_counties", None)
    return _FunctionSource(fn) if callable(fn) else NO_INCIDENTS


def ban_years() -> int:
    return int(standards.value("assessment", "incident_ban_years"))
