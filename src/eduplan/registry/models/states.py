"""Effective-dated attributes of an institution (ARCHITECTURE.md, "time").

An indicator for school year Y reads the registry as it stood on Y's census day. The attributes a
measure or a rule reads and that change over time — ownership and sponsor, inclusive recognition,
licence status, kindergarten grade, high-school rating, the county-school flag, network
connection, demonstration status, the newly-built flag and the seats — are therefore kept as rows,
each a full set of those attributes *in force from* ``effective_from`` until the next row, and
recorded apart (``recorded_at``, ``recorded_by``, ``reason``). A conversion entered in March 2025
with effect from 1 September 2024 counts in school year 2024; one in force from 2025 does not.

The ``Institution`` row keeps today's values (what forms, lists and rules of the present read); the
registry actions write both (``registry.actions.change_institution``). Opening and closing are dates
on the institution itself; designations and pairings carry their own dates.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from .institutions import DatedAttributes, Institution

#: The first row of an institution with no opening date holds from this day (the backfill's start).
SENTINEL = dt.date(1900, 1, 1)

#: The institution fields an attribute row holds, in the order forms and imports show them.
TRACKED = (
    "ownership",
    "sponsor",
    "inclusive",
    "inclusive_since",
    "licence_status",
    "grade",
    "grade_year",
    "rating",
    "is_county_high_school",
    "is_new_build",
    "network_connected",
    "is_demonstration",
    "seats",
)


class InstitutionState(DatedAttributes):
    """The tracked attributes of an institution in force from ``effective_from`` (机构属性生效记录)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="states")
    effective_from = models.DateField("生效日期 effective from")
    recorded_at = models.DateTimeField("登记时间 recorded at", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人 recorded by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField("原因 reason", max_length=200, blank=True)

    class Meta:
        verbose_name = "机构属性(按生效日期) institution attributes in force"
        verbose_name_plural = "机构属性(按生效日期) institution attributes in force"
        ordering = ["institution", "effective_from", "id"]
        indexes = [models.Index(fields=["institution", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.institution} @ {self.effective_from}"

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in TRACKED}


def state_of(institution: Institution) -> dict[str, object]:
    """Today's tracked values of ``institution`` (the content of a new attribute row)."""
    return {name: getattr(institution, name) for name in TRACKED}


def in_force_on(institution: Institution, day: dt.date) -> InstitutionState | None:
    """The attribute row of ``institution`` in force on ``day`` (latest effective, then latest
    recorded), or ``None`` when it has none from before that day."""
    return (
        InstitutionState.objects.filter(institution=institution, effective_from__lte=day)
        .order_by("-effective_from", "-id")
        .first()
    )


def opening_rows(
    values: dict[str, object], opened: dt.date | None
) -> list[tuple[dt.date, dict[str, object]]]:
    """The first attribute rows of an institution recorded with ``values`` today: in force from its
    opening (or :data:`SENTINEL`); a kindergarten graded in a later year than it opened is unrated
    until 1 January of ``grade_year`` and graded from then (so the grade counts from school year
    ``grade_year`` on, as before the time model). Used by the backfill migration and by
    ``create_institution``."""
    start = opened or SENTINEL
    year = values.get("grade_year")
    if values.get("grade") and isinstance(year, int) and dt.date(year, 1, 1) > start:
        ungraded = {**values, "grade": "", "grade_year": None}
        return [(start, ungraded), (dt.date(year, 1, 1), dict(values))]
    return [(start, dict(values))]
