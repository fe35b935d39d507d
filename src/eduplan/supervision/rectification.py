"""Rectification within a deadline (限期整改), major-hazard tracking by the city
(重大隐患督办) and escalation of overdue orders from the county to the city.

State machine (docs/supervision.md)::

    issued ──report──▶ reported ──verify──▶ closed
      │  ▲                │
      │  └──report── reopened ◀──reject (reason)
      └──cancel (reason)──▶ cancelled ◀──cancel── reopened

- An order comes from a confirmed finding, names what must be done, by when and who answers.
- The institution (its principal, or the county bureau for it) reports what it did, with photos and
  files; the supervisor — never the one who reported — verifies (closed) or rejects (reopened).
- An order can only be closed by verification: there is no path from issued to closed.
- An order still awaiting the institution after its deadline is overdue; the daily job
  (``eduplan remind --escalate``) raises it from county to city level (督办). A major hazard is
  tracked by the city from the start.
- Every change is an :class:`~.models.OrderEvent` (who, when, from → to, why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.evidence import check_files, store_files
from eduplan.common.workflow import (
    actor,
    escalate_overdue,
    escalate_to_city,
    extend_deadline,
    local_day,
    next_state,
    now_or,
    offered_actions,
    record_transition,
    refuse,
    require_reason,
    require_scope,
    role_of,
    save_with_history,
)
from eduplan.plans import standards

from .models import (
    AWAITING_INSTITUTION,
    Attachment,
    Finding,
    OrderLevel,
    OrderState,
    RectificationOrder,
    RectificationReport,
)

TRANSITIONS: dict[tuple[str, str], str] = {
    (OrderState.ISSUED, "report"): OrderState.REPORTED,
    (OrderState.REOPENED, "report"): OrderState.REPORTED,
    (OrderState.REPORTED, "verify"): OrderState.CLOSED,
    (OrderState.REPORTED, "reject"): OrderState.REOPENED,
    (OrderState.ISSUED, "cancel"): OrderState.CANCELLED,
    (OrderState.REOPENED, "cancel"): OrderState.CANCELLED,
    (OrderState.ISSUED, "extend"): OrderState.ISSUED,
    (OrderState.REOPENED, "extend"): OrderState.REOPENED,
    (OrderState.ISSUED, "escalate"): OrderState.ISSUED,
    (OrderState.REOPENED, "escalate"): OrderState.REOPENED,
}
ACTIONS = {
    "issue": "下达 Issue",
    "report": "报送整改情况 Report",
    "verify": "复查销号 Verify and close",
    "reject": "复查不通过 Reject",
    "cancel": "撤销 Cancel",
    "extend": "延期 Extend",
    "escalate": "升级督办 Escalate",
}
STATE_LABELS = dict(OrderState.choices)


def _next(order: RectificationOrder, action: str) -> str:
    return next_state(TRANSITIONS, order.state, action, STATE_LABELS, ACTIONS)


def _record(
    order: RectificationOrder, action: str, before: str, user: User | None, at: dt.datetime, note: str = ""
) -> None:
    record_transition(order, action, before, user, at, level=order.level, note=note)


def default_deadline(finding: Finding, issued_on: dt.date) -> dt.date:
    """``[rectification] default_days`` after issue, ``major_hazard_days`` for a major hazard."""
    key = "major_hazard_days" if finding.is_major_hazard else "default_days"
    return issued_on + dt.timedelta(days=int(standards.value("rectification", key)))


def _next_code(finding: Finding, year: int) -> str:
    prefix = f"ZG{finding.county.code}-{year}-"
    last = RectificationOrder.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def issue_rectification_order(
    finding: Finding,
    *,
    responsible_person: str,
    requirement: str = "",
    deadline: dt.date | None = None,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> RectificationOrder:
    """Turn a confirmed finding into an order with a deadline and a responsible person. A major
    hazard goes to the city's tracking list at once (重大隐患督办)."""
    permissions.require(
        user,
        "may_inspect",
        "整改通知由责任督学或县、市教育体育局下达",
        "rectification orders are issued by the supervisor or a county or city officer",
    )
    require_scope(user, finding)
    if hasattr(finding, "order"):
        raise ValidationError(
            {"finding": f"该问题已下达整改通知 {finding.order.code} / an order was already issued"}
        )
    moment = now_or(at)
    issued_on = local_day(moment)
    deadline = deadline or default_deadline(finding, issued_on)
    if deadline <= issued_on:
        raise ValidationError(
            {"deadline": "整改期限须晚于下达日期 / the deadline must be after the day of issue"}
        )
    if not (responsible_person or "").strip():
        raise ValidationError({"responsible_person": "请填写整改责任人 / name the person responsible"})
    order = RectificationOrder(
        code=_next_code(finding, issued_on.year),
        finding=finding,
        county_id=finding.county_id,
        institution_id=finding.institution_id,
        requirement=(requirement or "").strip() or f"针对“{finding.message_zh}”限期整改到位",
        deadline=deadline,
        responsible_person=responsible_person.strip(),
        level=OrderLevel.CITY if finding.is_major_hazard else OrderLevel.COUNTY,
        escalated_at=moment if finding.is_major_hazard else None,
        issued_by=actor(user),
        issued_at=moment,
    )
    save_with_history(order, user=user, reason="下达 issued")
    _record(
        order,
        "issue",
        "",
        user,
        moment,
        "重大隐患,市级督办 major hazard: tracked by the city" if finding.is_major_hazard else "",
    )
    return order


