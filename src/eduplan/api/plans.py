"""JSON API of the plan, mounted under ``/api/`` by eduplan.api.api: the assumptions register
(``GET /api/plan/assumptions``, ``POST /api/plan/assumptions/{id}/confirm`` for city officers) and
the explanation of a status or finding (``GET /api/plan/explain``)."""

# No ``from __future__ import annotations``: django-ninja reads these functions' annotations.

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from eduplan.api.auth import caller
from eduplan.plans import assumptions
from eduplan.plans.explain import ExplainError, explain

router = Router(tags=["plan 规划"])


class ConfirmIn(Schema):
    reason: str
    value: Any = None


@router.get("/plan/assumptions", operation_id="list_assumptions", summary="假设清单 assumptions")
def list_assumptions(request: HttpRequest) -> Any:
    """Every assumption of the plan in force: id, value, reason, used_by, confirmed_by, confirmed_at."""
    return [s.as_dict() for s in assumptions.states()]


@router.post(
    "/plan/assumptions/{ident}/confirm",
    operation_id="confirm_assumption",
    summary="确认假设 confirm an assumption (city officers)",
)
def confirm_assumption(request: HttpRequest, ident: str, body: ConfirmIn) -> Any:
    """Confirm the value in force, or set the city's own (``value``); a reason is required."""
    state = assumptions.confirm(ident, value=body.value, reason=body.reason, user=caller(request))
    return state.as_dict()


@router.get("/plan/explain", operation_id="explain", summary="依据 why a status or finding is what it is")
def explain_view(
    request: HttpRequest,
    what: str,
    division: str | None = None,
    institution: str | None = None,
    year: int | None = None,
) -> Any:
    try:
        return explain(what, division=division, institution=institution, year=year, user=caller(request))
    except ExplainError as exc:
        raise ValidationError({"what": str(exc)}) from exc


__all__ = ["router"]
