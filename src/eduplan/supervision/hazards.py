"""Overdue major hazards, read from rectification orders, for the rules catalogue.

A failed checklist line marked ``major_hazard`` becomes a finding of category 重大隐患 and, once
the supervisor issues an order, a deadline. The rule ``SAFETY-HAZARD-OVERDUE`` (重大隐患督办)
asks this module for the orders still open on its as-of day after their deadline; the
supervision app registers :func:`overdue_major_hazards` as the rules' hazard source at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from .models import FindingCategory, OrderState, RectificationOrder

if TYPE_CHECKING:
    from eduplan.rules.catalogue import RuleContext


def overdue_major_hazards(ctx: RuleContext) -> Iterator[dict[str, Any]]:
    """Major-hazard orders issued by ``ctx.as_of``, past their deadline and not closed (verified)
    by that day; a cancelled order is no hazard. Read through the user's scope."""
    as_of = ctx.as_of
    orders = (
        ctx.records(RectificationOrder)
        .filter(
            finding__category=FindingCategory.MAJOR_HAZARD,
            institution__isnull=False,
            issued_at__date__lte=as_of,
            deadline__lt=as_of,
        )
        .exclude(state=OrderState.CANCELLED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=as_of))
        .order_by("deadline", "pk")
        .values(
            "code",
            "deadline",
            "finding__subject",
            "finding__message_zh",
            "finding__inspection__inspected_on",
            "institution__code",
            "institution__name",
            "institution__county__code",
            "institution__county__name",
        )
    )
    for row in orders:
        yield {
            "code": row["institution__code"],
            "name": row["institution__name"],
            "county__code": row["institution__county__code"],
            "county__name": row["institution__county__name"],
            "hazard": row["finding__subject"] or row["finding__message_zh"],
            "found_on": row["finding__inspection__inspected_on"],
            "deadline": row["deadline"],
            "order": row["code"],
        }
