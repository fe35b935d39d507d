"""The supervision loop's records: monthly reports (月报制), inspections and findings,
rectification orders (限期整改, 重大隐患督办), annual inspection results
(年检), incidents and notices (通报).

Models hold state; the transitions live in the action modules (``reports``, ``inspections``,
``rectification``, ``annual``, ``incidents``, ``notices``), which validate, check the user and
record who did what and when. Every workflow model keeps an event log (who, when, from → to, why)
and a full history (django-simple-history). Each model declares its ``SCOPE`` so that
``accounts.scoping.scope`` can restrict it to what a user may see.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from eduplan.accounts.scoping import Scope
from eduplan.common.events import StateEvent
from eduplan.common.evidence import EvidenceFile
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division, Institution
from eduplan.rules.findings import Severity

USER = settings.AUTH_USER_MODEL


# -- choices -------------------------------------------------------------------------------------


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    SUBMITTED = "submitted", "已报送 Submitted"
    RETURNED = "returned", "已退回 Returned"
    APPROVED = "approved", "已审核(锁定) Approved (locked)"


class TaskStatus(models.TextChoices):
    """Status of a plan task in a monthly report (the HISP Action Tracker's statuses)."""

    NOT_STARTED = "not_started", "未启动 Not started"
    IN_PROGRESS = "in_progress", "推进中 In progress"
    COMPLETED = "completed", "已完成 Completed"
    DELAYED = "delayed", "滞后 Delayed"


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", "日常督导 Routine"
    SPECIAL = "special", "专项督导 Special"
    FOLLOW_UP = "follow_up", "整改复查 Follow-up"
    JOINT = "joint", "联合检查 Joint (with police etc.)"


class InspectionState(models.TextChoices):
    OPEN = "open", "检查中 Open"
    COMPLETED = "completed", "已完成 Completed"


class CheckResult(models.TextChoices):
    UNCHECKED = "", "未检查 Not checked"
    PASS = "pass", "符合 Pass"
    FAIL = "fail", "不符合 Fail"
    NOT_APPLICABLE = "na", "不适用 Not applicable"


class FindingCategory(models.TextChoices):
    GENERAL = "general", "一般问题 General"
    SAFETY = "safety", "安全隐患 Safety"
    MAJOR_HAZARD = "major_hazard", "重大隐患 Major hazard"
    ABUSE = "abuse", "虐待、体罚 Abuse or corporal punishment"


class FindingSource(models.TextChoices):
    MANUAL = "manual", "督学记录 Recorded by the inspector"
    CHECKLIST = "checklist", "检查表 Checklist line"
    AUTOMATIC = "automatic", "规则自动发现(已确认) Automatic, confirmed"


class OrderState(models.TextChoices):
    ISSUED = "issued", "已下达 Issued"
    REPORTED = "reported", "已报整改 Rectification reported"
    REOPENED = "reopened", "复查未通过 Reopened"
    CLOSED = "closed", "已销号 Closed (verified)"
    CANCELLED = "cancelled", "已撤销 Cancelled"


OPEN_ORDER_STATES = (OrderState.ISSUED, OrderState.REPORTED, OrderState.REOPENED)
AWAITING_INSTITUTION = (OrderState.ISSUED, OrderState.REOPENED)


class OrderLevel(models.TextChoices):
    COUNTY = "county", "县级督办 County"
    CITY = "city", "市级督办 City"


class AnnualResult(models.TextChoices):
    PASS = "pass", "合格 Pass"
    BASIC_PASS = "basic_pass", "基本合格 Basic pass"
    FAIL = "fail", "不合格 Fail"


class AnnualState(models.TextChoices):
    DRAFT = "draft", "待公布 Draft"
    PUBLISHED = "published", "已公布 Published"


class IncidentKind(models.TextChoices):
    """The three kinds names."""

    SAFETY_ACCIDENT = "safety_accident", "重大安全事故 Major safety accident"
    MAJOR_CASE = "major_case", "重大案件 Major case"
    TEACHER_ETHICS = "teacher_ethics", "严重师德师风问题 Serious teacher-ethics problem"


def _county_only(division: Division | None, field: str) -> dict[str, str]:
    if division is not None and division.level != DivisionLevel.COUNTY:
        return {field: f"{division} 不是县级区划 / is not a county"}
    return {}


# -- monthly reports ----------------------------------------------------------


class ReportingDeadline(models.Model):
    """A due date set for one month instead of the default day (``[monthly_report] deadline_day``),
    e.g. later around the Spring Festival; DHIS2 keeps one rule for all periods, cities do not."""

    city = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    period = models.DateField("月份 month (first day)")
    due_on = models.DateField("报送截止日 due on")
    reason = models.CharField("原因 reason", max_length=200, blank=True)
    set_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField("设置时间 set at", auto_now=True)

    SCOPE = Scope(county="city")

    class Meta:
        verbose_name = "月报截止日 reporting deadline"
        verbose_name_plural = "月报截止日 reporting deadlines"
        constraints = [models.UniqueConstraint(fields=["city", "period"], name="deadline_unique_period")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} → {self.due_on}"

    def clean(self) -> None:
        if self.period and self.period.day != 1:
            raise ValidationError({"period": "月份须为当月1日 / the month is given by its first day"})
        if self.period and self.due_on and self.due_on <= self.period:
            raise ValidationError(
                {"due_on": "截止日须在该月之后 / the due date must be after the month starts"}
            )


class MonthlyReport(models.Model):
    """One county's report for one month of one plan: the values the registry cannot know yet,
    progress on each task, and a note. ``values`` and ``comments`` are keyed by the form's item
    keys (``data/monthly_report.toml``)."""

    county = models.ForeignKey(
        Division, verbose_name="县(市、区) county", on_delete=models.PROTECT, related_name="monthly_reports"
    )
    plan = models.CharField("规划 plan", max_length=40)
    period = models.DateField("月份 month (first day)")
    state = models.CharField(
        "状态 state", max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    values = models.JSONField("填报数值 values", default=dict, blank=True)
    comments = models.JSONField("数值说明 comments", default=dict, blank=True)
    note = models.TextField("工作进展说明 note", blank=True)
    warnings = models.JSONField("审核提示 validation warnings", default=list, blank=True)
    first_submitted_at = models.DateTimeField("首次报送 first submitted", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间 submitted", null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField("审核时间 approved", null=True, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    return_reason = models.TextField("退回/解锁原因 reason returned or unlocked", blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间 created", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间 updated", auto_now=True)

    history = HistoricalRecords()
    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "月报 monthly report"
        verbose_name_plural = "月报 monthly reports"
        ordering = ["-period", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "plan", "period"], name="monthly_report_unique"),
        ]
        indexes = [models.Index(fields=["period", "state"])]

    def __str__(self) -> str:
        return f"{self.county.name} {self.period:%Y-%m} ({self.get_state_display()})"

    @property
    def editable(self) -> bool:
        """Only a draft or a returned report can be changed; submitted ones are under review and
        approved ones are locked."""
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)

    @property
    def locked(self) -> bool:
        return self.state == ReportState.APPROVED

    def clean(self) -> None:
        errors = _county_only(self.county if self.county_id else None, "county")
        if self.period and self.period.day != 1:
            errors["period"] = "月份须为当月1日 / the month is given by its first day"
        if errors:
            raise ValidationError(errors)


