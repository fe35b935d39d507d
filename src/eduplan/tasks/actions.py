"""Every write of the tasks app: syncing the plan's tasks, assigning them to counties, the status
workflow with progress and evidence, escalation of overdue tasks, and county action plans.

Status workflow (docs/tasks.md)::

    not_started ──start / progress──▶ in_progress ──complete──▶ done
         │                               │
         └────────cancel (reason)────────┴──────▶ cancelled

- A progress update on a task not yet started starts it; ``done`` and ``cancelled`` are final.
  Completing a task nobody has started, or reporting on a finished one, is refused whoever asks.
- *Overdue* is derived: an open task past its deadline (``CountyTask.is_overdue``). The daily sweep
  (``eduplan tasks overdue --escalate``) raises an overdue task from county to city tracking
  (督办) ``[rectification] escalate_after_days`` after its deadline, as rectification orders are.
- Who: the city assigns, cancels, extends and escalates; the county officer of the task's county
  starts it, reports progress and completes it. A county may cancel or extend a task it added to
  its own action plan. Principals, supervisors and viewers only read.
- Every change is a :class:`~.models.TaskEvent` and a history entry (django-simple-history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User
from eduplan.common.evidence import check_files, store_files
from eduplan.common.workflow import (
    SUPERUSER,
    SYSTEM,
    actor,
    escalate_overdue,
    escalate_to_city,
    extend_deadline,
    local_day,
    next_state,
    now_or,
    record_transition,
    refuse,
    require_reason,
    require_scope,
    role_of,
    save_with_history,
)
from eduplan.plans.assumptions import pending_tasks
from eduplan.plans.checks import clauses_for
from eduplan.plans.loader import Plan, TaskSpec, load_plan
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

from .models import (
    OPEN_TASK_STATES,
    CountyPlan,
    CountyPlanState,
    CountyTask,
    Evidence,
    Milestone,
    PlanTask,
    ProgressUpdate,
    TaskLevel,
    TaskState,
)


def task_clauses() -> tuple[str, ...]:
    """The clauses the plan in force maps the plan-task workflow to (tests/tasks check this
    against the ``[[tasks]]`` of the file)."""
    return clauses_for("workflow:plan_tasks")


TRANSITIONS: dict[tuple[str, str], str] = {
    (TaskState.NOT_STARTED, "start"): TaskState.IN_PROGRESS,
    (TaskState.NOT_STARTED, "progress"): TaskState.IN_PROGRESS,
    (TaskState.IN_PROGRESS, "progress"): TaskState.IN_PROGRESS,
    (TaskState.IN_PROGRESS, "complete"): TaskState.DONE,
    (TaskState.NOT_STARTED, "cancel"): TaskState.CANCELLED,
    (TaskState.IN_PROGRESS, "cancel"): TaskState.CANCELLED,
    (TaskState.NOT_STARTED, "extend"): TaskState.NOT_STARTED,
    (TaskState.IN_PROGRESS, "extend"): TaskState.IN_PROGRESS,
    (TaskState.NOT_STARTED, "escalate"): TaskState.NOT_STARTED,
    (TaskState.IN_PROGRESS, "escalate"): TaskState.IN_PROGRESS,
}
ACTIONS = {
    "assign": "下达 Assign",
    "start": "启动 Start",
    "progress": "报送进展 Report progress",
    "complete": "完成 Complete",
    "cancel": "取消 Cancel",
    "extend": "延期 Extend",
    "escalate": "升级督办 Escalate",
}
STATE_LABELS = dict(TaskState.choices)
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (CountyPlanState.DRAFT, "derive"): CountyPlanState.DRAFT,
    (CountyPlanState.DRAFT, "set_target"): CountyPlanState.DRAFT,
    (CountyPlanState.DRAFT, "adopt"): CountyPlanState.ADOPTED,
    (CountyPlanState.ADOPTED, "revise"): CountyPlanState.DRAFT,
}
PLAN_ACTIONS = {
    "derive": "生成 Derive",
    "set_target": "修改目标 Change a target",
    "adopt": "印发 Adopt",
    "revise": "修订 Revise",
}
PLAN_STATE_LABELS = dict(CountyPlanState.choices)


def _next(task: CountyTask, action: str) -> str:
    return next_state(TRANSITIONS, task.state, action, STATE_LABELS, ACTIONS)


def _record(
    task: CountyTask, action: str, before: str, user: User | None, at: dt.datetime, note: str = ""
) -> None:
    record_transition(task, action, before, user, at, level=task.level, note=note)


def _county(division: Division) -> Division:
    if division.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": f"{division} 不是县级区划 / is not a county"})
    return division


def county_department(county: Division, department: str) -> str:
    """The county's own department for a city department: 教育体育局 → 红塔区教育体育局."""
    department = department.strip()
    return department if department.startswith(county.name) else f"{county.name}{department}"


