"""JSON API endpoints of the tasks app, mounted under ``/api/`` by eduplan.api.api.

``GET /api/tasks`` (scoped, filtered, paginated), ``GET /api/tasks/{id}`` (with milestones and
progress history) and ``POST /api/tasks/{id}/progress`` (the county officer's progress report; an
illegal transition is 409 with a bilingual ``detail``). A task outside the caller's scope is 404.
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations.

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from eduplan.api.auth import caller
from eduplan.common.workflow import TransitionError
from eduplan.tasks import actions, queries
from eduplan.tasks.models import CountyTask

router = Router(tags=["tasks 计划任务"])


class TaskFilters(Schema):
    county: str = ""
    status: str = ""
    department: str = ""
    clause: str = ""
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class ProgressIn(Schema):
    text: str
    percent: int | None = None
    stage: str = ""
    complete: bool = False


class Detail(Schema):
    detail: str


class ResponsibleIn(Schema):
    responsible: str


def _task(request: HttpRequest, pk: int) -> CountyTask:
    task = queries.tasks_for(caller(request)).filter(pk=pk).first()
    if task is None:
        raise Http404("没有这项任务,或不在您的管辖范围内 / no such task in your scope")
    return task


def _detail(task: CountyTask) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        **queries.task_record(task, today),
        "milestones": [
            {
                "title_zh": m.title_zh,
                "due": m.due.isoformat(),
                "done_on": m.done_on.isoformat() if m.done_on else None,
            }
            for m in task.milestones.all()
        ],
        "updates": [
            {
                "at": u.submitted_at.isoformat(),
                "percent": u.percent,
                "stage": u.stage,
                "text": u.text,
                "by": u.submitted_by.get_username() if u.submitted_by else "",
                "evidence": [e.name for e in u.evidence.all()],
            }
            for u in task.updates.select_related("submitted_by").prefetch_related("evidence")
        ],
    }


@router.get("/tasks", summary="计划任务列表 county tasks")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    today = timezone.localdate()
    qs = queries.filter_tasks(queries.tasks_for(caller(request)), filters.dict(), today)
    limit = max(1, min(filters.limit, 1000))
    chunk = qs.order_by("county__code", "deadline", "pk")[filters.offset : filters.offset + limit]
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": filters.offset,
        "items": [queries.task_record(t, today) for t in chunk],
    }


@router.get("/tasks/{int:pk}", summary="任务详情 one task with its progress")
def task_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(_task(request, pk))


@router.post(
    "/tasks/{int:pk}/progress", summary="报送进展 report progress", response={200: dict, 409: Detail}
)
def post_progress(request: HttpRequest, pk: int, body: ProgressIn) -> Any:
    task = _task(request, pk)
    user = caller(request)
    try:
        actions.record_progress(task, text=body.text, percent=body.percent, stage=body.stage, user=user)
        if body.complete:
            actions.complete_task(task, user=user)
    except TransitionError as exc:
        return Status(409, {"detail": str(exc)})
    task.refresh_from_db()
    return _detail(task)


@router.post(
    "/tasks/{int:pk}/responsible",
    summary="确定责任人 name the responsible person",
    response={200: dict, 409: Detail},
)
def post_responsible(request: HttpRequest, pk: int, body: ResponsibleIn) -> Any:
    task = _task(request, pk)
    try:
        actions.name_responsible(task, body.responsible, user=caller(request))
    except ValidationError as exc:
        return Status(409, {"detail": "; ".join(exc.messages)})
    task.refresh_from_db()
    return _detail(task)
