"""Programme registers: the plan's qualitative measures that are records rather than numbers.

- standardisation projects, one plan per high school (一校一案);
- designations: subject bases and characteristic schools (双创建), "名校网络课堂" online
  classrooms, play-based curriculum demonstration kindergartens — and the
  demonstration *areas* (a county or a township) in their own table, since they hang from a
  division, not an institution;
- school groups (集团化办学): a group is named by its lead school, members hang from it;
- subsidy disbursements to inclusive private kindergartens with the county's standard per child
;
- parent committees and parent volunteer duty;
- county certifications (普及普惠县), the second half of the incentives rule.

Every model keeps a full history, validates in ``clean`` (the same refusal from the admin, the API,
an import and a test) and declares its ``SCOPE`` for ``accounts.scoping.scope``. Writes go through
``programmes.actions``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from eduplan.accounts import permissions
from eduplan.accounts.scoping import Scope
from eduplan.registers.fields import DatedRegister, dates_ordered, kind_error
from eduplan.registry.choices import DivisionLevel, InstitutionKind, Ownership
from eduplan.registry.models import Division, Institution

_INST = ("institution",)


# -- standardisation (一校一案) ------------------------------------------------------------------------


class ProjectStage(models.TextChoices):
    DRAFTING = "drafting", "方案编制 Drafting"
    APPROVED = "approved", "方案批复 Approved"
    BUILDING = "building", "实施中 Under way"
    ACCEPTED = "accepted", "已验收 Accepted"


class StandardisationProject(DatedRegister):
    """A high school's standardisation plan (一校一案): what it covers, its budget and timetable,
    where it stands. asks for one per school, "with a timetable and route"."""

    institution = models.ForeignKey(
        Institution, verbose_name="学校 school", on_delete=models.PROTECT, related_name="standardisation"
    )
    title = models.CharField("项目名称 title", max_length=100)
    scope = models.CharField(
        "建设内容 scope",
        max_length=300,
        help_text="学科教室、创新实验室、智慧校园等 subject rooms, labs, ICT…",
    )
    budget = models.DecimalField(
        "预算(万元) budget (10k yuan)", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    starts_on = models.DateField("开始日期 starts")
    ends_on = models.DateField("计划完成日期 planned end")
    stage = models.CharField(
        "阶段 stage", max_length=10, choices=ProjectStage.choices, default=ProjectStage.DRAFTING
    )
    completion = models.PositiveSmallIntegerField(
        "完成度(%) completion (%)", default=0, validators=[MaxValueValidator(100)]
    )

    SCOPE = Scope(county="institution__county", institution=_INST, principal_writes=True)

    class Meta:
        verbose_name = "标准化建设项目 standardisation project"
        verbose_name_plural = "标准化建设项目 standardisation projects"
        ordering = ["institution__code", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "title"], name="prog_project_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="prog_project_dates"),
            models.CheckConstraint(condition=Q(completion__lte=100), name="prog_project_completion"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.title}"

    def clean(self) -> None:
        errors = kind_error(
            self.institution if self.institution_id else None,
            (InstitutionKind.HIGH_SCHOOL,),
            "普通高中",
            "general high school",
        )
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "计划完成日期早于开始日期 / the planned end is before the start"
        if self.stage == ProjectStage.ACCEPTED and self.completion != 100:
            errors["completion"] = "已验收的项目完成度应为100% / an accepted project is 100% complete"
        if errors:
            raise ValidationError(errors)


# -- designations ----------------------------------------------------------------------------------


class DesignationKind(models.TextChoices):
    SUBJECT_BASE = "subject_base", "学科基地 Subject base"
    CHARACTERISTIC = "characteristic", "特色学校 Characteristic school"
    ONLINE_CLASSROOM = "online_classroom", "名校网络课堂 Online classroom"
    DEMO_KINDERGARTEN = "demo_kindergarten", "课程游戏化示范园 Demonstration kindergarten"


HIGH_SCHOOL_DESIGNATIONS = (
    DesignationKind.SUBJECT_BASE,
    DesignationKind.CHARACTERISTIC,
    DesignationKind.ONLINE_CLASSROOM,
)


class Subject(models.TextChoices):
    """The plan names politics, Chinese, mathematics, English, physics, history "…"."""

    POLITICS = "politics", "思想政治 Politics"
    CHINESE = "chinese", "语文 Chinese"
    MATHEMATICS = "mathematics", "数学 Mathematics"
    ENGLISH = "english", "英语 English"
    PHYSICS = "physics", "物理 Physics"
    CHEMISTRY = "chemistry", "化学 Chemistry"
    BIOLOGY = "biology", "生物 Biology"
    HISTORY = "history", "历史 History"
    GEOGRAPHY = "geography", "地理 Geography"
    OTHER = "other", "其他 Other"


class DesignationLevel(models.TextChoices):
    CITY = "city", "市级 City"
    PROVINCE = "province", "省级 Province"


class Designation(DatedRegister):
    """A school or kindergarten designated by the city (or recommended on to the province)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="学校/幼儿园 institution",
        on_delete=models.PROTECT,
        related_name="designations",
    )
    kind = models.CharField("类别 kind", max_length=20, choices=DesignationKind.choices)
    subject = models.CharField(
        "学科 subject",
        max_length=12,
        choices=Subject.choices,
        blank=True,
        default="",
        help_text="学科基地必填 required for a subject base",
    )
    level = models.CharField(
        "级别 level", max_length=10, choices=DesignationLevel.choices, default=DesignationLevel.CITY
    )
    designated_on = models.DateField("认定日期 designated on")
    revoked_on = models.DateField("撤销日期 revoked on", null=True, blank=True)
    document = models.CharField("认定文号 document", max_length=100, blank=True)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "认定 designation"
        verbose_name_plural = "认定 designations"
        ordering = ["kind", "institution__code", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "institution", "subject"], name="prog_designation_unique"
            ),
            dates_ordered("designated_on", "revoked_on", "prog_designation_dates"),
            models.CheckConstraint(
                condition=Q(kind=DesignationKind.SUBJECT_BASE, subject__gt="")
                | (~Q(kind=DesignationKind.SUBJECT_BASE) & Q(subject="")),
                name="prog_designation_subject",
            ),
        ]

    def __str__(self) -> str:
        what = self.get_kind_display()
        return f"{self.institution} · {what}{f' ({self.get_subject_display()})' if self.subject else ''}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        inst = self.institution if self.institution_id else None
        if self.kind in HIGH_SCHOOL_DESIGNATIONS:
            errors |= kind_error(inst, (InstitutionKind.HIGH_SCHOOL,), "普通高中", "general high school")
        elif self.kind == DesignationKind.DEMO_KINDERGARTEN:
            errors |= kind_error(inst, (InstitutionKind.KINDERGARTEN,), "幼儿园", "kindergarten")
        if self.kind == DesignationKind.SUBJECT_BASE and not self.subject:
            errors["subject"] = "学科基地须注明学科 / a subject base names its subject"
        if self.kind != DesignationKind.SUBJECT_BASE and self.subject:
            errors["subject"] = "只有学科基地填写学科 / only subject bases have a subject"
        if self.revoked_on and self.designated_on and self.revoked_on < self.designated_on:
            errors["revoked_on"] = "撤销日期早于认定日期 / revoked before it was designated"
        if errors:
            raise ValidationError(errors)

    def in_force_on(self, day) -> bool:
        return self.designated_on <= day and (self.revoked_on is None or self.revoked_on > day)


