"""Plan tasks (the qualitative measures of the plan) and county action plans.

- :class:`PlanTask` — a task of the plan file (``[[tasks]]``), copied into the database by
  ``eduplan tasks sync`` so that assignments can refer to it; the plan file stays the source.
- :class:`CountyTask` — a task assigned to one county, with the county's own deadline and lead
  department, its status, progress and escalation level. Tasks a county adds to its own action plan
  have no plan task.
- :class:`Milestone`, :class:`ProgressUpdate` (with :class:`Evidence` files) and
  :class:`TaskEvent` (who moved the task from which state to which, when, why).
- :class:`CountyPlan` — a county's own action plan derived from the city plan.

Models hold state; every write is an action in :mod:`eduplan.tasks.actions`. "Overdue" is not a
stored status: it is derived from the deadline (an open task past its deadline), so it can never
disagree with the date; the daily sweep only raises the *level* (county → city) of overdue tasks.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from eduplan.accounts.scoping import Scope
from eduplan.common.events import StateEvent
from eduplan.common.evidence import EvidenceFile
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

USER = settings.AUTH_USER_MODEL


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", "未启动 Not started"
    IN_PROGRESS = "in_progress", "推进中 In progress"
    DONE = "done", "已完成 Done"
    CANCELLED = "cancelled", "已取消 Cancelled"


OPEN_TASK_STATES = (TaskState.NOT_STARTED, TaskState.IN_PROGRESS)


class TaskLevel(models.TextChoices):
    COUNTY = "county", "县级督办 County"
    CITY = "city", "市级督办 City"


class CountyPlanState(models.TextChoices):
    DRAFT = "draft", "草案 Draft"
    ADOPTED = "adopted", "已印发 Adopted"


class PlanTask(models.Model):
    """A task of the plan file. Plan tasks are the plan's own text (public); they carry no county
    and are not scoped: every officer may read them. Only ``sync_plan_tasks`` writes them."""

    plan = models.CharField("规划 plan", max_length=40)
    code = models.CharField("任务编号 task id", max_length=60)
    clause = models.CharField("条款 clause", max_length=16)
    title_zh = models.CharField("任务 task", max_length=200)
    title_en = models.CharField("task (English)", max_length=200, blank=True)
    lead = models.CharField("牵头单位 lead", max_length=60)
    cooperating = models.JSONField("配合单位 cooperating", default=list, blank=True)
    deadline = models.DateField("完成期限 deadline")
    milestones = models.JSONField("节点 milestones", default=list, blank=True)
    active = models.BooleanField("在规划文件中 in the plan file", default=True)
    synced_at = models.DateTimeField("同步时间 synced")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "规划任务 plan task"
        verbose_name_plural = "规划任务 plan tasks"
        ordering = ["plan", "clause", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_task_unique_code")]

    def __str__(self) -> str:
        return f"{self.clause} {self.title_zh}"


class CountyTask(models.Model):
    """A task in one county: assigned from the plan (``plan_task``) or added by the county to its
    own action plan (``plan_task`` empty)."""

    plan_task = models.ForeignKey(
        PlanTask, null=True, blank=True, on_delete=models.PROTECT, related_name="county_tasks"
    )
    county = models.ForeignKey(
        Division, verbose_name="县(市、区) county", on_delete=models.PROTECT, related_name="plan_tasks"
    )
    clause = models.CharField("条款 clause", max_length=16, blank=True)
    title_zh = models.CharField("任务 task", max_length=200)
    title_en = models.CharField("task (English)", max_length=200, blank=True)
    lead = models.CharField("牵头单位 lead", max_length=80)
    responsible = models.CharField(
        "责任人 responsible person",
        max_length=60,
        blank=True,
        help_text="姓名及职务,如:张某(县教育体育局副局长) name and post",
    )
    cooperating = models.JSONField("配合单位 cooperating", default=list, blank=True)
    deadline = models.DateField("完成期限 deadline")
    state = models.CharField(
        "状态 status", max_length=12, choices=TaskState.choices, default=TaskState.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(
        "完成比例(%) percent done", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    stage = models.CharField("当前阶段 stage", max_length=100, blank=True)
    level = models.CharField(
        "督办层级 level", max_length=8, choices=TaskLevel.choices, default=TaskLevel.COUNTY
    )
    escalated_at = models.DateTimeField("升级督办时间 escalated", null=True, blank=True)
    cancel_reason = models.TextField("取消原因 cancellation reason", blank=True)
    started_at = models.DateTimeField("启动时间 started", null=True, blank=True)
    done_at = models.DateTimeField("完成时间 done", null=True, blank=True)
    assigned_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField("下达时间 assigned")
    updated_at = models.DateTimeField("更新时间 updated", auto_now=True)

    history = HistoricalRecords()
    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "县级任务 county task"
        verbose_name_plural = "县级任务 county tasks"
        ordering = ["county__code", "deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_task", "county"],
                condition=models.Q(plan_task__isnull=False),
                name="county_task_unique_assignment",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"]), models.Index(fields=["county", "state"])]

    def __str__(self) -> str:
        return f"{self.county.name} {self.clause} {self.title_zh}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TASK_STATES

    def is_overdue(self, today: dt.date) -> bool:
        """Open after its deadline (overdue is derived, never stored)."""
        return self.is_open and today > self.deadline

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.deadline).days if self.is_overdue(today) else 0

    def display_state(self, today: dt.date) -> str:
        """The status as shown: 逾期 overdue for an open task past its deadline."""
        return "overdue" if self.is_overdue(today) else self.state

    def clean(self) -> None:
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            raise ValidationError({"county": f"{self.county} 不是县级区划 / is not a county"})
        if self.state == TaskState.CANCELLED and not (self.cancel_reason or "").strip():
            raise ValidationError({"cancel_reason": "取消须写明原因 / a cancelled task needs a reason"})


class Milestone(models.Model):
    """A dated step of a county task (copied from the plan task's milestones on assignment)."""

    task = models.ForeignKey(CountyTask, on_delete=models.CASCADE, related_name="milestones")
    title_zh = models.CharField("节点 milestone", max_length=200)
    title_en = models.CharField("milestone (English)", max_length=200, blank=True)
    due = models.DateField("节点日期 due")
    done_on = models.DateField("完成日期 done on", null=True, blank=True)

    SCOPE = Scope(county="task__county")

    class Meta:
        verbose_name = "任务节点 milestone"
        verbose_name_plural = "任务节点 milestones"
        ordering = ["task", "due", "pk"]

    def __str__(self) -> str:
        return f"{self.title_zh} {self.due}"


class ProgressUpdate(models.Model):
    """What the county reports: a percentage and/or a stage, a text, evidence files."""

    task = models.ForeignKey(CountyTask, on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(
        "完成比例(%) percent", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    stage = models.CharField("阶段 stage", max_length=100, blank=True)
    text = models.TextField("进展情况 progress")
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("报送时间 submitted")

    SCOPE = Scope(county="task__county")

    class Meta:
        verbose_name = "任务进展 progress update"
        verbose_name_plural = "任务进展 progress updates"
        ordering = ["task", "-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} {self.submitted_at:%Y-%m-%d}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    task = instance.update.task
    return f"tasks/evidence/{task.county.code}/{task.pk}/{filename}"


class Evidence(EvidenceFile):
    """A photo or file attached to a progress update; stored under MEDIA_ROOT like supervision's
    rectification evidence and served only through a scoped view."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件 file", upload_to=_evidence_path, max_length=300)

    SCOPE = Scope(county="update__task__county")

    class Meta:
        verbose_name = "任务佐证 evidence file"
        verbose_name_plural = "任务佐证 evidence files"


class TaskEvent(StateEvent):
    """Every change of a county task's state, level or deadline: who, when, from → to, why."""

    task = models.ForeignKey(CountyTask, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("原状态 from", max_length=12, blank=True)  # task states are longer
    to_state = models.CharField("新状态 to", max_length=12)
    level = models.CharField("督办层级 level", max_length=8, blank=True)
    note = models.TextField("说明 note", blank=True)

    SCOPE = Scope(county="task__county")

    class Meta:
        verbose_name = "任务流转记录 task event"
        verbose_name_plural = "任务流转记录 task events"
        ordering = ["task", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action} {self.from_state}→{self.to_state}"


class CountyPlan(models.Model):
    """A county's own action plan: targets derived from the city plan (the county's
    allocated target where an allocation exists, else the city's), and its tasks — the county's
    :class:`CountyTask` rows. ``targets`` is a list of ``{indicator, name_zh, unit, comparison,
    city_value, value, source, deadline}``."""

    county = models.ForeignKey(
        Division, verbose_name="县(市、区) county", on_delete=models.PROTECT, related_name="action_plans"
    )
    plan = models.CharField("市级规划 city plan", max_length=40)
    state = models.CharField(
        "状态 state", max_length=10, choices=CountyPlanState.choices, default=CountyPlanState.DRAFT
    )
    adopted_on = models.DateField("印发日期 adopted on", null=True, blank=True)
    targets = models.JSONField("目标 targets", default=list, blank=True)
    note = models.TextField("说明 note", blank=True)
    derived_at = models.DateTimeField("生成时间 derived")
    derived_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()
    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "县级行动计划 county action plan"
        verbose_name_plural = "县级行动计划 county action plans"
        ordering = ["county__code"]
        constraints = [models.UniqueConstraint(fields=["county", "plan"], name="county_plan_unique")]

    def __str__(self) -> str:
        return f"{self.county.name} {self.get_state_display()}"

    def clean(self) -> None:
        if self.state == CountyPlanState.ADOPTED and self.adopted_on is None:
            raise ValidationError({"adopted_on": "已印发的计划须有印发日期 / an adopted plan needs its date"})
