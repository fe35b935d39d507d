"""Parents' complaints about kindergartens (家长投诉渠道, 及时回应).

A domain of its own (it was part of the public portal, whose pages still take complaints): the
tables keep their ``portal_*`` names, so moving the app moved no data (migrations
``portal.0002`` and ``complaints.0001`` change Django's state only).

A complaint is public only to whoever holds its tracking code; officers of the kindergarten's
county (and the city) handle it. The complainant's contact lives in its own table
(:class:`ComplaintContact`), which no public query touches, which is shown only on the officers'
complaint page, and which is deleted ``[portal] contact_retention_days`` after the answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from eduplan.accounts.scoping import Scope
from eduplan.common.events import EventLog
from eduplan.registry.models import Institution

USER = settings.AUTH_USER_MODEL


class ComplaintCategory(models.TextChoices):
    FEES = "fees", "收费问题 Fees"
    SAFETY = "safety", "安全隐患 Safety"
    ABUSE = "abuse", "虐待、体罚幼儿 Abuse or corporal punishment"
    TEACHING = "teaching", "保教质量、小学化 Teaching and care, primary-style teaching"
    FOOD_HEALTH = "food_health", "膳食与卫生保健 Food and health care"
    STAFF = "staff", "教职工资质与师德 Staff qualifications and conduct"
    OTHER = "other", "其他 Other"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "已受理,待答复 Received, awaiting an answer"
    ANSWERED = "answered", "已答复 Answered"


class Complaint(models.Model):
    """One complaint. ``deadline`` is the day by which it must be answered (``received`` +
    ``[portal] complaint_response_days``); past it, unanswered, the daily job escalates it to the
    city. ``finding`` links the supervision finding an officer made of it."""

    tracking_code = models.CharField("查询码 tracking code", max_length=16, unique=True, editable=False)
    kindergarten = models.ForeignKey(
        Institution, verbose_name="幼儿园 kindergarten", on_delete=models.PROTECT, related_name="complaints"
    )
    category = models.CharField("类别 category", max_length=12, choices=ComplaintCategory.choices)
    description = models.TextField("投诉内容 description")
    anonymous = models.BooleanField("匿名 anonymous", default=False)
    status = models.CharField(
        "状态 status", max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    received_at = models.DateTimeField("受理时间 received")
    received_on = models.DateField("受理日期 received on")
    deadline = models.DateField("答复期限 answer by")
    answered_at = models.DateTimeField("答复时间 answered", null=True, blank=True)
    answered_on = models.DateField("答复日期 answered on", null=True, blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    response = models.TextField("答复 response", blank=True)
    escalated = models.BooleanField("已升级市级督办 escalated to the city", default=False)
    escalated_at = models.DateTimeField("升级时间 escalated", null=True, blank=True)
    finding = models.ForeignKey(
        "supervision.Finding",
        verbose_name="督导发现 finding",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    converted_at = models.DateTimeField("转督导时间 converted", null=True, blank=True)

    SCOPE = Scope(county="kindergarten__county", institution=("kindergarten",))

    class Meta:
        db_table = "portal_complaint"  # the table kept its name when complaints left the portal
        verbose_name = "家长投诉 complaint"
        verbose_name_plural = "家长投诉 complaints"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["kindergarten", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received") | (Q(answered_at__isnull=False) & ~Q(response="")),
                name="complaint_answer_has_text_and_time",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")), name="complaint_deadline_after_receipt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.kindergarten} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        """The number officers and letters use (不同于查询码: it grants no access)."""
        year = self.received_on.year if self.received_on else 0
        return f"TS{year}-{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status == ComplaintStatus.RECEIVED

    def is_overdue(self, today) -> bool:
        return self.is_open and today > self.deadline

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.deadline

    @property
    def days_to_answer(self) -> int | None:
        if self.answered_on is None:
            return None
        return (self.answered_on - self.received_on).days


class ComplaintContact(models.Model):
    """How to reach the complainant, kept apart from the complaint: no public page, download or
    statistic reads this table, and the kindergarten never sees it (retaliation risk)."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="contact_record")
    contact = models.CharField("联系方式 contact", max_length=100)

    SCOPE = Scope(county="complaint__kindergarten__county")

    class Meta:
        db_table = "portal_complaintcontact"
        verbose_name = "投诉人联系方式 complainant contact"
        verbose_name_plural = "投诉人联系方式 complainant contacts"

    def __str__(self) -> str:
        return f"{self.complaint.reference}"


class ComplaintEvent(EventLog):
    """Who did what to a complaint, when (received, answered, escalated, converted, contact purged)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    note = models.TextField("说明 note", blank=True)

    SCOPE = Scope(county="complaint__kindergarten__county", institution=("complaint__kindergarten",))

    class Meta:
        db_table = "portal_complaintevent"
        verbose_name = "投诉办理记录 complaint event"
        verbose_name_plural = "投诉办理记录 complaint events"
        ordering = ["complaint", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.action}"