class DemonstrationArea(DatedRegister):
    """A play-based curriculum demonstration area (课程游戏化示范区): a county or a township."""

    division = models.ForeignKey(
        Division,
        verbose_name="区划 county or township",
        on_delete=models.PROTECT,
        related_name="demonstration_areas",
    )
    level = models.CharField(
        "级别 level", max_length=10, choices=DesignationLevel.choices, default=DesignationLevel.CITY
    )
    designated_on = models.DateField("认定日期 designated on")
    revoked_on = models.DateField("撤销日期 revoked on", null=True, blank=True)
    document = models.CharField("认定文号 document", max_length=100, blank=True)

    SCOPE = Scope(county="division__county")

    class Meta:
        verbose_name = "课程游戏化示范区 demonstration area"
        verbose_name_plural = "课程游戏化示范区 demonstration areas"
        ordering = ["division__code"]
        constraints = [
            models.UniqueConstraint(fields=["division"], name="prog_area_unique"),
            dates_ordered("designated_on", "revoked_on", "prog_area_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.division} 课程游戏化示范区"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.division_id and self.division.level not in (DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP):
            errors["division"] = "示范区应为县或乡镇 / a demonstration area is a county or a township"
        if self.revoked_on and self.designated_on and self.revoked_on < self.designated_on:
            errors["revoked_on"] = "撤销日期早于认定日期 / revoked before it was designated"
        if errors:
            raise ValidationError(errors)


# -- group schooling (集团化办学) -----------------------------------------------------------------------


class GroupKind(models.TextChoices):
    ONE_PLUS_N = "one_plus_n", "1+N 集团 1+N group"
    AFFILIATED = "affiliated", "高校附属学校 University-affiliated school"
    MODEL = "model", "模式合作(如会泽模式) Model partnership"
    OTHER = "other", "其他 Other"


class SchoolGroup(DatedRegister):
    """An education group, named by its lead school (one group per lead school)."""

    lead = models.ForeignKey(
        Institution, verbose_name="牵头学校 lead school", on_delete=models.PROTECT, related_name="led_groups"
    )
    name = models.CharField("集团名称 name", max_length=100)
    kind = models.CharField(
        "类型 kind", max_length=12, choices=GroupKind.choices, default=GroupKind.ONE_PLUS_N
    )
    partner = models.CharField(
        "合作方 partner", max_length=100, blank=True, help_text="如玉溪师范学院 e.g. the university"
    )
    started_on = models.DateField("成立日期 started on")
    ended_on = models.DateField("解散日期 ended on", null=True, blank=True)
    joint_plan = models.CharField(
        "集团共同发展规划(名称或文号) joint plan",
        max_length=200,
        blank=True,
        help_text="集团成员共同制定的发展规划 the development plan the members adopted together",
    )
    joint_plan_adopted_on = models.DateField("规划通过日期 joint plan adopted on", null=True, blank=True)

    SCOPE = Scope(county="lead__county", institution=("lead",))

    class Meta:
        verbose_name = "教育集团 school group"
        verbose_name_plural = "教育集团 school groups"
        ordering = ["lead__code"]
        constraints = [
            models.UniqueConstraint(fields=["lead"], name="prog_group_unique_lead"),
            dates_ordered("started_on", "ended_on", "prog_group_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if bool(self.joint_plan) != bool(self.joint_plan_adopted_on):
            errors["joint_plan_adopted_on"] = (
                "共同发展规划与通过日期须同时填写 / give the joint plan and the day it was adopted together"
            )
        if self.kind == GroupKind.AFFILIATED and not self.partner:
            errors["partner"] = "附属学校须注明合作高校 / an affiliated school names its university"
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "解散日期早于成立日期 / ends before it starts"
        if errors:
            raise ValidationError(errors)


class SchoolGroupMember(DatedRegister):
    """A member school of the group led by ``lead`` (the N of "1+N")."""

    lead = models.ForeignKey(
        Institution,
        verbose_name="牵头学校 lead school",
        on_delete=models.PROTECT,
        related_name="group_member_rows",
    )
    member = models.ForeignKey(
        Institution,
        verbose_name="成员学校 member school",
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    joined_on = models.DateField("加入日期 joined on")
    left_on = models.DateField("退出日期 left on", null=True, blank=True)

    SCOPE = Scope(county="lead__county", institution=("lead", "member"))

    class Meta:
        verbose_name = "集团成员 group member"
        verbose_name_plural = "集团成员 group members"
        ordering = ["lead__code", "member__code"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "member"], name="prog_member_unique"),
            models.CheckConstraint(condition=~Q(lead=F("member")), name="prog_member_not_lead"),
            dates_ordered("joined_on", "left_on", "prog_member_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} → {self.member}"

    def clean(self) -> None:
        if self.lead_id and self.lead_id == self.member_id:
            raise ValidationError(
                {"member": "牵头学校不能是自己的成员 / the lead school is not its own member"}
            )


# -- subsidies to inclusive private kindergartens --------------------------------------------------


class SubsidyStandard(DatedRegister):
    """A county's subsidy per child and school year for inclusive private kindergartens (奖补标准)."""

    county = models.ForeignKey(
        Division, verbose_name="县(市、区) county", on_delete=models.PROTECT, related_name="subsidy_standards"
    )
    school_year = models.PositiveSmallIntegerField("学年(起始年) school year starting")
    per_child = models.DecimalField(
        "生均奖补标准(元/生·年) per child (yuan a year)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    document = models.CharField("依据文件 document", max_length=100, blank=True)

    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "普惠性民办园奖补标准 subsidy standard"
        verbose_name_plural = "普惠性民办园奖补标准 subsidy standards"
        ordering = ["county__code", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "school_year"], name="prog_standard_unique"),
            models.CheckConstraint(condition=Q(per_child__gte=0), name="prog_standard_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.school_year}: {self.per_child}"

    def clean(self) -> None:
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            raise ValidationError({"county": "应为县级区划 / must be a county"})


class SubsidyDisbursement(DatedRegister):
    """One school year's subsidy to one inclusive private kindergarten: what was paid and when.
    What is *due* is the county's standard × ``children`` (``queries.due_amount``), not stored, so a
    corrected standard corrects every disbursement at once."""

    institution = models.ForeignKey(
        Institution, verbose_name="幼儿园 kindergarten", on_delete=models.PROTECT, related_name="subsidies"
    )
    school_year = models.PositiveSmallIntegerField("学年(起始年) school year starting")
    children = models.PositiveIntegerField("核定幼儿数 children counted")
    due_on = models.DateField("应拨付日期 due on")
    paid_amount = models.DecimalField(
        "实拨金额(元) paid (yuan)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    paid_on = models.DateField("拨付日期 paid on", null=True, blank=True)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "奖补资金拨付 subsidy disbursement"
        verbose_name_plural = "奖补资金拨付 subsidy disbursements"
        ordering = ["institution__code", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "school_year"], name="prog_subsidy_unique"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="prog_subsidy_nonnegative"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=False) | Q(paid_amount=0), name="prog_subsidy_paid_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.school_year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.institution_id:
            inst = self.institution
            if (
                inst.kind != InstitutionKind.KINDERGARTEN
                or inst.ownership == Ownership.PUBLIC
                or not inst.inclusive
            ):
                errors["institution"] = (
                    "奖补对象应为普惠性民办幼儿园 / subsidies go to inclusive private kindergartens"
                )
        if self.paid_amount and not self.paid_on:
            errors["paid_on"] = "已拨付金额须填写拨付日期 / give the date of the payment"
        if errors:
            raise ValidationError(errors)


# -- parent committees and volunteers --------------------------------------------------------------


class ParentCommittee(DatedRegister):
    """A kindergarten's parent committee (家长委员会). Members are a count: no personal data."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="幼儿园 kindergarten",
        on_delete=models.PROTECT,
        related_name="parent_committees",
    )
    established_on = models.DateField("成立日期 established on")
    members = models.PositiveSmallIntegerField("委员人数 members", validators=[MinValueValidator(1)])
    dissolved_on = models.DateField("撤销日期 dissolved on", null=True, blank=True)

    SCOPE = Scope(county="institution__county", institution=_INST, principal_writes=True)

    class Meta:
        verbose_name = "家长委员会 parent committee"
        verbose_name_plural = "家长委员会 parent committees"
        ordering = ["institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "established_on"], name="prog_committee_unique"),
            models.CheckConstraint(condition=Q(members__gte=1), name="prog_committee_members"),
            dates_ordered("established_on", "dissolved_on", "prog_committee_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} 家长委员会"

    def clean(self) -> None:
        errors = kind_error(
            self.institution if self.institution_id else None,
            (InstitutionKind.KINDERGARTEN,),
            "幼儿园",
            "kindergarten",
        )
        if errors:
            raise ValidationError(errors)


class DutyKind(models.TextChoices):
    GATE = "gate", "护学岗(入离园) Gate duty"
    ACTIVITY = "activity", "活动协助 Activities"
    MEALS = "meals", "膳食监督 Meals"
    OTHER = "other", "其他 Other"


class VolunteerDuty(DatedRegister):
    """Parent volunteers on duty one day (家长志愿者值守), as a count."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="幼儿园 kindergarten",
        on_delete=models.PROTECT,
        related_name="volunteer_duties",
    )
    on = models.DateField("值守日期 date")
    duty = models.CharField("内容 duty", max_length=10, choices=DutyKind.choices, default=DutyKind.GATE)
    volunteers = models.PositiveSmallIntegerField("志愿者人数 volunteers", validators=[MinValueValidator(1)])

    SCOPE = Scope(county="institution__county", institution=_INST, principal_writes=True)

    class Meta:
        verbose_name = "家长志愿者值守 volunteer duty"
        verbose_name_plural = "家长志愿者值守 volunteer duties"
        ordering = ["institution__code", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "on", "duty"], name="prog_duty_unique"),
            models.CheckConstraint(condition=Q(volunteers__gte=1), name="prog_duty_volunteers"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.on} {self.get_duty_display()}"

    def clean(self) -> None:
        errors = kind_error(
            self.institution if self.institution_id else None,
            (InstitutionKind.KINDERGARTEN,),
            "幼儿园",
            "kindergarten",
        )
        if errors:
            raise ValidationError(errors)


# -- incentives: certification ---------------------------------------------------------------------


class CertificationKind(models.TextChoices):
    PROVINCIAL = "provincial", "省级普及普惠县 Provincial"
    NATIONAL = "national", "国家级普及普惠县 National"


class CountyCertification(DatedRegister):
    """A county certified 普及普惠 (the first certified are rewarded)."""

    county = models.ForeignKey(
        Division, verbose_name="县(市、区) county", on_delete=models.PROTECT, related_name="certifications"
    )
    kind = models.CharField("类别 kind", max_length=12, choices=CertificationKind.choices)
    certified_on = models.DateField("认定日期 certified on")
    document = models.CharField("认定文号 document", max_length=100, blank=True)
    #: The day the certification stops being in force (撤销/摘牌); empty while it holds. The share of
    #: counties certified counts a certification from ``certified_on`` inclusive to this day exclusive.
    revoked_on = models.DateField("撤销日期 revoked on", null=True, blank=True)

    SCOPE = Scope(county="county", write_roles=permissions.CAPABILITIES["may_certify_counties"])

    def in_force_on(self, day: dt.date) -> bool:
        return self.certified_on <= day and (self.revoked_on is None or self.revoked_on > day)

    class Meta:
        verbose_name = "普及普惠县认定 county certification"
        verbose_name_plural = "普及普惠县认定 county certifications"
        ordering = ["certified_on", "county__code"]
        constraints = [models.UniqueConstraint(fields=["county", "kind"], name="prog_certification_unique")]

    def __str__(self) -> str:
        return f"{self.county} {self.get_kind_display()} {self.certified_on}"

    def clean(self) -> None:
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            raise ValidationError({"county": "应为县级区划 / must be a county"})
        if self.revoked_on and self.certified_on and self.revoked_on <= self.certified_on:
            raise ValidationError(
                {"revoked_on": "撤销日期应晚于认定日期 / the revocation must follow the certification"}
            )


# -- county education spending (两个只增不减) ------------------------------------------------------


def _per_pupil(label: str) -> models.DecimalField:
    """A stage's per-pupil funding in yuan: empty when the county does not report the stage."""
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


class CountyEducationSpending(DatedRegister):
    """One county's education spending in one budget year, from its final accounts (决算): the
    general public budget for education and the per-pupil general public budget funding of each
    stage. ``COUNTY-SPENDING-TREND`` compares each year with the year before (两个只增不减: neither
    may decrease). A stage the county does not report is left empty, not zero."""

    county = models.ForeignKey(
        Division,
        verbose_name="县(市、区) county",
        on_delete=models.PROTECT,
        related_name="education_spending",
    )
    year = models.PositiveSmallIntegerField(
        "预算年度 budget year", validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    general_budget = models.DecimalField(
        "一般公共预算教育经费(万元) general public budget for education (10k yuan)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    per_pupil_preschool = _per_pupil("学前生均一般公共预算教育经费(元) per-pupil funding, preschool (yuan)")
    per_pupil_primary = _per_pupil("小学生均一般公共预算教育经费(元) per-pupil funding, primary (yuan)")
    per_pupil_junior = _per_pupil("初中生均一般公共预算教育经费(元) per-pupil funding, junior middle (yuan)")
    per_pupil_high = _per_pupil(
        "普通高中生均一般公共预算教育经费(元) per-pupil funding, general high school (yuan)"
    )
    document = models.CharField("决算文号或来源 source document", max_length=100, blank=True)

    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "县级教育经费 county education spending"
        verbose_name_plural = "县级教育经费 county education spending"
        ordering = ["county__code", "year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="prog_spending_unique")]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"

    def clean(self) -> None:
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            raise ValidationError({"county": "应为县级区划 / must be a county"})


#: The per-pupil stages of :class:`CountyEducationSpending`, in the order reports show them.
SPENDING_STAGES = ("per_pupil_preschool", "per_pupil_primary", "per_pupil_junior", "per_pupil_high")


# -- a county's own 办园点 standard (无证园分类治理) ------------------------------------------------------


def _safety_item_names() -> list[str]:
    from eduplan.registry.models import SafetyRecord

    return [f.name for f in SafetyRecord._meta.get_fields() if isinstance(f, models.BooleanField)]


class TeachingPointStandard(DatedRegister):
    """The standard a county sets for approving a small kindergarten as a teaching point (办园点),
    in force from ``effective_on`` until the county's next one. The plan leaves this standard to
    each county: ``KG-UNLICENSED`` proposes closing an unlicensed kindergarten only against the
    standard the county has set, never against an invented default."""

    county = models.ForeignKey(
        Division,
        verbose_name="县(市、区) county",
        on_delete=models.PROTECT,
        related_name="teaching_point_standards",
    )
    effective_on = models.DateField("施行日期 in force from")
    min_seats = models.PositiveIntegerField("最少学位 minimum seats")
    min_classes = models.PositiveSmallIntegerField("最少班数 minimum classes")
    min_teachers_per_class = models.DecimalField(
        "每班最少专任教师 minimum teachers per class",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_certified_share = models.DecimalField(
        "持证教师最低占比(0–1) minimum certified share",
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    safety_items = models.CharField(
        "必备安全项(逗号分隔) required safety items (comma-separated)",
        max_length=200,
        blank=True,
        help_text="安全检查项目字段名,如 closed_management,one_key_alarm / safety record item names",
    )
    document = models.CharField("标准文号 document", max_length=100, blank=True)

    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "县级办园点标准 county teaching-point standard"
        verbose_name_plural = "县级办园点标准 county teaching-point standards"
        ordering = ["county__code", "effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["county", "effective_on"], name="prog_teaching_point_std_unique")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.effective_on}"

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(i.strip() for i in self.safety_items.split(",") if i.strip())

    def clean(self) -> None:
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            raise ValidationError({"county": "应为县级区划 / must be a county"})
        known = _safety_item_names()
        unknown = [i for i in self.items if i not in known]
        if unknown:
            raise ValidationError(
                {
                    "safety_items": f"未知安全项 {unknown},可选 {known} / unknown safety items {unknown}: "
                    f"choose from {known}"
                }
            )


# -- quality evaluation of kindergartens (保教质量评估) -------------------------------------------------


class EvaluationResult(models.TextChoices):
    EXCELLENT = "excellent", "优秀 Excellent"
    GOOD = "good", "良好 Good"
    QUALIFIED = "qualified", "合格 Qualified"
    UNQUALIFIED = "unqualified", "不合格 Unqualified"


class QualityEvaluation(DatedRegister):
    """One dated care-and-education quality evaluation (保教质量评估) of a kindergarten, with its
    result and the report that proves it. ``KG-QUALITY-EVAL`` flags a kindergarten whose latest
    evaluation is older than the evaluation cycle (or that has none once the cycle has run)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="幼儿园 kindergarten",
        on_delete=models.PROTECT,
        related_name="quality_evaluations",
    )
    evaluated_on = models.DateField("评估日期 evaluated on")
    result = models.CharField("评估结果 result", max_length=12, choices=EvaluationResult.choices)
    evaluator = models.CharField("评估单位 evaluated by", max_length=100, blank=True)
    evidence = models.CharField("评估报告或文号 report or document", max_length=200)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "保教质量评估 quality evaluation"
        verbose_name_plural = "保教质量评估 quality evaluations"
        ordering = ["institution__code", "evaluated_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "evaluated_on"], name="prog_quality_eval_unique")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.evaluated_on} {self.get_result_display()}"

    def clean(self) -> None:
        inst = self.institution if self.institution_id else None
        errors = kind_error(inst, (InstitutionKind.KINDERGARTEN,), "幼儿园", "kindergarten")
        if errors:
            raise ValidationError(errors)


# -- school groups: shared activities (集团化办学) -----------------------------------------------------


class ActivityKind(models.TextChoices):
    RESEARCH = "research", "联合教研 Joint teaching research"
    EXCHANGE = "exchange", "教师交流 Teacher exchange"
    LESSONS = "lessons", "课程共享 Shared lessons"
    TRAINING = "training", "联合培训 Joint training"
    MANAGEMENT = "management", "管理共享 Shared management"
    OTHER = "other", "其他 Other"


class SchoolGroupActivity(DatedRegister):
    """A shared activity of a school group that a member school took part in (one row per member
    and activity), with what proves it. ``PROG-GROUP-INACTIVE`` flags a group whose member saw no
    shared activity in a school year's length."""

    lead = models.ForeignKey(
        Institution,
        verbose_name="牵头学校 lead school",
        on_delete=models.PROTECT,
        related_name="group_activities_led",
    )
    member = models.ForeignKey(
        Institution,
        verbose_name="参与成员学校 member school",
        on_delete=models.PROTECT,
        related_name="group_activities",
    )
    held_on = models.DateField("活动日期 held on")
    kind = models.CharField("活动类型 kind", max_length=12, choices=ActivityKind.choices)
    title = models.CharField("活动名称 title", max_length=100)
    evidence = models.CharField("佐证材料 evidence", max_length=200)

    SCOPE = Scope(county="lead__county", institution=("lead", "member"))

    class Meta:
        verbose_name = "集团共享活动 group activity"
        verbose_name_plural = "集团共享活动 group activities"
        ordering = ["lead__code", "held_on", "member__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "member", "held_on", "title"], name="prog_group_activity_unique"
            ),
            models.CheckConstraint(condition=~Q(lead=F("member")), name="prog_activity_not_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.title} ({self.held_on})"

    def clean(self) -> None:
        if self.lead_id and self.lead_id == self.member_id:
            raise ValidationError(
                {"member": "牵头学校不是自己的成员 / the lead school is not its own member"}
            )
        if self.lead_id and not SchoolGroup.objects.filter(lead_id=self.lead_id).exists():
            raise ValidationError({"lead": "该校没有牵头的教育集团 / this school leads no school group"})


# -- trusteeship: the five channels (五个一) ----------------------------------------------------------


class TrusteeshipChannel(models.TextChoices):
    """The five kinds of assistance of the 五个一 project."""

    TALENT_TEAM = "talent_team", "教育人才组团式帮扶 Education talent team"
    MINISTRY_UNIVERSITY = "ministry_university", "部署高校托管帮扶 Ministry university trusteeship"
    PROVINCE_TEACHERS = "province_teachers", "教师省管校用帮扶 Province-managed teachers"
    PROVINCE_UNIVERSITY = "province_university", "省属高校托管帮扶 Provincial university trusteeship"
    CITY_HIGH_SCHOOL = "city_high_school", "市内优质高中帮扶 City quality high school"


class TrusteeshipSupport(DatedRegister):
    """A county high school's trusteeship through one of the five channels (五个一), with the
    agreement or implementation plan that proves it. ``HS-TRUSTEESHIP-CHANNEL`` flags a county high
    school in trusteeship whose support is recorded through no channel with evidence."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="受援县中 county high school",
        on_delete=models.PROTECT,
        related_name="trusteeship_supports",
    )
    channel = models.CharField("帮扶渠道(五个一) channel", max_length=20, choices=TrusteeshipChannel.choices)
    supporter = models.CharField("帮扶方 supporter", max_length=100)
    started_on = models.DateField("开始日期 started on")
    ended_on = models.DateField("结束日期 ended on", null=True, blank=True)
    evidence = models.CharField("协议或实施方案文号 agreement or plan", max_length=200)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "托管帮扶渠道 trusteeship channel"
        verbose_name_plural = "托管帮扶渠道 trusteeship channels"
        ordering = ["institution__code", "channel", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "channel", "started_on"], name="prog_trusteeship_unique"
            ),
            dates_ordered("started_on", "ended_on", "prog_trusteeship_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_channel_display()}"

    def clean(self) -> None:
        inst = self.institution if self.institution_id else None
        errors = kind_error(inst, (InstitutionKind.HIGH_SCHOOL,), "普通高中", "general high school")
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "结束日期早于开始日期 / ends before it starts"
        if errors:
            raise ValidationError(errors)


# -- residential projects of supporting kindergartens (四同步) -------------------------------------------


class ResidentialProject(DatedRegister):
    """The housing project a residential supporting kindergarten belongs to, with the housing's own
    four dates. ``KG-SUPPORTING-SYNC`` compares the kindergarten's planned, approved, built and
    delivered dates (on the institution) with these: none may come after the housing's."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="配套幼儿园 supporting kindergarten",
        on_delete=models.PROTECT,
        related_name="residential_projects",
    )
    name = models.CharField("小区项目名称 project", max_length=100)
    planned_on = models.DateField("小区规划日期 housing planned", null=True, blank=True)
    approved_on = models.DateField("小区审批日期 housing approved", null=True, blank=True)
    built_on = models.DateField("小区竣工日期 housing built", null=True, blank=True)
    delivered_on = models.DateField("小区交付日期 housing delivered", null=True, blank=True)
    document = models.CharField("项目批文 document", max_length=100, blank=True)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "小区配套项目 residential project"
        verbose_name_plural = "小区配套项目 residential projects"
        ordering = ["institution__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="prog_residential_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.institution}"

    def clean(self) -> None:
        inst = self.institution if self.institution_id else None
        errors = kind_error(inst, (InstitutionKind.KINDERGARTEN,), "幼儿园", "kindergarten")
        if inst is not None and not inst.is_residential_supporting:
            errors["institution"] = "应为小区配套园 / must be a residential supporting kindergarten"
        if errors:
            raise ValidationError(errors)


#: The four 同步 stages: (kindergarten field on ``Institution``, housing field on the project, label).
SYNC_STAGES = (
    ("supporting_planned_on", "planned_on", "规划", "planned"),
    ("supporting_approved_on", "approved_on", "审批", "approved"),
    ("supporting_built_on", "built_on", "建设", "built"),
    ("supporting_delivered_on", "delivered_on", "交付", "delivered"),
)
