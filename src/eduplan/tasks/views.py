"""Task pages under ``/office/tasks/``: thin — parse the request, call one action or query,
render. Records are fetched through the one scoping function (outside it: 404); every refusal
comes back as a message on the page in Chinese and English, never a traceback."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from eduplan.accounts import permissions
from eduplan.accounts.scoping import scope
from eduplan.common.evidence import file_response
from eduplan.common.pageactions import run_action
from eduplan.common.workflow import role_of
from eduplan.plans.loader import PlanError, load_plan
from eduplan.registry.models import Division

from . import actions, queries
from .county_plans import county_plan_overview, plans_for
from .models import Evidence, PlanTask, TaskLevel, TaskState


def _today() -> dt.date:
    return timezone.localdate()


#: Run one action; a refusal becomes a message on the page (returns ``None``).
_act = partial(run_action, refusals=(PlanError,))


def _date(request: HttpRequest, key: str) -> dt.date | None:
    text = request.POST.get(key, "")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        messages.error(request, f"日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD: {text!r}")
        return None


FILTER_KEYS = ("county", "status", "department", "clause", "level")


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "filters": _filters(request),
        "counties": scope(user, Division.objects.counties().order_by("code")),
        "statuses": list(queries.DISPLAY_STATES.items()),
        "levels": TaskLevel.choices,
        "role": role_of(user),
    }


#: Boards with more tasks than this start with every group folded (a 19,000-px table otherwise).
BOARD_EXPANDED_MAX = 40


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The task board by county (or by lead department with ``group=department``)."""
    user = request.user
    if request.method == "POST":
        _board_post(request)
        return redirect("tasks:board")
    today = _today()
    qs = queries.filter_tasks(queries.tasks_for(user), _filters(request), today)
    group = "department" if request.GET.get("group") == "department" else "county"
    return render(
        request,
        "tasks/board.html",
        {
            **_filter_context(request),
            "group": group,
            "groups": queries.board(qs, today, group),
            "total": (total := qs.count()),
            # A long board (nine counties × the plan's tasks) starts with its groups folded.
            "collapsed": total > BOARD_EXPANDED_MAX,
            "overdue_count": qs.filter(
                state__in=[TaskState.NOT_STARTED, TaskState.IN_PROGRESS], deadline__lt=today
            ).count(),
            "todos": queries.task_todos(user, today),
            "plan_tasks": PlanTask.objects.filter(active=True).count(),
            "today": today,
        },
    )


def _board_post(request: HttpRequest) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "sync":
        counts = _act(request, actions.sync_plan_tasks, user=user)
        if isinstance(counts, dict):
            messages.success(
                request,
                "已同步规划文件中的任务 / synced: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
            )
    elif action == "assign":
        if not permissions.may_assign_tasks(user):
            messages.error(
                request, "任务由市教育体育局下达到县 / only the city bureau assigns tasks to counties"
            )
            return
        counties = list(scope(user, Division.objects.counties().order_by("code")))
        done = _act(
            request,
            actions.assign_to_counties,
            list(PlanTask.objects.filter(active=True)),
            counties,
            user=user,
        )
        if isinstance(done, list):
            messages.success(request, f"已下达 {len(done)} 项 / {len(done)} assignments made")


@login_required
def timeline(request: HttpRequest) -> HttpResponse:
    today = _today()
    qs = queries.filter_tasks(queries.tasks_for(request.user), _filters(request), today)
    return render(
        request,
        "tasks/timeline.html",
        {**_filter_context(request), **queries.timeline(qs, today), "today": today},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = queries.tasks_for(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404("没有这项任务,或不在您的管辖范围内 / no such task in your scope")
    if request.method == "POST":
        _detail_post(request, task)
        return redirect("tasks:detail", task.pk)
    today = _today()
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "today": today,
            "status": task.display_state(today),
            "status_label": queries.DISPLAY_STATES[task.display_state(today)],
            "days_overdue": task.days_overdue(today),
            "milestones": list(task.milestones.all()),
            "updates": list(task.updates.select_related("submitted_by").prefetch_related("evidence")),
            "events": list(task.events.select_related("actor")),
            "actions": queries.allowed_actions(task, request.user),
        },
    )


