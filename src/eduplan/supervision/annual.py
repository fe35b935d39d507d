"""Annual inspection of kindergartens (年检) with published results, and the plan's
rule that abuse or corporal punishment makes the result "fail in principle" (原则上年检不合格).

State machine::

    draft ──publish──▶ published ──retract (reason)──▶ draft
      └─ record (result, reasons; an override needs a reason) ─┘ (only while draft)

- The county bureau (or the city) records a result per kindergarten and year: pass, basic pass or
  fail, with reasons.
- If an abuse or corporal-punishment finding was confirmed at the kindergarten that year, any
  result but "fail" needs a recorded override reason; the database refuses it otherwise.
- Published results are what the public portal shows (:func:`published_annual_results`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.workflow import (
    actor,
    next_state,
    now_or,
    refuse,
    require_reason,
    require_scope,
    save_with_history,
)
from eduplan.registry.choices import PRESCHOOL_KINDS
from eduplan.registry.models import Institution

from .inspections import abuse_findings
from .models import AnnualInspection, AnnualResult, AnnualState

TRANSITIONS: dict[tuple[str, str], str] = {
    (AnnualState.DRAFT, "record"): AnnualState.DRAFT,
    (AnnualState.DRAFT, "publish"): AnnualState.PUBLISHED,
    (AnnualState.PUBLISHED, "retract"): AnnualState.DRAFT,
}
ACTIONS = {"record": "登记结论 Record", "publish": "公布 Publish", "retract": "撤回公布 Retract"}


def _officer(user: User | None) -> None:
    permissions.require(
        user,
        "may_record_annual",
        "年检结论由县、市教育体育局登记和公布",
        "annual inspection results are recorded by county or city officers",
    )


def _check_abuse(result: str, override_reason: str, abuse: bool) -> None:
    if abuse and result != AnnualResult.FAIL and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": "该园本年度有虐待、体罚幼儿问题,年检原则上不合格;如不判不合格,须填写理由 / "
                "abuse or corporal punishment was found this year: the result is 'fail' in principle; "
                "any other result needs a recorded reason"
            }
        )


@transaction.atomic
def record_annual_result(
    institution: Institution,
    year: int,
    result: str,
    *,
    reasons: str = "",
    override_reason: str = "",
    user: User | None = None,
    at: dt.datetime | None = None,
) -> AnnualInspection:
    """Record (or change, while unpublished) a kindergarten's result for ``year``."""
    _officer(user)
    if institution.kind not in PRESCHOOL_KINDS:
        raise ValidationError({"institution": f"{institution} 不是幼儿园 / is not a kindergarten"})
    if result not in AnnualResult.values:
        raise ValidationError({"result": f"未知年检结论 {result!r} / unknown result"})
    if (
        user is not None
        and not scope(user, Institution.objects.filter(pk=institution.pk), write=True).exists()
    ):
        raise refuse("该幼儿园不在您的管辖范围内", "this kindergarten is outside your area")
    row = AnnualInspection.objects.filter(institution=institution, year=year).first()
    if row is not None:
        next_state(TRANSITIONS, row.state, "record", dict(AnnualState.choices), ACTIONS)
    abuse = abuse_findings(institution, year).exists()
    _check_abuse(result, override_reason, abuse)
    row = row or AnnualInspection(institution=institution, year=year)
    row.result = result
    row.reasons = reasons.strip()
    row.abuse_found = abuse
    row.override_reason = override_reason.strip() if abuse and result != AnnualResult.FAIL else ""
    row.decided_by = actor(user)
    row.decided_at = now_or(at)
    reason = "登记年检结论 recorded" + (" (不按原则判定 overridden)" if row.override_reason else "")
    return save_with_history(row, user=user, reason=reason)


@transaction.atomic
def publish_annual_result(
    row: AnnualInspection, *, user: User | None = None, at: dt.datetime | None = None
) -> AnnualInspection:
    """Publish one result to the public portal (年检结果向社会公布). The abuse rule is
    checked again: a finding confirmed after the result was recorded blocks publication."""
    target = next_state(TRANSITIONS, row.state, "publish", dict(AnnualState.choices), ACTIONS)
    _officer(user)
    require_scope(user, row, write=True)
    abuse = abuse_findings(row.institution, row.year).exists()
    _check_abuse(row.result, row.override_reason, abuse)
    row.abuse_found = abuse
    row.state = target
    row.published_at = now_or(at)
    row.published_by = actor(user)
    row.retract_reason = ""
    return save_with_history(row, user=user, reason="公布 published")


def publish_annual_results(
    year: int, *, user: User | None = None, county: str | None = None, at: dt.datetime | None = None
) -> list[AnnualInspection]:
    """Publish every draft result of ``year`` in the user's area (or ``county``). All or none:
    one result that breaks the abuse rule stops the batch, naming it."""
    qs = AnnualInspection.objects.filter(year=year, state=AnnualState.DRAFT).select_related("institution")
    if user is not None:
        qs = scope(user, qs, write=True)
    if county:
        qs = qs.filter(institution__county__code=county)
    with transaction.atomic():
        return [publish_annual_result(row, user=user, at=at) for row in qs.order_by("institution__code")]


@transaction.atomic
def retract_annual_result(
    row: AnnualInspection, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> AnnualInspection:
    """Take a published result back for correction (a county or city officer, with a reason)."""
    target = next_state(TRANSITIONS, row.state, "retract", dict(AnnualState.choices), ACTIONS)
    _officer(user)
    require_scope(user, row, write=True)
    reason = require_reason(reason)
    row.state = target
    row.retract_reason = reason
    row.published_at = None
    row.published_by = None
    return save_with_history(row, user=user, reason="撤回公布 retracted")


def annual_results_for(user: User | None, year: int | None = None) -> QuerySet[AnnualInspection]:
    qs = scope(user, AnnualInspection.objects.select_related("institution", "institution__county"))
    return qs.filter(year=year) if year else qs


def published_annual_results(year: int | None = None) -> QuerySet[AnnualInspection]:
    """What the public may see: published results, optionally for one year. The
    portal shows institution, year, result and reasons; override reasons are internal."""
    qs = AnnualInspection.objects.filter(state=AnnualState.PUBLISHED).select_related(
        "institution", "institution__county"
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "institution__county__code", "institution__code")
