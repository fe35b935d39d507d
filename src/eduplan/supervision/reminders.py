"""Reminders: each user's upcoming and missed deadlines (月报; 限期整改), shown
in the web app as a to-do list and listed daily by ``eduplan remind`` (run from cron).

What is on a list follows the role:

| role | to-do items |
|---|---|
| county officer | monthly reports to submit (due soon, overdue, returned); the county's orders due soon or overdue |
| city officer | reports awaiting approval; orders tracked by the city (escalated, major hazards) that are overdue |
| supervisor | rectifications awaiting verification; open inspections; overdue orders of assigned institutions |
| principal | the institution's open orders, due soon or overdue |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.todos import Todo, sort_key
from eduplan.plans import standards

from . import periods
from .models import (
    AWAITING_INSTITUTION,
    Inspection,
    InspectionState,
    MonthlyReport,
    OrderLevel,
    OrderState,
    RectificationOrder,
    ReportState,
)
from .reports import REPORTED_STATES, counties_in_scope, current_plan_id, due_dates

#: How far back missing monthly reports are listed.
LOOKBACK_MONTHS = 12


def _url(name: str, *args: Any) -> str:
    """The page of an item, or "" while the supervision pages are not mounted in the URL tree."""
    try:
        return reverse(f"supervision:{name}", args=args)
    except NoReverseMatch:
        return ""


def _days(due: dt.date | None, today: dt.date) -> int | None:
    return None if due is None else (due - today).days


def _report_todos(user: User, today: dt.date) -> list[Todo]:
    remind = int(standards.value("monthly_report", "remind_days"))
    plan = current_plan_id()
    first = max(
        periods.first_expected_period(), periods.add_months(periods.month_start(today), -LOOKBACK_MONTHS)
    )
    todos = []
    for county in counties_in_scope(user, on=today):
        reports = {
            r.period: r for r in MonthlyReport.objects.filter(county=county, plan=plan, period__gte=first)
        }
        months = periods.months_between(first, periods.month_start(today))
        due_on = due_dates(county, months)
        for period in months:
            report = reports.get(period)
            if report is not None and report.state in REPORTED_STATES:
                continue
            due = due_on[period]
            left = (due - today).days
            if left > remind:
                continue
            returned = report is not None and report.state == ReportState.RETURNED
            todos.append(
                Todo(
                    kind="monthly_report",
                    title_zh=f"{county.name}{periods.label_zh(period)}月报"
                    + ("被退回,请修改后重新报送" if returned else "待报送"),
                    title_en=f"{county.name} report for {periods.label(period)}: "
                    + ("returned, correct and resubmit" if returned else "to submit"),
                    due_on=due,
                    days_left=left,
                    url=_url("report-detail", report.pk)
                    if report
                    else _url("report-open", county.code, periods.label(period)),
                    county=county.code,
                )
            )
    return todos


def _approval_todos(user: User, today: dt.date) -> list[Todo]:
    qs = scope(user, MonthlyReport.objects.filter(state=ReportState.SUBMITTED).select_related("county"))
    return [
        Todo(
            kind="approve_report",
            title_zh=f"审核{r.county.name}{periods.label_zh(r.period)}月报",
            title_en=f"Approve {r.county.name}'s report for {periods.label(r.period)}",
            due_on=None,
            days_left=None,
            url=_url("report-detail", r.pk),
            county=r.county.code,
        )
        for r in qs.order_by("period", "county__code")
    ]


def _order_todo(o: RectificationOrder, today: dt.date, *, verb_zh: str, verb_en: str, kind: str) -> Todo:
    where = o.institution.name if o.institution else o.county.name
    return Todo(
        kind=kind,
        title_zh=f"{verb_zh}:{where} {o.code}({o.finding.message_zh[:30]})",
        title_en=f"{verb_en}: {where} {o.code}",
        due_on=o.deadline,
        days_left=_days(o.deadline, today),
        url=_url("order-detail", o.pk),
        county=o.county.code,
    )


def _open_orders(user: User) -> QuerySet[RectificationOrder]:
    return scope(user, RectificationOrder.objects.select_related("institution", "county", "finding"))


def supervision_todos(user: User, today: dt.date) -> list[Todo]:
    """The supervision part of the user's to-do list on ``today`` (registered with
    ``eduplan.common.todos`` by ``SupervisionConfig.ready``): overdue first, then by due date."""
    remind = int(standards.value("rectification", "remind_days"))
    soon = today + dt.timedelta(days=remind)
    todos: list[Todo] = []
    if permissions.has_duty(user, "county_followup"):
        todos += _report_todos(user, today)
        for o in _open_orders(user).filter(state__in=AWAITING_INSTITUTION, deadline__lte=soon):
            todos.append(
                _order_todo(o, today, verb_zh="督促整改", verb_en="Follow up rectification", kind="order_due")
            )
    if permissions.has_duty(user, "city_followup"):
        todos += _approval_todos(user, today)
        city_orders = _open_orders(user).filter(
            level=OrderLevel.CITY, state__in=AWAITING_INSTITUTION, deadline__lt=today
        )
        for o in city_orders:
            todos.append(
                _order_todo(
                    o,
                    today,
                    verb_zh="市级督办逾期整改",
                    verb_en="City-tracked order overdue",
                    kind="order_escalated",
                )
            )
    if permissions.has_duty(user, "verification"):
        for o in _open_orders(user).filter(state=OrderState.REPORTED):
            todos.append(
                _order_todo(o, today, verb_zh="复查整改", verb_en="Verify rectification", kind="order_verify")
            )
        for o in _open_orders(user).filter(state__in=AWAITING_INSTITUTION, deadline__lt=today):
            todos.append(
                _order_todo(
                    o, today, verb_zh="逾期未整改", verb_en="Overdue rectification", kind="order_overdue"
                )
            )
        for i in scope(
            user, Inspection.objects.filter(state=InspectionState.OPEN).select_related("institution")
        ):
            todos.append(
                Todo(
                    kind="inspection_open",
                    title_zh=f"完成对{i.institution.name}的检查({i.inspected_on})",
                    title_en=f"Complete the inspection of {i.institution.name} ({i.inspected_on})",
                    due_on=None,
                    days_left=None,
                    url=_url("inspection-detail", i.pk),
                    county=i.institution.county.code if i.institution.county_id else "",
                )
            )
    if permissions.has_duty(user, "institution_orders"):
        for o in _open_orders(user).filter(state__in=AWAITING_INSTITUTION):
            todos.append(
                _order_todo(
                    o, today, verb_zh="报送整改情况", verb_en="Report the rectification", kind="order_report"
                )
            )
    todos.sort(key=sort_key)
    return todos