@transaction.atomic
def report_rectification(
    order: RectificationOrder,
    *,
    text: str,
    files: Iterable[Any] = (),
    user: User | None = None,
    at: dt.datetime | None = None,
) -> RectificationReport:
    """The institution reports what it did, with photos and files as evidence."""
    before = order.state
    target = _next(order, "report")
    permissions.require(
        user,
        "may_report_rectification",
        "整改情况由被检查单位(园长/校长)或县教育体育局报送",
        "the institution's principal (or the county bureau for it) reports the rectification",
    )
    require_scope(user, order, write=True)
    if not (text or "").strip():
        raise ValidationError({"text": "请说明整改措施和结果 / say what was done"})
    checked = check_files(files)
    moment = now_or(at)
    report = RectificationReport.objects.create(
        order=order, text=text.strip(), submitted_by=actor(user), submitted_at=moment
    )
    store_files(Attachment, checked, report=report)
    order.state = target
    save_with_history(order, user=user, reason="报送整改 reported")
    _record(order, "report", before, user, moment, text.strip()[:500])
    return report


def _verifier(order: RectificationOrder, user: User | None) -> None:
    permissions.require(
        user,
        "may_verify_rectification",
        "整改由责任督学或县、市教育体育局复查",
        "only the supervisor or a county or city officer verifies a rectification",
    )
    require_scope(user, order)
    last = order.reports.order_by("-submitted_at", "-pk").first()
    if user is not None and last is not None and last.submitted_by_id == getattr(user, "pk", None):
        raise refuse("不能复查自己报送的整改", "you cannot verify a rectification you reported yourself")


@transaction.atomic
def verify_rectification(
    order: RectificationOrder, *, note: str = "", user: User | None = None, at: dt.datetime | None = None
) -> RectificationOrder:
    """Re-inspection found it done: the order is closed (销号)."""
    before = order.state
    target = _next(order, "verify")
    _verifier(order, user)
    moment = now_or(at)
    order.state = target
    order.closed_at = moment
    order.verified_by = actor(user)
    order.verification_note = (note or "").strip()
    save_with_history(order, user=user, reason="复查销号 verified")
    _record(order, "verify", before, user, moment, order.verification_note)
    return order


