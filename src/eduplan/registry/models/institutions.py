"""Institutions (kindergartens, attached preschool classes, high schools, vocational and junior
middle schools), their yearly snapshot, fee standards, safety records and renames.

One table for every kind of institution: classes, staff, findings and permissions treat them alike,
and kind-specific fields are simply empty for the other kinds (checked in ``clean``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..choices import (
    FIRST_LEVEL_HS_RATINGS,
    FIRST_LEVEL_KG_GRADES,
    PRESCHOOL_KINDS,
    DivisionLevel,
    HighSchoolRating,
    InstitutionKind,
    KindergartenGrade,
    LicenceStatus,
    Ownership,
    ServiceType,
    Sponsor,
)
from .divisions import Division

PUBLIC_SPONSORS = (
    Sponsor.EDUCATION_DEPT,
    Sponsor.OTHER_DEPT,
    Sponsor.STATE_ENTERPRISE,
    Sponsor.SUBDISTRICT,
    Sponsor.COLLECTIVE,
)


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def kindergartens(self) -> InstitutionQuerySet:
        return self.filter(kind=InstitutionKind.KINDERGARTEN)

    def preschool(self) -> InstitutionQuerySet:
        """Kindergartens and primary schools' attached preschool classes (both count in the GER)."""
        return self.filter(kind__in=PRESCHOOL_KINDS)

    def high_schools(self) -> InstitutionQuerySet:
        return self.filter(kind=InstitutionKind.HIGH_SCHOOL)

    def public(self) -> InstitutionQuerySet:
        return self.filter(ownership=Ownership.PUBLIC)

    def inclusive(self) -> InstitutionQuerySet:
        """Public kindergartens plus recognised inclusive private ones (普惠性, STANDARDS.md)."""
        return self.filter(Q(ownership=Ownership.PUBLIC) | Q(inclusive=True))

    def first_level(self) -> InstitutionQuerySet:
        return self.filter(Q(grade__in=FIRST_LEVEL_KG_GRADES) | Q(rating__in=FIRST_LEVEL_HS_RATINGS))

    def in_county(self, code: str) -> InstitutionQuerySet:
        return self.filter(county__code=code)

    def open(self) -> InstitutionQuerySet:
        return self.filter(closed_on__isnull=True)


class DatedAttributes(models.Model):
    """The institution attributes that change over time and that measures and rules read: today's
    values on :class:`Institution`, and each set in force from a date on an attribute row
    (``states.InstitutionState``; ARCHITECTURE.md, "time")."""

    ownership = models.CharField("性质 ownership", max_length=20, choices=Ownership.choices)
    sponsor = models.CharField("举办者 sponsor", max_length=20, choices=Sponsor.choices)
    seats = models.PositiveIntegerField("学位数 seats", default=0)
    inclusive = models.BooleanField("普惠性认定 inclusive (private)", default=False)
    inclusive_since = models.DateField("普惠认定日期 inclusive since", null=True, blank=True)
    licence_status = models.CharField(
        "办学许可 licence", max_length=16, choices=LicenceStatus.choices, blank=True
    )
    grade = models.CharField(
        "等级 grade", max_length=4, choices=KindergartenGrade.choices, blank=True, default=""
    )
    grade_year = models.PositiveSmallIntegerField("评级年份 graded in", null=True, blank=True)
    is_demonstration = models.BooleanField("课程游戏化示范园 demonstration", default=False)
    rating = models.CharField(
        "等级 rating", max_length=5, choices=HighSchoolRating.choices, blank=True, default=""
    )
    is_county_high_school = models.BooleanField("县中 county high school", default=False)
    is_new_build = models.BooleanField("新建学校 newly built", default=False)
    network_connected = models.BooleanField("接入教育专网 on the education network", default=False)

    class Meta:
        abstract = True