# -- the plan's tasks ------------------------------------------------------------------------------


@transaction.atomic
def sync_plan_tasks(
    plan: Plan | None = None, *, user: User | None = None, at: dt.datetime | None = None
) -> dict[str, int]:
    """Copy the plan file's ``[[tasks]]`` into :class:`PlanTask` rows: new ones are created,
    changed ones updated (history keeps the old text), tasks no longer in the file deactivated
    (never deleted: assignments refer to them)."""
    permissions.require(
        user, "may_assign_tasks", "计划任务由市教育体育局同步", "only the city bureau syncs the plan's tasks"
    )
    plan = plan or load_plan()
    moment = now_or(at)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0}
    existing = {t.code: t for t in PlanTask.objects.filter(plan=plan.id)}
    for spec in plan.tasks:
        values = _plan_task_values(spec)
        row = existing.pop(spec.id, None)
        if row is None:
            row = PlanTask(plan=plan.id, code=spec.id, synced_at=moment, **values)
            counts["created"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()) or not row.active:
            for k, v in values.items():
                setattr(row, k, v)
            row.active = True
            row.synced_at = moment
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
            continue
        save_with_history(row, user=user, reason="同步规划文件 synced from the plan file")
    for row in existing.values():
        if row.active:
            row.active = False
            row.synced_at = moment
            save_with_history(row, user=user, reason="规划文件中已删除 removed from the plan file")
            counts["deactivated"] += 1
    return counts


def _plan_task_values(spec: TaskSpec) -> dict[str, Any]:
    return {
        "clause": spec.clause,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "lead": spec.lead,
        "cooperating": list(spec.cooperating),
        "deadline": spec.deadline,
        "milestones": [
            {"title_zh": m.title_zh, "title_en": m.title_en, "due": m.due.isoformat()}
            for m in spec.milestones
        ],
    }


@transaction.atomic
def assign_task(
    plan_task: PlanTask,
    county: Division,
    *,
    deadline: dt.date | None = None,
    lead: str = "",
    user: User | None = None,
    at: dt.datetime | None = None,
) -> CountyTask:
    """Assign a plan task to a county with the county's deadline (default: the city's) and lead
    department (default: the county's department of the city's lead); milestones are copied."""
    permissions.require(
        user,
        "may_assign_tasks",
        "任务由市教育体育局下达到县",
        "only the city bureau assigns tasks to counties",
    )
    _county(county)
    if user is not None and role_of(user) not in (SUPERUSER, SYSTEM):
        require_scope(user, county)
    if not plan_task.active:
        raise ValidationError(
            {"plan_task": f"任务 {plan_task.code} 已不在规划文件中 / no longer in the plan file"}
        )
    if CountyTask.objects.filter(plan_task=plan_task, county=county).exists():
        raise ValidationError(
            {"plan_task": f"{county.name}已有任务 {plan_task.code} / {county.name} already has this task"}
        )
    return _create_county_task(
        plan_task, county, deadline=deadline, lead=lead, user=user, at=at, why="assign"
    )


def _create_county_task(
    plan_task: PlanTask,
    county: Division,
    *,
    deadline: dt.date | None,
    lead: str,
    user: User | None,
    at: dt.datetime | None,
    why: str,
) -> CountyTask:
    moment = now_or(at)
    task = CountyTask(
        plan_task=plan_task,
        county=county,
        clause=plan_task.clause,
        title_zh=plan_task.title_zh,
        title_en=plan_task.title_en,
        lead=(lead or "").strip() or county_department(county, plan_task.lead),
        cooperating=[county_department(county, d) for d in plan_task.cooperating],
        deadline=deadline or plan_task.deadline,
        assigned_by=actor(user),
        assigned_at=moment,
    )
    save_with_history(task, user=user, reason="下达 assigned")
    for m in plan_task.milestones:
        Milestone.objects.create(
            task=task,
            title_zh=m["title_zh"],
            title_en=m.get("title_en", ""),
            due=dt.date.fromisoformat(m["due"]),
        )
    _record(
        task,
        "assign",
        "",
        user,
        moment,
        "由县级行动计划生成 derived for the county plan" if why == "derive" else "",
    )
    return task


