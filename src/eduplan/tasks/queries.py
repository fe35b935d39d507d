"""Reads of the tasks app, always through the one scoping function: the task board, the timeline,
overdue tasks, to-do items and export records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.todos import Todo
from eduplan.common.workflow import offered_actions, role_of
from eduplan.plans import standards

from .models import OPEN_TASK_STATES, CountyTask, TaskLevel, TaskState

DISPLAY_STATES = {**dict(TaskState.choices), "overdue": "逾期 Overdue"}


def tasks_for(user: User | None) -> QuerySet[CountyTask]:
    """The county tasks ``user`` may see (``None``: the system sees all)."""
    qs = CountyTask.objects.select_related("county", "plan_task")
    return qs if user is None else scope(user, qs)


def filter_tasks(
    qs: QuerySet[CountyTask], filters: Mapping[str, Any], today: dt.date
) -> QuerySet[CountyTask]:
    """``county`` (code), ``status`` (a state or ``overdue``), ``department`` (part of the lead
    or a cooperating department), ``clause``, ``level``."""
    if filters.get("county"):
        qs = qs.filter(county__code=filters["county"])
    status = filters.get("status")
    if status == "overdue":
        qs = qs.filter(state__in=OPEN_TASK_STATES, deadline__lt=today)
    elif status:
        qs = qs.filter(state=status)
    if filters.get("department"):
        # JSON text is escaped differently per database: match the cooperating list in Python
        # (a city has a few hundred county tasks).
        dep = str(filters["department"])
        ids = [
            pk
            for pk, lead, cooperating in qs.values_list("pk", "lead", "cooperating")
            if dep in lead or any(dep in c for c in cooperating or [])
        ]
        qs = qs.filter(pk__in=ids)
    if filters.get("clause"):
        qs = qs.filter(clause=filters["clause"])
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    return qs


def overdue_tasks(user: User | None, today: dt.date) -> QuerySet[CountyTask]:
    """Open tasks past their deadline in the user's scope, oldest deadline first."""
    return (
        tasks_for(user)
        .filter(state__in=OPEN_TASK_STATES, deadline__lt=today)
        .order_by("deadline", "county__code", "pk")
    )


def task_record(t: CountyTask, today: dt.date) -> dict[str, Any]:
    """A task as the CLI, the API and exports show it."""
    return {
        "id": t.pk,
        "task": t.plan_task.code if t.plan_task is not None else "",
        "county": t.county.code,
        "county_name": t.county.name,
        "clause": t.clause,
        "title_zh": t.title_zh,
        "title_en": t.title_en,
        "lead": t.lead,
        "responsible": t.responsible,
        "cooperating": "、".join(t.cooperating),
        "deadline": t.deadline.isoformat(),
        "city_deadline": t.plan_task.deadline.isoformat() if t.plan_task is not None else "",
        "state": t.state,
        "status": t.display_state(today),
        "overdue": t.is_overdue(today),
        "days_overdue": t.days_overdue(today),
        "percent": t.percent,
        "stage": t.stage,
        "level": t.level,
    }


def board(qs: QuerySet[CountyTask], today: dt.date, group: str = "county") -> list[dict[str, Any]]:
    """Tasks grouped by county (default) or by lead department, with counts per status."""
    groups: dict[str, dict[str, Any]] = {}
    for t in qs.order_by("county__code", "deadline", "pk"):
        key = t.county.name if group == "county" else t.lead
        g = groups.setdefault(key, {"name": key, "tasks": [], "counts": {}})
        status = t.display_state(today)
        g["tasks"].append(
            {
                "task": t,
                "status": status,
                "status_label": DISPLAY_STATES[status],
                "days_overdue": t.days_overdue(today),
            }
        )
        g["counts"][status] = g["counts"].get(status, 0) + 1
    for g in groups.values():
        g["chips"] = [
            (state, label, g["counts"][state])
            for state, label in DISPLAY_STATES.items()
            if state in g["counts"]
        ]
    return sorted(groups.values(), key=lambda g: g["name"])