class TaskProgress(models.Model):
    """Progress on one task of the plan (a clause of CLAUSES.md) in one monthly report."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="tasks")
    clause = models.CharField("条款 clause", max_length=16)
    lead = models.CharField("牵头单位 lead", max_length=40, blank=True)
    cooperating = models.CharField("配合单位 cooperating", max_length=200, blank=True)
    status = models.CharField(
        "进度 status", max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.TextField("进展情况 progress", blank=True)

    SCOPE = Scope(county="report__county")

    class Meta:
        verbose_name = "任务进展 task progress"
        verbose_name_plural = "任务进展 task progress"
        ordering = ["report", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "clause"], name="task_progress_unique")]

    def __str__(self) -> str:
        return f"{self.report} {self.clause}: {self.get_status_display()}"


class ReportEvent(StateEvent):
    """Who moved a report from which state to which, when, and why (the audit trail)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    reason = models.TextField("原因 reason", blank=True)

    SCOPE = Scope(county="report__county")

    class Meta:
        verbose_name = "月报流转记录 report event"
        verbose_name_plural = "月报流转记录 report events"
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.action} {self.from_state}→{self.to_state}"


# -- inspections and findings (挂牌督导) -------------------------------------


class Inspection(models.Model):
    """An inspection of one institution by its assigned supervisor (责任督学) or an officer."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(
        "类型 kind", max_length=10, choices=InspectionKind.choices, default=InspectionKind.ROUTINE
    )
    inspected_on = models.DateField("检查日期 inspected on")
    state = models.CharField(
        "状态 state", max_length=10, choices=InspectionState.choices, default=InspectionState.OPEN
    )
    summary = models.TextField("检查意见 summary", blank=True)
    completed_at = models.DateTimeField("完成时间 completed", null=True, blank=True)
    created_at = models.DateTimeField("创建时间 created", auto_now_add=True)

    history = HistoricalRecords()
    SCOPE = Scope(county="institution__county", institution=("institution",))

    class Meta:
        verbose_name = "督导检查 inspection"
        verbose_name_plural = "督导检查 inspections"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.inspected_on} {self.get_kind_display()}"


class ChecklistItem(models.Model):
    """One line of an inspection's checklist: a rule of the catalogue or a safety item."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField("编号 code", max_length=40)
    clause = models.CharField("条款 clause", max_length=40, blank=True)
    label_zh = models.CharField("检查内容 item", max_length=200)
    label_en = models.CharField("item (English)", max_length=200, blank=True)
    category = models.CharField(
        "类别 category", max_length=14, choices=FindingCategory.choices, default=FindingCategory.GENERAL
    )
    major_hazard = models.BooleanField("不符合即重大隐患 failing is a major hazard", default=False)
    result = models.CharField(
        "结果 result", max_length=4, choices=CheckResult.choices, blank=True, default=""
    )
    note = models.CharField("说明 note", max_length=400, blank=True)
    position = models.PositiveSmallIntegerField("顺序 order", default=0)

    SCOPE = Scope(county="inspection__institution__county", institution=("inspection__institution",))

    class Meta:
        verbose_name = "检查项 checklist line"
        verbose_name_plural = "检查项 checklist lines"
        ordering = ["inspection", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "code"], name="checklist_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label_zh}"