def assign_to_counties(
    plan_tasks: Iterable[PlanTask],
    counties: Iterable[Division],
    *,
    deadline: dt.date | None = None,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> list[CountyTask]:
    """Assign each task to each county that does not have it yet (the others are skipped)."""
    done = []
    for plan_task in plan_tasks:
        for county in counties:
            if CountyTask.objects.filter(plan_task=plan_task, county=county).exists():
                continue
            done.append(assign_task(plan_task, county, deadline=deadline, user=user, at=at))
    return done


@transaction.atomic
def add_county_task(
    county: Division,
    *,
    title_zh: str,
    lead: str,
    deadline: dt.date,
    clause: str = "",
    title_en: str = "",
    user: User | None = None,
    at: dt.datetime | None = None,
) -> CountyTask:
    """A task the county adds to its own action plan (not in the city plan)."""
    permissions.require(
        user, "may_work_tasks", "县级任务由县、市教育体育局添加", "county or city officers add county tasks"
    )
    _county(county)
    if user is not None:
        require_scope(user, county, write=True)
    if not (title_zh or "").strip():
        raise ValidationError({"title_zh": "请填写任务名称 / give the task a title"})
    if not (lead or "").strip():
        raise ValidationError({"lead": "请填写牵头单位 / name the lead department"})
    moment = now_or(at)
    task = CountyTask(
        county=county,
        clause=(clause or "").strip(),
        title_zh=title_zh.strip(),
        title_en=(title_en or "").strip(),
        lead=lead.strip(),
        deadline=deadline,
        assigned_by=actor(user),
        assigned_at=moment,
    )
    save_with_history(task, user=user, reason="县级自定任务 added by the county")
    _record(task, "assign", "", user, moment, "县级自定任务 added by the county")
    return task


# -- the status workflow -------------------------------------------------------------------------


def _require_county_task_doer(user: User | None, task: CountyTask, zh: str, en: str) -> None:
    permissions.require(user, "may_do_county_tasks", zh, en)
    require_scope(user, task, write=True)


def _city_or_own(user: User | None, task: CountyTask, zh: str, en: str) -> None:
    """The city for any task; the county itself only for a task it added."""
    if permissions.has_duty(user, "county_followup") and task.plan_task_id is None:
        require_scope(user, task, write=True)
        return
    permissions.require(user, "may_assign_tasks", zh, en)
    require_scope(user, task, write=True)


@transaction.atomic
def start_task(task: CountyTask, *, user: User | None = None, at: dt.datetime | None = None) -> CountyTask:
    before = task.state
    target = _next(task, "start")
    _require_county_task_doer(user, task, "任务由本县教育体育局启动", "the county's officer starts its task")
    moment = now_or(at)
    task.state = target
    task.started_at = moment
    save_with_history(task, user=user, reason="启动 started")
    _record(task, "start", before, user, moment)
    return task


@transaction.atomic
def record_progress(
    task: CountyTask,
    *,
    text: str,
    percent: int | None = None,
    stage: str = "",
    files: Iterable[Any] = (),
    user: User | None = None,
    at: dt.datetime | None = None,
) -> ProgressUpdate:
    """The county reports progress: a percentage and/or a stage, what was done, evidence files.
    A task not yet started is started by its first report; a finished or cancelled one refuses."""
    before = task.state
    target = _next(task, "progress")
    _require_county_task_doer(
        user, task, "进展由本县教育体育局报送", "the county's officer reports progress on its task"
    )
    if not (text or "").strip():
        raise ValidationError({"text": "请说明进展情况 / say what was done"})
    if percent is not None and not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": f"完成比例应在0到100之间 / percent must be 0–100, not {percent}"})
    # Evidence files follow the rectification evidence rules; empty file inputs are skipped.
    checked = check_files(f for f in files if f)
    moment = now_or(at)
    update = ProgressUpdate(
        task=task,
        percent=int(percent) if percent is not None else None,
        stage=(stage or "").strip()[:100],
        text=text.strip(),
        submitted_by=actor(user),
        submitted_at=moment,
    )
    save_with_history(update, user=user)
    store_files(Evidence, checked, update=update)
    if percent is not None:
        task.percent = int(percent)
    if update.stage:
        task.stage = update.stage
    task.state = target
    if before == TaskState.NOT_STARTED:
        task.started_at = moment
    save_with_history(task, user=user, reason="报送进展 progress reported")
    _record(task, "progress", before, user, moment, text.strip()[:500])
    return update


@transaction.atomic
def complete_task(
    task: CountyTask, *, note: str = "", user: User | None = None, at: dt.datetime | None = None
) -> CountyTask:
    """The county declares the task done (only a task in progress: report progress first)."""
    before = task.state
    target = _next(task, "complete")
    _require_county_task_doer(
        user, task, "任务由本县教育体育局确认完成", "the county's officer completes its task"
    )
    moment = now_or(at)
    task.state = target
    task.percent = 100
    task.done_at = moment
    save_with_history(task, user=user, reason="完成 done")
    _record(task, "complete", before, user, moment, (note or "").strip())
    return task


@transaction.atomic
def cancel_task(
    task: CountyTask, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> CountyTask:
    """Cancel an open task, saying why (the city; a county only for a task it added)."""
    before = task.state
    target = _next(task, "cancel")
    _city_or_own(user, task, "下达的任务由市教育体育局取消", "only the city cancels a task it assigned")
    reason = require_reason(reason)
    moment = now_or(at)
    task.state = target
    task.cancel_reason = reason
    save_with_history(task, user=user, reason="取消 cancelled")
    _record(task, "cancel", before, user, moment, reason)
    return task


@transaction.atomic
def extend_task_deadline(
    task: CountyTask,
    new_deadline: dt.date,
    reason: str,
    *,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> CountyTask:
    """Give more time, with a reason; the old deadline stays in the history and the event log."""
    _next(task, "extend")
    _city_or_own(user, task, "任务期限由市教育体育局调整", "only the city extends a task's deadline")
    return extend_deadline(task, new_deadline, reason, user=user, at=at)


@transaction.atomic
def name_responsible(task: CountyTask, person: str, *, user: User | None = None) -> CountyTask:
    """Name the person answerable for a county task (责任人): the county for its own tasks, the
    city for any. An open task needs one; a name is replaced, never cleared (history keeps it)."""
    if not (permissions.has(user, "may_do_county_tasks") or permissions.has(user, "may_assign_tasks")):
        permissions.require(
            user,
            "may_do_county_tasks",
            "责任人由县、市教育体育局确定",
            "county or city officers name the responsible person",
        )
    if user is not None:
        require_scope(user, task, write=True)
    person = (person or "").strip()
    if not person:
        raise ValidationError(
            {"responsible": "请填写责任人姓名及职务 / give the responsible person's name and post"}
        )
    if not task.is_open:
        raise ValidationError({"responsible": "任务已结束 / the task is closed"})
    task.responsible = person
    save_with_history(task, user=user, reason="确定责任人 responsible person named")
    return task


@transaction.atomic
def escalate_task(
    task: CountyTask, *, reason: str = "", user: User | None = None, at: dt.datetime | None = None
) -> CountyTask:
    """Raise an open task from county to city tracking (督办); the daily sweep does this for
    overdue tasks, a city officer may do it by hand."""
    _next(task, "escalate")
    permissions.require(user, "may_escalate", "升级督办由市教育体育局决定", "only the city escalates a task")
    require_scope(user, task)
    note = reason or "逾期未完成,升级市级督办 overdue: escalated to the city"
    return escalate_to_city(task, TaskLevel.CITY, note, noun=("任务", "task"), user=user, at=at)


def escalate_overdue_tasks(today: dt.date, *, at: dt.datetime | None = None) -> list[CountyTask]:
    """The daily sweep: every county-level open task more than ``[rectification]
    escalate_after_days`` past its deadline goes to the city (the same grace as rectification).
    A deadline that is an unconfirmed assumption (eduplan.plans.assumptions) never escalates."""
    open_at_county = (
        CountyTask.objects.filter(state__in=OPEN_TASK_STATES, level=TaskLevel.COUNTY)
        .exclude(plan_task__code__in=pending_tasks())
        .select_related("county")
    )
    return escalate_overdue(open_at_county, today, escalate_task, undone_zh="未完成", at=at)


@transaction.atomic
def complete_milestone(
    milestone: Milestone,
    done_on: dt.date | None = None,
    *,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> Milestone:
    """Mark a milestone reached (the county officer of an open task)."""
    task = milestone.task
    if not task.is_open:
        raise refuse("任务已结束,节点不能再修改", "the task is closed: its milestones can no longer change")
    _require_county_task_doer(user, task, "节点由本县教育体育局确认", "the county's officer marks milestones")
    moment = now_or(at)
    milestone.done_on = done_on or local_day(moment)
    save_with_history(milestone, user=user)
    _record(task, "milestone", task.state, user, moment, f"{milestone.title_zh} {milestone.done_on}")
    return milestone


# -- county action plans ---------------------------------------------------------------


def _plan_next(plan: CountyPlan, action: str) -> str:
    return next_state(PLAN_TRANSITIONS, plan.state, action, PLAN_STATE_LABELS, PLAN_ACTIONS)


def plan_targets(
    county: Division, plan: Plan, allocated: Mapping[str, tuple[float, str]] | None = None
) -> list[dict[str, Any]]:
    """The county's targets: for every indicator of the city plan's target set, the county's
    allocated value where ``allocated`` has one (``{indicator: (value, source)}``), else the
    city's target."""
    allocated = allocated or {}
    out = []
    for spec in plan.indicator_set("targets"):
        if spec.target is None:
            continue
        value, source = allocated.get(spec.id, (spec.target.value, "city"))
        out.append(
            {
                "indicator": spec.id,
                "name_zh": spec.name_zh,
                "name_en": spec.name_en,
                "clause": spec.clause,
                "unit": spec.unit,
                "comparison": spec.target.comparison,
                "city_value": spec.target.value,
                "value": float(value),
                "source": source,
                "deadline": spec.target.deadline.isoformat(),
            }
        )
    return out


@transaction.atomic
def derive_county_plan(
    county: Division,
    *,
    allocated: Mapping[str, tuple[float, str]] | None = None,
    user: User | None = None,
    at: dt.datetime | None = None,
    plan: Plan | None = None,
) -> CountyPlan:
    """Derive (or re-derive, while a draft) the county's action plan from the city plan: targets
    (:func:`plan_targets`; ``allocated`` defaults to :func:`eduplan.tasks.county_plans.allocated_targets`)
    and a county task, with the county's departments, for every plan task it does not have yet."""
    permissions.require(
        user,
        "may_adopt_targets",
        "县级行动计划由县、市教育体育局生成",
        "county or city officers derive a county plan",
    )
    _county(county)
    if user is not None:
        require_scope(user, county, write=True)
    plan = plan or load_plan()
    moment = now_or(at)
    row = CountyPlan.objects.filter(county=county, plan=plan.id).first()
    if row is not None:
        _plan_next(row, "derive")
    if allocated is None:
        from .county_plans import allocated_targets

        allocated = allocated_targets(county)
    if row is None:
        row = CountyPlan(county=county, plan=plan.id, derived_at=moment)
    row.targets = plan_targets(county, plan, allocated)
    row.derived_at = moment
    row.derived_by = actor(user)
    save_with_history(row, user=user, reason="由市级计划生成 derived from the city plan")
    for plan_task in PlanTask.objects.filter(plan=plan.id, active=True):
        if not CountyTask.objects.filter(plan_task=plan_task, county=county).exists():
            _create_county_task(plan_task, county, deadline=None, lead="", user=user, at=at, why="derive")
    return row


@transaction.atomic
def set_county_plan_target(
    row: CountyPlan, indicator: str, value: float, *, user: User | None = None
) -> CountyPlan:
    """The county sets its own value for a target while the plan is a draft."""
    _plan_next(row, "set_target")
    permissions.require(
        user,
        "may_adopt_targets",
        "县级目标由县、市教育体育局修改",
        "county or city officers change a county target",
    )
    if user is not None:
        require_scope(user, row, write=True)
    targets = [dict(t) for t in row.targets]
    for t in targets:
        if t["indicator"] == indicator:
            t["value"] = float(value)
            t["source"] = "county"
            break
    else:
        raise ValidationError(
            {"indicator": f"县级计划中没有指标 {indicator} / the county plan has no target {indicator!r}"}
        )
    row.targets = targets
    save_with_history(row, user=user, reason=f"修改目标 {indicator}")
    return row


@transaction.atomic
def adopt_county_plan(row: CountyPlan, adopted_on: dt.date, *, user: User | None = None) -> CountyPlan:
    """The county government adopts (印发) its action plan on ``adopted_on``."""
    target = _plan_next(row, "adopt")
    permissions.require(
        user,
        "may_adopt_targets",
        "县级行动计划由县、市教育体育局登记印发",
        "county or city officers record the adoption",
    )
    if user is not None:
        require_scope(user, row, write=True)
    row.state = target
    row.adopted_on = adopted_on
    save_with_history(row, user=user, reason="印发 adopted")
    return row


@transaction.atomic
def revise_county_plan(row: CountyPlan, reason: str, *, user: User | None = None) -> CountyPlan:
    """Reopen an adopted plan as a draft for revision, saying why."""
    target = _plan_next(row, "revise")
    permissions.require(
        user,
        "may_adopt_targets",
        "县级行动计划由县、市教育体育局修订",
        "county or city officers revise a county plan",
    )
    if user is not None:
        require_scope(user, row, write=True)
    reason = require_reason(reason)
    row.state = target
    row.note = reason
    save_with_history(row, user=user, reason=f"修订 revised: {reason}")
    return row