def _detail_post(request: HttpRequest, task: Any) -> None:
    action = request.POST.get("action", "")
    user = request.user
    reason = request.POST.get("reason", "")
    if action == "progress":
        raw = request.POST.get("percent", "").strip()
        if raw and not raw.isdigit():
            messages.error(
                request, f"完成比例应为0到100的整数 / percent must be a whole number 0–100, not {raw!r}"
            )
            return
        _act(
            request,
            actions.record_progress,
            task,
            text=request.POST.get("text", ""),
            percent=int(raw) if raw else None,
            stage=request.POST.get("stage", ""),
            files=request.FILES.getlist("files"),
            user=user,
            ok="进展已报送 / progress reported",
        )
    elif action == "responsible":
        _act(
            request,
            actions.name_responsible,
            task,
            request.POST.get("responsible", ""),
            user=user,
            ok="责任人已确定 / responsible person named",
        )
    elif action == "start":
        _act(request, actions.start_task, task, user=user, ok="任务已启动 / task started")
    elif action == "complete":
        _act(
            request,
            actions.complete_task,
            task,
            note=request.POST.get("note", ""),
            user=user,
            ok="任务已完成 / task done",
        )
    elif action == "cancel":
        _act(request, actions.cancel_task, task, reason, user=user, ok="任务已取消 / task cancelled")
    elif action == "extend":
        day = _date(request, "deadline")
        if day:
            _act(
                request,
                actions.extend_task_deadline,
                task,
                day,
                reason,
                user=user,
                ok="期限已调整 / deadline extended",
            )
    elif action == "escalate":
        _act(request, actions.escalate_task, task, reason=reason, user=user, ok="已升级市级督办 / escalated")
    elif action == "milestone":
        m = task.milestones.filter(pk=request.POST.get("milestone") or 0).first()
        if m is None:
            messages.error(request, "没有这个节点 / no such milestone")
        else:
            _act(request, actions.complete_milestone, m, user=user, ok="节点已完成 / milestone reached")
    else:
        messages.error(request, f"未知操作 / unknown action {action!r}")


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence files are served only to users who see the task (never from a public URL); images
    and PDFs open inline, other files download."""
    item = scope(request.user, Evidence.objects.all()).filter(pk=pk).first()
    if item is None:
        raise Http404("没有这个文件,或您无权查看 / no such file in your scope")
    return file_response(item, inline=item.is_image or item.is_pdf)


@login_required
def county_plans(request: HttpRequest) -> HttpResponse:
    """County action plans: who has adopted one and how each differs from the city's."""
    user = request.user
    try:
        plan = load_plan()
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect("tasks:board")
    if request.method == "POST":
        _plans_post(request, plan)
        return redirect("tasks:plans")
    rows = county_plan_overview(user, plan.id)
    return render(
        request,
        "tasks/plans.html",
        {
            "rows": rows,
            "adopted": sum(1 for r in rows if r["adopted"]),
            "role": role_of(user),
            "can_write": permissions.may_work_tasks(user),
            "today": _today(),
        },
    )


def _plans_post(request: HttpRequest, plan: Any) -> None:
    user = request.user
    action = request.POST.get("action", "")
    if action == "derive":
        county = scope(user, Division.objects.counties()).filter(code=request.POST.get("county", "")).first()
        if county is None:
            messages.error(request, "没有这个县,或不在您的管辖范围内 / no such county in your scope")
            return
        _act(
            request,
            actions.derive_county_plan,
            county,
            user=user,
            plan=plan,
            ok=f"已生成{county.name}行动计划 / plan derived",
        )
        return
    row = plans_for(user).filter(pk=request.POST.get("plan") or 0).first()
    if row is None:
        messages.error(request, "没有这个计划,或不在您的管辖范围内 / no such plan in your scope")
    elif action == "adopt":
        day = _date(request, "adopted_on")
        if day:
            _act(request, actions.adopt_county_plan, row, day, user=user, ok="已登记印发 / adoption recorded")
    elif action == "revise":
        _act(
            request,
            actions.revise_county_plan,
            row,
            request.POST.get("reason", ""),
            user=user,
            ok="已转为草案修订 / reopened",
        )
    elif action == "set_target":
        raw = request.POST.get("value", "")
        try:
            value = float(raw)
        except ValueError:
            messages.error(request, f"目标值应为数值 / the target must be a number, not {raw!r}")
            return
        _act(
            request,
            actions.set_county_plan_target,
            row,
            request.POST.get("indicator", ""),
            value,
            user=user,
            ok="目标已修改 / target changed",
        )
    else:
        messages.error(request, f"未知操作 / unknown action {action!r}")