class Finding(models.Model):
    """Something wrong, confirmed in an inspection. Automatic findings of the rules catalogue are
    copied field by field when the inspector confirms them, so the record survives a rule change."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    source = models.CharField("来源 source", max_length=10, choices=FindingSource.choices)
    category = models.CharField(
        "类别 category", max_length=14, choices=FindingCategory.choices, default=FindingCategory.GENERAL
    )
    rule = models.CharField("规则 rule", max_length=40, blank=True)
    clause = models.CharField("条款 clause", max_length=40, blank=True)
    severity = models.CharField(
        "严重程度 severity", max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    entity_type = models.CharField("对象类型 entity type", max_length=12, default="institution")
    entity_code = models.CharField("对象代码 entity code", max_length=32)
    entity_name = models.CharField("对象名称 entity name", max_length=100)
    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    subject = models.CharField("具体对象 subject", max_length=200, blank=True)
    message_zh = models.TextField("问题 finding")
    message_en = models.TextField("finding (English)", blank=True)
    measured = models.JSONField("实测 measured", null=True, blank=True)
    required = models.JSONField("要求 required", null=True, blank=True)
    standard = models.CharField("标准依据 standard", max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("记录时间 recorded")

    SCOPE = Scope(county="county", institution=("institution",))

    class Meta:
        verbose_name = "督导发现 finding"
        verbose_name_plural = "督导发现 findings"
        ordering = ["inspection", "pk"]
        indexes = [models.Index(fields=["institution", "category"])]

    def __str__(self) -> str:
        return f"{self.entity_name}: {self.message_zh[:40]}"

    @property
    def is_major_hazard(self) -> bool:
        return self.category == FindingCategory.MAJOR_HAZARD


# -- rectification (限期整改, 重大隐患督办) ---------------------------


class RectificationOrder(models.Model):
    """A finding turned into an order: what to fix, by when, who answers for it. The institution
    reports what it did; the supervisor verifies (closed) or rejects (reopened). An order still
    open after its deadline is escalated from the county to the city."""

    code = models.CharField("整改单编号 number", max_length=40, unique=True)
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="order")
    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="rectification_orders"
    )
    requirement = models.TextField("整改要求 what must be done")
    deadline = models.DateField("整改期限 deadline")
    responsible_person = models.CharField("责任人 responsible person", max_length=60)
    state = models.CharField(
        "状态 state", max_length=10, choices=OrderState.choices, default=OrderState.ISSUED
    )
    level = models.CharField(
        "督办层级 level", max_length=8, choices=OrderLevel.choices, default=OrderLevel.COUNTY
    )
    escalated_at = models.DateTimeField("升级督办时间 escalated", null=True, blank=True)
    issued_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField("下达时间 issued")
    closed_at = models.DateTimeField("销号时间 closed", null=True, blank=True)
    verified_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verification_note = models.TextField("复查意见 verification note", blank=True)

    history = HistoricalRecords()
    SCOPE = Scope(county="county", institution=("institution",), principal_writes=True)

    class Meta:
        verbose_name = "整改通知 rectification order"
        verbose_name_plural = "整改通知 rectification orders"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["state", "deadline"]), models.Index(fields=["county", "state"])]

    def __str__(self) -> str:
        return f"{self.code} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ORDER_STATES

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline with the institution still to act (a reported order awaits the
        supervisor, not the institution)."""
        return self.state in AWAITING_INSTITUTION and today > self.deadline

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.deadline).days) if self.is_overdue(today) else 0


