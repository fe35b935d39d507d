"""Reads over the programme registers, always through the one scoping function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from eduplan.accounts.scoping import User, scope
from eduplan.metrics.cached import indicator_records_for
from eduplan.registry.models import Division

from .models import (
    CountyCertification,
    DemonstrationArea,
    Designation,
    DesignationKind,
    SubsidyDisbursement,
    SubsidyStandard,
)

# Plan indicator behind each designation count shown against its target (plan/yuxi-2022-26.toml).
TARGET_INDICATORS = {
    "demo_area": "demonstration_areas",
    DesignationKind.DEMO_KINDERGARTEN.value: "demonstration_kindergartens",
    DesignationKind.ONLINE_CLASSROOM.value: "online_classrooms",
}


def scoped(user: User | None, qs: QuerySet) -> QuerySet:
    """``qs`` as ``user`` may see it; ``None`` is the command line, unrestricted like the intake
    commands (whoever holds the database)."""
    return qs if user is None else scope(user, qs)


def in_force(qs: QuerySet, day: dt.date) -> QuerySet:
    return qs.filter(designated_on__lte=day).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))


def disbursements(user: User | None) -> QuerySet:
    """Disbursements the user may see, with the county's standard per child (``per_child``)."""
    standard = SubsidyStandard.objects.filter(
        county_id=OuterRef("institution__county_id"), school_year=OuterRef("school_year")
    ).values("per_child")[:1]
    return scoped(user, SubsidyDisbursement.objects.select_related("institution__county")).annotate(
        per_child=Subquery(standard)
    )


def due_amount(row: SubsidyDisbursement) -> Decimal | None:
    """Standard × children (足额); ``None`` when the county set no standard that year."""
    per_child = getattr(row, "per_child", None)
    if per_child is None:
        per_child = (
            SubsidyStandard.objects.filter(county_id=row.institution.county_id, school_year=row.school_year)
            .values_list("per_child", flat=True)
            .first()
        )
    return None if per_child is None else (Decimal(per_child) * row.children).quantize(Decimal("0.01"))


def subsidy_status(row: SubsidyDisbursement, as_of: dt.date) -> dict[str, Any]:
    """What a user reads off one disbursement: due, shortfall, days late (足额、按时)."""
    due = due_amount(row)
    shortfall = None if due is None else max(due - row.paid_amount, Decimal("0"))
    if row.paid_on is not None:
        late_days = max((row.paid_on - row.due_on).days, 0)
    else:
        late_days = max((as_of - row.due_on).days, 0) if due else 0
    return {"due": due, "shortfall": shortfall, "late_days": late_days}


def designation_counts(user: User | None, day: dt.date) -> dict[str, int]:
    """Designations in force on ``day`` by kind, plus ``demo_area``, as the user may see them."""
    counts = {k.value: 0 for k in DesignationKind}
    for kind in in_force(scoped(user, Designation.objects.all()), day).values_list("kind", flat=True):
        counts[kind] += 1
    counts["demo_area"] = in_force(scoped(user, DemonstrationArea.objects.all()), day).count()
    return counts


def targets() -> dict[str, float]:
    """The plan's targets for the designation counts, by count key (none when not in the plan)."""
    from eduplan.plans.loader import load_plan

    specs = {i.id: i for i in load_plan().indicators}
    out = {}
    for key, indicator in TARGET_INDICATORS.items():
        spec = specs.get(indicator)
        if spec is not None and spec.target is not None:
            out[key] = spec.target.value
    return out


# -- incentives -------------------------------------------------------------------------


def incentive_list(
    user: User | None, records: Sequence[Mapping[str, Any]] | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """Counties eligible for incentives, as the user may see them.

    The rule (docs/programmes.md): a county is eligible *for meeting targets* when, in the latest
    school year with indicator values (or ``year``), every indicator with a target that applies to
    it as a county has a value and meets its target; it is eligible *for being certified first*
    when it holds the earliest 普及普惠 certification of the counties of its city (ties: all of
    them). ``records`` are the indicator records (default: the cached ones, ``metrics.cached``).
    """
    if records is None:
        # no user (the system) sees no county's records (``visible_county_codes``)
        records = indicator_records_for(user) if user is not None else []
    counties = {c.code: c for c in scoped(user, Division.objects.counties()).select_related("city")}
    rows = [r for r in records if r["level"] == "county" and r.get("target") is not None]
    latest = year if year is not None else max((r["year"] for r in rows), default=None)
    by_county: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        if r["year"] == latest and r["division"] in counties:
            by_county.setdefault(r["division"], []).append(r)
    certs = list(
        CountyCertification.objects.filter(county__in=Division.objects.counties()).select_related("county")
    )
    earliest: dict[int | None, dt.date] = {}
    for c in certs:
        city = c.county.city_id
        if city not in earliest or c.certified_on < earliest[city]:
            earliest[city] = c.certified_on
    first_cert: dict[str, CountyCertification] = {}
    for c in sorted(certs, key=lambda c: c.certified_on):
        first_cert.setdefault(c.county.code, c)
    out = []
    for code, county in sorted(counties.items()):
        recs = by_county.get(code, [])
        unmet = [r for r in recs if r["met"] is not True]
        all_met = bool(recs) and not unmet
        cert = first_cert.get(code)
        certified_first = cert is not None and cert.certified_on == earliest.get(county.city_id)
        if not recs and cert is None:
            continue
        out.append(
            {
                "county": code,
                "county_name": county.name,
                "year": latest,
                "targets": len(recs),
                "targets_met": len(recs) - len(unmet),
                "all_targets_met": all_met,
                "unmet": [f"{r['name_zh']} ({r['indicator']})" for r in unmet],
                "unmet_names": [r["name_zh"] for r in unmet],
                "unmet_names_en": [r.get("name_en") or r["name_zh"] for r in unmet],
                "certified_on": cert.certified_on if cert else None,
                "certified_first": certified_first,
                "eligible": all_met or certified_first,
            }
        )
    out.sort(key=lambda r: (not r["eligible"], r["certified_on"] or dt.date.max, r["county"]))
    return out