def timeline(qs: QuerySet[CountyTask], today: dt.date) -> dict[str, Any]:
    """Bars from assignment to deadline as percentages of the whole span (a plain-CSS Gantt
    chart), with the day's marker; the same rows make the no-JS table."""
    rows = list(qs.order_by("county__code", "deadline", "pk"))
    if not rows:
        return {"rows": [], "start": today, "end": today, "today_pct": 0, "years": []}
    start = min(min(t.assigned_at.date() for t in rows), today)
    end = max(max(t.deadline for t in rows), today)
    span = max(1, (end - start).days)

    def pct(day: dt.date) -> float:
        return round(100 * (day - start).days / span, 2)

    out = []
    for t in rows:
        left = pct(t.assigned_at.date())
        status = t.display_state(today)
        out.append(
            {
                "task": t,
                "left": left,
                "width": max(0.5, round(pct(t.deadline) - left, 2)),
                "done_width": round((pct(t.deadline) - left) * t.percent / 100, 2),
                "status": status,
                "status_label": DISPLAY_STATES[status],
            }
        )
    years = [{"year": y, "left": pct(dt.date(y, 1, 1))} for y in range(start.year + 1, end.year + 1)]
    return {"rows": out, "start": start, "end": end, "today_pct": pct(today), "years": years}


def _url(pk: int) -> str:
    try:
        return reverse("tasks:detail", args=[pk])
    except NoReverseMatch:
        return ""


def task_todos(user: User, today: dt.date) -> list[Todo]:
    """To-do items (registered with ``eduplan.common.todos`` by ``TasksConfig.ready``): for a county officer, the county's
    open tasks due within ``[rectification] remind_days`` or overdue; for the city, the tasks it
    tracks (escalated) that are overdue."""
    items: list[Todo] = []
    if permissions.has_duty(user, "county_followup"):
        soon = today + dt.timedelta(days=int(standards.value("rectification", "remind_days")))
        qs = tasks_for(user).filter(state__in=OPEN_TASK_STATES, deadline__lte=soon)
        verb_zh, verb_en, kind = "推进计划任务", "Plan task due", "task_due"
    elif permissions.has_duty(user, "city_followup"):
        qs = tasks_for(user).filter(state__in=OPEN_TASK_STATES, level=TaskLevel.CITY, deadline__lt=today)
        verb_zh, verb_en, kind = "市级督办逾期任务", "City-tracked task overdue", "task_escalated"
    else:
        return items
    for t in qs.order_by("deadline", "pk"):
        items.append(
            Todo(
                kind=kind,
                title_zh=f"{verb_zh}:{t.county.name} {t.clause} {t.title_zh[:30]}",
                title_en=f"{verb_en}: {t.county.name} {t.clause} {t.title_en[:40]}",
                due_on=t.deadline,
                days_left=(t.deadline - today).days,
                url=_url(t.pk),
                county=t.county.code,
            )
        )
    return items


def allowed_actions(task: CountyTask, user: User | None) -> list[str]:
    """Buttons to offer (each action re-checks everything)."""
    from .actions import TRANSITIONS

    own = task.plan_task_id is None
    roles = permissions.CAPABILITIES
    # The county cancels or extends a task it added itself; the city any task (``_city_or_own``).
    direct = (*roles["may_assign_tasks"], *roles["may_do_county_tasks"]) if own else roles["may_assign_tasks"]
    offers = {
        "start": roles["may_do_county_tasks"],
        "progress": roles["may_do_county_tasks"],
        "complete": roles["may_do_county_tasks"],
        "cancel": direct,
        "extend": direct,
        "escalate": roles["may_escalate"],
    }
    offered = offered_actions(TRANSITIONS, task.state, role_of(user), offers)
    offered = [a for a in offered if not (a == "escalate" and task.level == TaskLevel.CITY)]
    if task.is_open and (
        permissions.has(user, "may_do_county_tasks") or permissions.has(user, "may_assign_tasks")
    ):
        offered.append("responsible")  # not a transition: naming who answers for the task
    return offered