@transaction.atomic
def reject_rectification(
    order: RectificationOrder, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> RectificationOrder:
    """Re-inspection found it not done: the order is reopened for the institution, saying why."""
    before = order.state
    target = _next(order, "reject")
    _verifier(order, user)
    reason = require_reason(reason)
    moment = now_or(at)
    order.state = target
    order.verification_note = reason
    save_with_history(order, user=user, reason="复查不通过 rejected")
    _record(order, "reject", before, user, moment, reason)
    return order


@transaction.atomic
def cancel_rectification_order(
    order: RectificationOrder, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> RectificationOrder:
    """Withdraw an order issued in error (a county or city officer, with a reason)."""
    before = order.state
    target = _next(order, "cancel")
    permissions.require(
        user,
        "may_manage_orders",
        "整改通知由县、市教育体育局撤销",
        "only a county or city officer cancels an order",
    )
    require_scope(user, order, write=True)
    reason = require_reason(reason)
    moment = now_or(at)
    order.state = target
    save_with_history(order, user=user, reason="撤销 cancelled")
    _record(order, "cancel", before, user, moment, reason)
    return order


@transaction.atomic
def extend_rectification_deadline(
    order: RectificationOrder,
    new_deadline: dt.date,
    reason: str,
    *,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> RectificationOrder:
    """Give more time (a county or city officer, with a reason); the old deadline stays in the
    history and the event log."""
    _next(order, "extend")
    permissions.require(
        user,
        "may_manage_orders",
        "整改期限由县、市教育体育局调整",
        "only a county or city officer extends a deadline",
    )
    require_scope(user, order, write=True)
    return extend_deadline(order, new_deadline, reason, user=user, at=at)


@transaction.atomic
def escalate_rectification_order(
    order: RectificationOrder, *, reason: str = "", user: User | None = None, at: dt.datetime | None = None
) -> RectificationOrder:
    """Raise an open order from county to city tracking (督办). The daily job does this for
    overdue orders; a city officer may do it by hand."""
    _next(order, "escalate")
    permissions.require(
        user, "may_escalate", "升级督办由市教育体育局决定", "only the city escalates an order"
    )
    require_scope(user, order)
    note = reason or "逾期未整改,升级市级督办 overdue: escalated to the city"
    return escalate_to_city(order, OrderLevel.CITY, note, noun=("整改", "order"), user=user, at=at)


def escalate_overdue_orders(today: dt.date, *, at: dt.datetime | None = None) -> list[RectificationOrder]:
    """The daily job: every county-level order still awaiting the institution more than
    ``[rectification] escalate_after_days`` after its deadline goes to the city."""
    waiting = RectificationOrder.objects.filter(state__in=AWAITING_INSTITUTION, level=OrderLevel.COUNTY)
    return escalate_overdue(waiting, today, escalate_rectification_order, undone_zh="未整改", at=at)


# -- queries ------------------------------------------------------------------------------------


def orders_for(user: User | None) -> QuerySet[RectificationOrder]:
    return scope(user, RectificationOrder.objects.select_related("institution", "county", "finding"))


def overdue_orders(user: User | None, today: dt.date) -> QuerySet[RectificationOrder]:
    """Open orders past their deadline with the institution still to act, in the user's scope
    (all of them for the system)."""
    qs = RectificationOrder.objects.select_related("institution", "county", "finding")
    if user is not None:
        qs = scope(user, qs)
    return qs.filter(state__in=AWAITING_INSTITUTION, deadline__lt=today).order_by("deadline", "pk")


def allowed_actions(order: RectificationOrder, user: User | None) -> list[str]:
    """Actions to offer as buttons (each action re-checks everything)."""
    roles = permissions.CAPABILITIES
    offers = {
        "report": roles["may_report_rectification"],
        "verify": roles["may_verify_rectification"],
        "reject": roles["may_verify_rectification"],
        "cancel": roles["may_manage_orders"],
        "extend": roles["may_manage_orders"],
        "escalate": roles["may_escalate"],
    }
    offered = offered_actions(TRANSITIONS, order.state, role_of(user), offers)
    # The verifier may not be who reported it (the action refuses): offer no button then (issue 23).
    refused = set() if permissions.may_verify_rectification(user, order) else {"verify", "reject"}
    return [
        a for a in offered if a not in refused and not (a == "escalate" and order.level == OrderLevel.CITY)
    ]