class Institution(DatedAttributes):
    code = models.CharField("代码 code", max_length=32, unique=True)
    name = models.CharField("名称 name", max_length=100)
    kind = models.CharField("类别 kind", max_length=16, choices=InstitutionKind.choices)
    division = models.ForeignKey(
        Division, verbose_name="所在乡镇 division", on_delete=models.PROTECT, related_name="institutions"
    )
    county = models.ForeignKey(
        Division,
        verbose_name="所属县 county",
        on_delete=models.PROTECT,
        related_name="county_institutions",
        editable=False,
        help_text="由所在乡镇推得 derived from the division",
    )
    address = models.CharField("地址 address", max_length=200, blank=True)
    #: The number parents may call (published on the portal): never a person's mobile by default.
    telephone = models.CharField(
        "公开电话 public telephone",
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9+()\- 转]{5,40}$",
                "电话只能含数字、空格、+、-、括号或“转” / a telephone holds digits, spaces, +, -, brackets",
            )
        ],
    )
    latitude = models.FloatField("纬度 latitude", null=True, blank=True)
    longitude = models.FloatField("经度 longitude", null=True, blank=True)
    established_on = models.DateField("设立日期 established", null=True, blank=True)
    closed_on = models.DateField("撤销日期 closed", null=True, blank=True)
    synthetic = models.BooleanField("合成数据 synthetic", default=False)

    # Kindergartens (PRE-4.1.x, PRE-4.2.x, PRE-4.5.x)
    service_type = models.CharField(
        "办园形式 service type", max_length=10, choices=ServiceType.choices, blank=True
    )
    is_central = models.BooleanField("乡镇中心园 township central kindergarten", default=False)
    central = models.ForeignKey(
        "self",
        verbose_name="所属中心园 central kindergarten",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="village_kindergartens",
    )
    group_lead = models.ForeignKey(
        "self",
        verbose_name="教育集团牵头园 group lead (1+N)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    is_residential_supporting = models.BooleanField("小区配套园 residential supporting", default=False)
    supporting_planned_on = models.DateField("配套园同步规划 planned", null=True, blank=True)
    supporting_approved_on = models.DateField("配套园同步审批 approved", null=True, blank=True)
    supporting_built_on = models.DateField("配套园同步建设 built", null=True, blank=True)
    supporting_delivered_on = models.DateField("配套园同步交付 delivered", null=True, blank=True)
    housing_delivered_on = models.DateField("小区交付日期 housing delivered", null=True, blank=True)
    in_quality_evaluation = models.BooleanField("纳入保教质量评估 in quality evaluation", default=False)
    quality_evaluated_on = models.DateField("最近质量评估 last evaluated", null=True, blank=True)

    # High schools

    history = HistoricalRecords()
    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = "学校/幼儿园 institution"
        verbose_name_plural = "学校/幼儿园 institutions"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(closed_on__gte=models.F("established_on")),
                name="institution_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "kind"]),
            models.Index(fields=["kind", "ownership"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_preschool(self) -> bool:
        return self.kind in PRESCHOOL_KINDS

    @property
    def is_first_level(self) -> bool:
        return self.grade in FIRST_LEVEL_KG_GRADES or self.rating in FIRST_LEVEL_HS_RATINGS

    @property
    def is_inclusive(self) -> bool:
        return self.ownership == Ownership.PUBLIC or self.inclusive

    def derive_county(self) -> None:
        county = self.division.ancestor_at(DivisionLevel.COUNTY) if self.division_id else None
        if county is not None:
            self.county = county

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.division_id:
            if self.division.ancestor_at(DivisionLevel.COUNTY) is None:
                errors["division"] = "所在区划必须位于某个县之下 / the division must lie within a county"
        public_sponsor = self.sponsor in PUBLIC_SPONSORS
        if self.ownership and self.sponsor and public_sponsor != (self.ownership == Ownership.PUBLIC):
            errors["sponsor"] = (
                f"举办者与性质不一致 / sponsor {self.sponsor!r} does not match ownership {self.ownership!r}"
            )
        if self.kind in PRESCHOOL_KINDS:
            if self.rating:
                errors["rating"] = (
                    "幼儿园不使用高中等级 / kindergartens have a grade, not a high school rating"
                )
            if self.inclusive and self.ownership == Ownership.PUBLIC:
                errors["inclusive"] = (
                    "普惠认定只适用于民办园(公办园本身即普惠) / inclusive recognition is for private kindergartens"
                )
            if self.inclusive and not self.inclusive_since:
                errors["inclusive_since"] = "请填写普惠认定日期 / give the date of inclusive recognition"
        else:
            if self.grade:
                errors["grade"] = "只有幼儿园有园所等级 / only kindergartens have a grade"
            if self.licence_status == LicenceStatus.TEACHING_POINT:
                errors["licence_status"] = "只有幼儿园可为办园点 / only kindergartens can be teaching points"
        if self.central_id and self.central_id == self.pk:
            errors["central"] = "不能以自身为中心园 / a kindergarten cannot be its own central kindergarten"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.derive_county()
        super().save(*args, **kwargs)


class InstitutionYear(models.Model):
    """What changes each school year (starting in September): seats, flows, funding, disclosure."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="years")
    school_year = models.PositiveSmallIntegerField("学年(起始年) school year starting")
    seats = models.PositiveIntegerField("学位数 seats", default=0)
    entered = models.PositiveIntegerField("入园/入学 entered this year", default=0)
    left = models.PositiveIntegerField("离园/毕业 left this year", default=0)
    funding_per_student = models.DecimalField(
        "生均公用经费(元) per-student funding received",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    info_published = models.BooleanField("信息已公示 information published", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "学年概况 yearly snapshot"
        verbose_name_plural = "学年概况 yearly snapshots"
        constraints = [
            models.UniqueConstraint(fields=["institution", "school_year"], name="institution_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.school_year}-{self.school_year + 1}"


class FeeStandard(models.Model):
    """A fee standard with its filing date: a contracted fee ceiling (the fee a government–
    enterprise–kindergarten co-run kindergarten agreed with the government, 政—企—园) must be filed
    one month before it takes effect; public fees are set by grade."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="fees")
    monthly_fee = models.DecimalField("保教费(元/月) monthly fee", max_digits=8, decimal_places=2)
    filed_on = models.DateField("备案日期 filed on", null=True, blank=True)
    effective_on = models.DateField("执行日期 effective from")
    contracted_ceiling = models.BooleanField(
        "政企园约定收费上限 contracted fee ceiling",
        default=False,
        help_text="政府、企业、幼儿园合作办园约定的收费上限(须在执行前备案) / a fee ceiling agreed in a "
        "government–enterprise–kindergarten co-run kindergarten (filed before it takes effect)",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "收费标准 fee standard"
        verbose_name_plural = "收费标准 fee standards"
        ordering = ["institution", "-effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "effective_on"], name="fee_unique_effective_date"),
            models.CheckConstraint(condition=Q(monthly_fee__gte=0), name="fee_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} ¥{self.monthly_fee} from {self.effective_on}"


class SafetyRecord(models.Model):
    """The "three defences" (人防/物防/技防) items of the plan, as last checked."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="safety_records")
    checked_on = models.DateField("检查日期 checked on")
    full_time_guard = models.BooleanField("专职保安 full-time security guard", default=False)
    closed_management = models.BooleanField("封闭化管理 closed campus", default=False)
    one_key_alarm = models.BooleanField("一键报警(110) one-key alarm", default=False)
    video_linked_police = models.BooleanField("视频监控联网公安 video linked to police", default=False)
    anti_collision = models.BooleanField("防冲撞设施 anti-collision barriers", default=False)

    #: The items above, in the plan's order.
    ITEMS = ("full_time_guard", "closed_management", "one_key_alarm", "video_linked_police", "anti_collision")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全检查记录 safety record"
        verbose_name_plural = "安全检查记录 safety records"
        ordering = ["institution", "-checked_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "checked_on"], name="safety_unique_check_date"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.checked_on}"


class NameChange(models.Model):
    """Renames, published old → new (name clean-up)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="name_changes")
    old_name = models.CharField("原名称 old name", max_length=100)
    new_name = models.CharField("新名称 new name", max_length=100)
    changed_on = models.DateField("更名日期 changed on")
    reason = models.CharField("原因 reason", max_length=200, blank=True)

    class Meta:
        verbose_name = "更名记录 rename"
        verbose_name_plural = "更名记录 renames"
        ordering = ["-changed_on"]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
