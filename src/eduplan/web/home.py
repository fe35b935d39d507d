"""Role homes: what each user sees first (issue 23 item 5).

A principal lands on their own institution (我的幼儿园 / 我的学校): its findings, its rectification
orders, its annual inspections and the data it still has to fill in, each with a link to where it
is handled — not on the county's nineteen targets. County officers land on their county's page with
the to-do list first, grouped by kind with the nearest due dates first; city officers on the city
dashboard.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eduplan.accounts import permissions
from eduplan.accounts.scoping import scope
from eduplan.registry.choices import PRESCHOOL_KINDS
from eduplan.registry.models import Institution
from eduplan.rules.cached import findings_for
from eduplan.rules.findings import FindingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


def lands_on_own_institution(user: User) -> bool:
    """Principals keep one institution's record: that institution is their home."""
    return permissions.has_duty(user, "institution_orders")


@dataclass
class InstitutionHome:
    """Everything on a principal's home page, for one institution."""

    institution: Institution
    title_zh: str
    findings: list[FindingRecord]
    missing_data: list[FindingRecord]
    orders: list[Any]
    annual: list[Any]
    open_orders: int = 0
    overdue_orders: int = 0
    title_en: str = ""
    notes: list[str] = field(default_factory=list)


def own_institutions(user: User) -> list[Institution]:
    """The institutions the user keeps (a principal: theirs), through the scoping function."""
    ids = permissions.bound_institutions(user) or []
    return list(scope(user, Institution.objects.filter(pk__in=ids).select_related("county", "division")))


def institution_home(user: User, inst: Institution, today: dt.date) -> InstitutionHome:
    """The institution's findings (violations first, most severe first), the data it has yet to
    report (``no_data`` findings), its rectification orders (open first, by deadline) and its
    annual inspection results."""
    from eduplan.supervision.models import AnnualInspection, RectificationOrder

    severity = {"high": 0, "medium": 1, "low": 2, "info": 3}
    mine = [
        f for f in findings_for(user) if f["entity_type"] == "institution" and f["entity_code"] == inst.code
    ]
    mine.sort(key=lambda f: (severity.get(f.get("severity") or "", 9), f["rule"]))
    orders = list(scope(user, RectificationOrder.objects.filter(institution=inst)).select_related("finding"))
    orders.sort(key=lambda o: (not o.is_open, o.deadline))
    annual = list(scope(user, AnnualInspection.objects.filter(institution=inst)).order_by("-year"))
    kindergarten = inst.kind in PRESCHOOL_KINDS
    return InstitutionHome(
        institution=inst,
        title_zh="我的幼儿园" if kindergarten else "我的学校",
        title_en="My kindergarten" if kindergarten else "My school",
        findings=[f for f in mine if f.get("kind") == "violation"],
        missing_data=[f for f in mine if f.get("kind") == "no_data"],
        orders=orders,
        annual=annual,
        open_orders=sum(1 for o in orders if o.is_open),
        overdue_orders=sum(1 for o in orders if o.is_overdue(today)),
    )


#: To-do kinds (``supervision.reminders.Todo.kind`` and the complaints' own) in Chinese and English.
TODO_KINDS: dict[str, tuple[str, str]] = {
    "monthly_report": ("月报报送", "Monthly reports to submit"),
    "approve_report": ("月报审核", "Monthly reports to approve"),
    "order_due": ("整改督促", "Rectifications to follow up"),
    "order_overdue": ("逾期未整改", "Overdue rectifications"),
    "order_escalated": ("市级督办", "Escalated rectifications"),
    "order_verify": ("整改复查", "Rectifications to verify"),
    "order_report": ("报送整改情况", "Rectifications to report"),
    "inspection_open": ("未完成的检查", "Open inspections"),
    "complaint": ("家长投诉", "Parents' complaints"),
    "task_due": ("计划任务", "Plan tasks due"),
    "task_escalated": ("市级督办任务", "City-tracked tasks overdue"),
}
#: A kind no one has named yet still gets a group, under a neutral title.
OTHER_KIND = ("其他事项", "Other items")


@dataclass
class TodoGroup:
    kind: str
    title_zh: str
    title_en: str
    items: list[Any]
    overdue: int
    first_due: dt.date | None


def group_todos(items: list[Any]) -> list[TodoGroup]:
    """To-do items grouped by kind — thirty identical red lines become one group with a count —
    each group's items by due date, and the groups by their nearest due date (overdue first)."""
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for t in items:
        by_kind[t.kind].append(t)
    groups = []
    for kind, rows in by_kind.items():
        rows.sort(key=lambda t: (t.due_on or dt.date.max, t.title_zh))
        zh, en = TODO_KINDS.get(kind, OTHER_KIND)
        groups.append(
            TodoGroup(
                kind=kind,
                title_zh=zh,
                title_en=en,
                items=rows,
                overdue=sum(1 for t in rows if t.overdue),
                first_due=rows[0].due_on,
            )
        )
    groups.sort(key=lambda g: (g.overdue == 0, g.first_due or dt.date.max, g.kind))
    return groups