class RectificationReport(models.Model):
    """What the institution says it did, with photos and files as evidence."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("整改情况 what was done")
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("报送时间 submitted")

    SCOPE = Scope(county="order__county", institution=("order__institution",), principal_writes=True)

    class Meta:
        verbose_name = "整改报告 rectification report"
        verbose_name_plural = "整改报告 rectification reports"
        ordering = ["order", "submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order.code} {self.submitted_at:%Y-%m-%d}"


def _evidence_path(instance: Attachment, filename: str) -> str:
    order = instance.report.order
    return f"supervision/rectification/{order.county.code}/{order.code}/{filename}"


class Attachment(EvidenceFile):
    """A photo or file attached to a rectification report; served only through a scoped view."""

    report = models.ForeignKey(RectificationReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件 file", upload_to=_evidence_path, max_length=300)

    SCOPE = Scope(
        county="report__order__county", institution=("report__order__institution",), principal_writes=True
    )

    class Meta:
        verbose_name = "整改佐证 evidence file"
        verbose_name_plural = "整改佐证 evidence files"


class OrderEvent(StateEvent):
    """Every change of a rectification order's state or level: who, when, from → to, why."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="events")
    level = models.CharField("督办层级 level", max_length=8, blank=True)
    note = models.TextField("说明 note", blank=True)

    SCOPE = Scope(county="order__county", institution=("order__institution",))

    class Meta:
        verbose_name = "整改流转记录 order event"
        verbose_name_plural = "整改流转记录 order events"
        ordering = ["order", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.order.code} {self.action} {self.from_state}→{self.to_state}"


# -- annual inspection (年检) -----------------------------------------------


class AnnualInspection(models.Model):
    """A kindergarten's yearly result. Abuse or corporal punishment found in the year makes it
    "fail in principle": another result needs a recorded override reason."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="annual_inspections")
    year = models.PositiveSmallIntegerField("年检年度 year")
    result = models.CharField("结论 result", max_length=10, choices=AnnualResult.choices)
    reasons = models.TextField("理由 reasons", blank=True)
    abuse_found = models.BooleanField("本年有虐待体罚问题 abuse found this year", default=False)
    override_reason = models.TextField("不按原则判定的理由 override reason", blank=True)
    state = models.CharField(
        "状态 state", max_length=10, choices=AnnualState.choices, default=AnnualState.DRAFT
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("判定时间 decided")
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("公布时间 published", null=True, blank=True)
    retract_reason = models.TextField("撤回公布原因 retraction reason", blank=True)

    history = HistoricalRecords()
    SCOPE = Scope(county="institution__county", institution=("institution",))

    class Meta:
        verbose_name = "年检结果 annual inspection"
        verbose_name_plural = "年检结果 annual inspections"
        ordering = ["-year", "institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="annual_inspection_unique"),
            models.CheckConstraint(
                condition=Q(abuse_found=False) | Q(result="fail") | ~Q(override_reason=""),
                name="annual_abuse_fails_unless_overridden",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}: {self.get_result_display()}"


# -- incidents ------------------------------------------------------------------------


class Incident(models.Model):
    """A major safety accident, major case or serious teacher-ethics problem in a county: the
    county may not apply for 普及普惠 certification for ``[assessment] incident_ban_years``."""

    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="incidents")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField("类型 kind", max_length=16, choices=IncidentKind.choices)
    occurred_on = models.DateField("发生日期 occurred on")
    title = models.CharField("事件 title", max_length=200)
    description = models.TextField("情况 description", blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间 recorded")
    withdrawn = models.BooleanField("已撤销 withdrawn", default=False)
    withdrawn_reason = models.TextField("撤销原因 withdrawal reason", blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField("撤销时间 withdrawn", null=True, blank=True)

    history = HistoricalRecords()
    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "重大事件 incident"
        verbose_name_plural = "重大事件 incidents"
        ordering = ["-occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.occurred_on} {self.get_kind_display()}"

    def clean(self) -> None:
        errors = _county_only(self.county if self.county_id else None, "county")
        if self.institution is not None and self.county_id and self.institution.county_id != self.county_id:
            errors["institution"] = "机构不在该县 / the institution is not in this county"
        if errors:
            raise ValidationError(errors)


# -- notices (通报制) --------------------------------------------------------------------


class Notice(models.Model):
    """An issued notice (通报) and its document number (发文字号), numbered per city and year."""

    city = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    period = models.DateField("通报月份 month (first day)")
    year = models.PositiveSmallIntegerField("年度 year")
    sequence = models.PositiveIntegerField("序号 sequence")
    number = models.CharField("文号 document number", max_length=60)
    title = models.CharField("标题 title", max_length=200)
    issued_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField("印发时间 issued")
    sha256 = models.CharField("文件摘要 file digest", max_length=64, blank=True)

    SCOPE = Scope(county="city")

    class Meta:
        verbose_name = "通报 notice"
        verbose_name_plural = "通报 notices"
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "sequence"], name="notice_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
