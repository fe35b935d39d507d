"""What each supervision page shows, assembled from queries (so the views stay thin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eduplan.accounts.scoping import User, scope
from eduplan.common.todos import todos_for
from eduplan.registry.models import Division

from . import periods
from .incidents import banned_counties, incidents_for
from .inspections import automatic_findings, finding_key, rules_available
from .models import MonthlyReport, OrderState, RectificationOrder
from .monthly_form import load_form
from .rectification import allowed_actions as order_actions
from .rectification import overdue_orders
from .reports import (
    TIMELINESS_LABELS,
    allowed_actions,
    check_monthly_report,
    clause_titles,
    completeness,
    current_plan_id,
    due_date,
    previous_approved,
    report_status,
    reporting_status,
)


def report_opening(
    user: User | None, county: Division, period: dt.date
) -> tuple[MonthlyReport | None, dict[str, Any]]:
    """A to-do link to a month's report not yet begun (issue 23: it answered 405): the report if
    it exists (the page goes there), else what the opening page shows before its POST button."""
    existing = scope(user, MonthlyReport.objects.filter(county=county, plan=current_plan_id(), period=period))
    return existing.first(), {
        "county": county,
        "period": period,
        "month": periods.label(period),
        "month_zh": periods.label_zh(period),
        "due_on": due_date(county, period),
    }


def last_period(today: dt.date) -> dt.date:
    """The month whose report is being collected now (the previous calendar month)."""
    return periods.add_months(periods.month_start(today), -1)


def dashboard(user: User, today: dt.date) -> dict[str, Any]:
    period = last_period(today)
    status = reporting_status(period, user=user, as_of=today)
    for row in status:
        row["timeliness_label"] = TIMELINESS_LABELS[row["timeliness"]]
    year_months = periods.months_between(dt.date(today.year, 1, 1), periods.month_start(today))
    visible = {c.code for c in scope(user, Division.objects.counties())}
    return {
        "today": today,
        "period": period,
        "todos": todos_for(user, today),
        "status": status,
        "rates": completeness(year_months, user=user, as_of=today),
        "overdue": list(overdue_orders(user, today)[:50]),
        "banned": sorted((k, v) for k, v in banned_counties(today).items() if k in visible),
        "incidents": list(incidents_for(user).filter(withdrawn=False)[:10]),
    }


def report_page(
    user: User | None,
    report: MonthlyReport,
    today: dt.date,
    *,
    typed: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The report page. ``typed`` (what the user typed and a save refused, or their draft) is shown
    instead of the stored values, with ``errors`` (messages by item key) at their fields; without a
    refusal, the checks a submission would fail are shown at their fields too."""
    form = load_form()
    prev = previous_approved(report)
    due = due_date(report.county, report.period)
    titles = clause_titles()
    typed = typed or {}
    values, comments = typed.get("values", {}), typed.get("comments", {})
    task_input = typed.get("tasks", {})
    problems = check_monthly_report(report, form) if report.editable and errors is None else []
    at_field: dict[str, list[str]] = {}
    for p in problems:
        if form.item(p.key) is not None:
            at_field.setdefault(p.key, []).append(p.message_zh)
    for key, messages in (errors or {}).items():
        at_field.setdefault(key, []).extend(messages)
    items = [
        {
            "item": item,
            "value": values[item.key] if item.key in values else report.values.get(item.key),
            "comment": comments[item.key] if item.key in comments else report.comments.get(item.key, ""),
            "previous": prev.values.get(item.key) if prev else None,
            "errors": at_field.get(item.key, []),
        }
        for item in form.items
    ]
    tasks = [
        {
            "row": t,
            "title": titles.get(t.clause, ""),
            "status": task_input.get(t.clause, {}).get("status", t.status),
            "progress": task_input.get(t.clause, {}).get("progress", t.progress),
        }
        for t in report.tasks.all()
    ]
    general = [m for key, ms in (errors or {}).items() if form.item(key) is None for m in ms]
    status = report_status(report, due, today)
    return {
        "report": report,
        "form": form,
        "items": items,
        "tasks": tasks,
        "due_on": due,
        "timeliness": TIMELINESS_LABELS[status["timeliness"]],
        "problems": problems,
        "general_errors": general,
        "typed_note": typed.get("note"),
        "error_count": sum(len(i["errors"]) for i in items if errors is not None) + len(general),
        "actions": allowed_actions(report, user),
        "editing": "edit" in allowed_actions(report, user),
        "events": list(report.events.select_related("actor")),
        "previous": prev,
    }


def inspection_page(user: User | None, inspection: Any) -> dict[str, Any]:
    auto = automatic_findings(inspection, user=user) if inspection.state == "open" else []
    return {
        "inspection": inspection,
        "checklist": list(inspection.checklist.all()),
        "findings": list(inspection.findings.select_related("checklist_item").prefetch_related("order")),
        "automatic": [{"key": finding_key(f), "finding": f} for f in auto],
        "rules_available": rules_available(),
    }


def order_page(user: User | None, order: RectificationOrder, today: dt.date) -> dict[str, Any]:
    return {
        "order": order,
        "overdue": order.is_overdue(today),
        "days_overdue": order.days_overdue(today),
        "reports": list(order.reports.prefetch_related("attachments").select_related("submitted_by")),
        "events": list(order.events.select_related("actor")),
        "actions": order_actions(order, user),
        "closed": order.state in (OrderState.CLOSED, OrderState.CANCELLED),
    }
