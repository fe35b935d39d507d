"""JSON API of county targets of record, mounted under ``/api/`` by eduplan.api.api:
``GET /api/plan/targets`` (the targets in force, within the caller's counties; ``history=true``:
every adoption) and ``POST /api/plan/targets/adopt`` (the city only; 403 for anyone else)."""

# No ``from __future__ import annotations``: django-ninja reads these functions' annotations.

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from eduplan.accounts.scoping import visible_county_codes
from eduplan.api.auth import caller
from eduplan.planning.allocation import adopt
from eduplan.planning.allocation.adopted_models import AdoptionOrigin
from eduplan.planning.errors import PlanningInputError

router = Router(tags=["plan 规划"])


class AdoptIn(Schema):
    indicator: str
    year: int
    reason: str
    targets: dict[str, float]


@router.get("/plan/targets", operation_id="list_county_targets", summary="县目标 county targets in force")
def list_targets(
    request: HttpRequest, indicator: str | None = None, year: int | None = None, history: bool = False
) -> Any:
    """The adopted county targets in force (indicator, division, year, target, origin, scenario,
    method, version, adopted_by, adopted_at, reason) for the counties the caller sees."""
    if history:
        return adopt.history(indicator, year)
    counties = visible_county_codes(caller(request))
    return [t.record() for t in adopt.in_force(indicator=indicator, year=year, divisions=counties)]


@router.post("/plan/targets/adopt", operation_id="adopt_county_targets", summary="通过县目标 adopt (city)")
def adopt_targets(request: HttpRequest, body: AdoptIn) -> Any:
    """Adopt ``targets`` (county code → value) for one indicator and year: a new version."""
    try:
        adoption = adopt.adopt(
            body.indicator,
            body.year,
            body.targets,
            user=caller(request),
            reason=body.reason,
            origin=AdoptionOrigin.FILE,
            file_name="api",
            where="API",
        )
    except PlanningInputError as exc:
        raise HttpError(422, str(exc)) from exc
    return [t.record() for t in adopt.in_force(indicator=adoption.indicator, year=adoption.year)]
