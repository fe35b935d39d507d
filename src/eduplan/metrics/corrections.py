"""Late corrections to school years already reported (ARCHITECTURE.md, "time").

A school year counts as *reported* once a notice (通报) covering it has been issued: a notice of a
month from the year's census day on. An attribute change (``registry.models.states``) whose
effective date falls in a reported school year but that was recorded after that year's first
notice changes figures already published: it is a *correction*, shown with who, when and why on
that year's figures and in the next notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from eduplan.registry.models import InstitutionState
from eduplan.registry.models.states import TRACKED

from .params import MeasureParams, load_params


@dataclass(frozen=True)
class Correction:
    """One late change to a reported school year."""

    school_year: int
    institution_code: str
    institution_name: str
    county_code: str
    effective_from: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    reason: str
    fields: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "school_year": self.school_year,
            "institution": self.institution_code,
            "institution_name": self.institution_name,
            "county": self.county_code,
            "effective_from": self.effective_from.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "reason": self.reason,
            "fields": list(self.fields),
        }


def school_year_of(day: dt.date, p: MeasureParams) -> int:
    """The school year a day falls in (it starts on the census day)."""
    start = dt.date(day.year, p.school_year_start.month, p.school_year_start.day)
    return day.year if day >= start else day.year - 1


#: The issued notices (supervision's, registered at start-up by ``SupervisionConfig.ready``, as
#: metrics may not import the apps above it): ``fn()`` → ``(city code, month, issued at)`` each.
IssuedNotices = Callable[[], Iterable[tuple[str, dt.date, dt.datetime]]]
_notices: IssuedNotices | None = None


def register_notice_source(fn: IssuedNotices) -> None:
    global _notices
    _notices = fn


def issued_notices() -> list[tuple[str, dt.date, dt.datetime]]:
    """Every issued notice, oldest first; no registered source is a configuration error."""
    if _notices is None:
        raise ImproperlyConfigured(
            "没有登记通报来源(督导模块未加载)/ no notice source is registered: "
            "SupervisionConfig.ready registers supervision's issued notices"
        )
    return sorted(_notices(), key=lambda n: n[2])


def first_reported(p: MeasureParams) -> dict[int, dt.datetime]:
    """School year → when its first covering notice was issued."""
    out: dict[int, dt.datetime] = {}
    for _city, period, issued in issued_notices():
        out.setdefault(school_year_of(period, p), issued)
    return out


def corrections(year: int | None = None, *, params: MeasureParams | None = None) -> list[Correction]:
    """Attribute changes recorded after the first notice of the school year they take effect in
    (of ``year`` only, if given), oldest first."""
    p = params or load_params()
    reported = first_reported(p)
    if not reported:
        return []
    out = []
    rows = InstitutionState.objects.select_related("institution__county", "recorded_by").order_by(
        "recorded_at", "id"
    )
    for row in rows:
        sy = school_year_of(row.effective_from, p)
        issued = reported.get(sy)
        if issued is None or row.recorded_at <= issued or (year is not None and sy != year):
            continue
        before = (
            InstitutionState.objects.filter(
                institution_id=row.institution_id, effective_from__lte=row.effective_from
            )
            .exclude(pk=row.pk)
            .filter(recorded_at__lte=row.recorded_at)
            .order_by("-effective_from", "-id")
            .first()
        )
        changed = tuple(n for n in TRACKED if before is None or getattr(before, n) != getattr(row, n))
        inst = row.institution
        out.append(
            Correction(
                school_year=sy,
                institution_code=inst.code,
                institution_name=inst.name,
                county_code=inst.county.code,
                effective_from=row.effective_from,
                recorded_at=row.recorded_at,
                recorded_by=row.recorded_by.get_username() if row.recorded_by else "",
                reason=row.reason,
                fields=changed,
            )
        )
    return out
