"""Rotation training coverage: the share of staff on track to complete the cycle's hours.

Every teacher is to complete ``[workforce] cycle_hours_min`` hours of training in each cycle of
``cycle_years`` years (``cycle_first_year`` starts the first cycle). Coverage is judged at the end
of the last completed calendar year (``judged_on``): a staff member in post then is *on track* when
the hours of their training records in the cycle so far reach the cycle's hours pro-rated over the
cycle's completed years they spent in post (a year counts when they were in post on 1 January), so
at the end of a cycle "on track" means the full hours. Staff who have no completed year in the
cycle yet (new this year) are not counted. The roles covered are ``training_roles``.

Everything is read through the one scoping function when a user is given.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from eduplan.accounts.scoping import User, scope
from eduplan.plans import standards
from eduplan.registry.models import StaffMember

from .models import TrainingRecord


@dataclass(frozen=True)
class Cycle:
    first_year: int
    last_year: int
    judged_on: dt.date

    @property
    def label(self) -> str:
        return f"{self.first_year}–{self.last_year}"

    @property
    def judged_year(self) -> int:
        return self.judged_on.year


def settings() -> dict[str, Any]:
    return {
        "cycle_years": int(standards.value("workforce", "cycle_years")),
        "cycle_hours_min": Decimal(str(standards.value("workforce", "cycle_hours_min"))),
        "cycle_first_year": int(standards.value("workforce", "cycle_first_year")),
        "training_roles": list(standards.value("workforce", "training_roles")),
        "coverage_min": Decimal(str(standards.value("workforce", "coverage_min"))),
    }


def judged_on(as_of: dt.date) -> dt.date:
    """The end of the last calendar year completed on ``as_of`` (``as_of`` itself on 31 December)."""
    if (as_of.month, as_of.day) == (12, 31):
        return as_of
    return dt.date(as_of.year - 1, 12, 31)


def cycle_for(as_of: dt.date) -> Cycle:
    s = settings()
    day = judged_on(as_of)
    years, first = s["cycle_years"], s["cycle_first_year"]
    start = first + ((day.year - first) // years) * years
    return Cycle(start, start + years - 1, day)


def required_hours(start_date: dt.date, cycle: Cycle) -> Decimal:
    """The hours a staff member who took up post on ``start_date`` should have by ``judged_on``."""
    s = settings()
    years = sum(1 for y in range(cycle.first_year, cycle.judged_year + 1) if start_date <= dt.date(y, 1, 1))
    return (s["cycle_hours_min"] * years / s["cycle_years"]).quantize(Decimal("0.1"))


@dataclass
class Tally:
    """Coverage of one institution or county: staff judged, on track, and the rate (%)."""

    code: str
    name: str
    county_code: str = ""
    county_name: str = ""
    staff: int = 0
    on_track: int = 0
    complete: int = 0  # staff with the cycle's full hours already
    hours: Decimal = Decimal(0)
    lagging: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        if not self.staff:
            return None
        return (Decimal(self.on_track) * 100 / self.staff).quantize(Decimal("0.1"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "county_code": self.county_code,
            "county_name": self.county_name,
            "staff": self.staff,
            "on_track": self.on_track,
            "complete": self.complete,
            "hours": self.hours,
            "rate": self.rate,
        }


@dataclass
class Coverage:
    cycle: Cycle
    institutions: list[Tally]
    counties: list[Tally]
    has_records: set[str]  # county codes holding any training record in the cycle

    def total(self) -> Tally:
        t = Tally(code="", name="合计 total")
        for c in self.counties:
            t.staff += c.staff
            t.on_track += c.on_track
            t.complete += c.complete
            t.hours += c.hours
        return t


def judged_staff(cycle: Cycle, user: User | None = None, base: QuerySet | None = None) -> QuerySet:
    qs = base if base is not None else StaffMember.objects.all()
    if user is not None:
        qs = scope(user, qs)
    return qs.filter(start_date__lte=cycle.judged_on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=cycle.judged_on), role__in=settings()["training_roles"]
    )


def coverage(
    as_of: dt.date, user: User | None = None, *, staff: QuerySet | None = None, county: str | None = None
) -> Coverage:
    """Rotation coverage per institution and county on ``as_of`` (see the module docstring).

    ``staff`` narrows the staff considered (a rule passes its scoped, area-limited staff)."""
    cycle = cycle_for(as_of)
    people = judged_staff(cycle, user, staff)
    if county:
        people = people.filter(
            Q(institution__county__code=county) | Q(institution__county__city__code=county)
        )
    rows = list(
        people.values(
            "pk",
            "name",
            "start_date",
            "institution__code",
            "institution__name",
            "institution__county__code",
            "institution__county__name",
        )
    )
    records = TrainingRecord.objects.filter(
        year__gte=cycle.first_year, year__lte=cycle.judged_year, staff_id__in=[r["pk"] for r in rows]
    )
    hours = dict(records.values_list("staff_id").annotate(h=Sum("hours")).values_list("staff_id", "h"))
    full = settings()["cycle_hours_min"]
    inst: dict[str, Tally] = {}
    counties: dict[str, Tally] = {}
    with_records: set[str] = set()
    for r in rows:
        county_code, county_name = r["institution__county__code"], r["institution__county__name"]
        need = required_hours(r["start_date"], cycle)
        if need <= 0:
            continue
        got = Decimal(str(hours.get(r["pk"]) or 0)).quantize(Decimal("0.1"))
        if got:
            with_records.add(county_code)
        i = inst.setdefault(
            r["institution__code"],
            Tally(r["institution__code"], r["institution__name"], county_code, county_name),
        )
        c = counties.setdefault(county_code, Tally(county_code, county_name, county_code, county_name))
        for t in (i, c):
            t.staff += 1
            t.hours += got
            if got >= need:
                t.on_track += 1
            if got >= full:
                t.complete += 1
        if got < need:
            i.lagging.append({"staff_id": r["pk"], "name": r["name"], "hours": got, "required": need})
    return Coverage(
        cycle=cycle,
        institutions=sorted(inst.values(), key=lambda t: (t.county_code, t.code)),
        counties=sorted(counties.values(), key=lambda t: t.code),
        has_records=with_records,
    )


def hours_by_level(as_of: dt.date, user: User | None = None) -> dict[str, Decimal]:
    """Hours of training in the current cycle by level of the five-level network."""
    cycle = cycle_for(as_of)
    qs = TrainingRecord.objects.filter(year__gte=cycle.first_year, year__lte=cycle.judged_year)
    if user is not None:
        qs = scope(user, qs)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for level, h in qs.values_list("level").annotate(h=Sum("hours")).values_list("level", "h"):
        out[level] += h or Decimal(0)
    return dict(out)
