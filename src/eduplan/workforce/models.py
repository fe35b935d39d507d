"""The workforce registers of the plan's teacher clauses.

- :class:`TrainingRecord` — training attended by a staff member, at one level of the five-level
  network: the rotation coverage rate is computed from these.
- :class:`PerformancePay` — a high school's performance pay for a year, split into front-line
  teachers, class teachers (班主任) and others.
- :class:`EvaluationScheme` with its :class:`EvaluationCriterion` rows — how a county or a school
  evaluates schools and teachers (not by admission rate alone, no admission-rate targets).
- :class:`EthicsAssessment` and :class:`NegativeListEntry` — the teacher-ethics record
  (师德师风档案). Restricted: their ``SCOPE`` lists the only roles that may see them.
- :class:`CareerEvent` — awards and promotions, checked against active negative-list consequences.
- :class:`PublicityItem` — a school's public publicity, scanned for hype.

Staff are referenced by the registry's ``StaffMember``; identity numbers live only there, hashed.
Writes go through ``workforce.actions``; every model keeps its history (django-simple-history).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from eduplan.accounts import permissions
from eduplan.accounts.scoping import Scope
from eduplan.registry.choices import DivisionLevel, InstitutionKind
from eduplan.registry.models import Division, Institution, StaffMember

STAFF_COUNTY = "staff__institution__county"
STAFF_INSTITUTION = ("staff__institution",)

#: Who may see a teacher's ethics record at all: the county officer of the teacher's county
#: and the city officer (both by their area), and the principal of the teacher's own school (the
#: school keeps the record and runs the yearly assessment). Supervisors, viewers, principals of other
#: schools and the public never do; see docs/workforce.md.
ETHICS_ROLES: tuple[str, ...] = permissions.ETHICS_ROLES


# -- choices -------------------------------------------------------------------------------------


class TrainingLevel(models.TextChoices):
    """The five-level training network of the plan (国、省、市、县、乡)."""

    NATIONAL = "national", "国家级 National"
    PROVINCE = "province", "省级 Province"
    CITY = "city", "市级 City"
    COUNTY = "county", "县级 County"
    TOWNSHIP = "township", "乡镇级 Township"


class EvaluationTarget(models.TextChoices):
    SCHOOLS = "schools", "评价学校 Schools"
    TEACHERS = "teachers", "评价教师 Teachers"


class CriterionCategory(models.TextChoices):
    ADMISSION_RATE = "admission_rate", "升学率/上线率 Admission rate"
    MORAL = "moral", "立德树人/德育 Moral education"
    ALL_ROUND = "all_round", "学生综合素质 All-round development"
    TEACHING = "teaching", "教育教学过程 Teaching process"
    ETHICS = "ethics", "师德师风 Teacher ethics"
    MANAGEMENT = "management", "学校管理 Management"
    OTHER = "other", "其他 Other"


class EthicsResult(models.TextChoices):
    EXCELLENT = "excellent", "优秀 Excellent"
    QUALIFIED = "qualified", "合格 Qualified"
    BASIC = "basic", "基本合格 Basically qualified"
    UNQUALIFIED = "unqualified", "不合格 Unqualified"


class NegativeCategory(models.TextChoices):
    """The negative list (负面清单): the ten prohibitions of the teachers' professional conduct
    guidelines (新时代中小学/幼儿园教师职业行为十项准则, 2018) as categories."""

    POLITICAL = "political", "损害党中央权威、违背党的路线方针政策 Political misconduct"
    LAW = "law", "违反法律法规 Violation of law"
    DISCRIMINATION = "discrimination", "歧视、侮辱学生 Discriminating against or insulting pupils"
    CORPORAL = "corporal", "体罚或变相体罚 Corporal punishment"
    HARASSMENT = "harassment", "性骚扰或不正当关系 Sexual harassment"
    PAID_TUTORING = "paid_tutoring", "有偿补课 Paid private tutoring"
    GIFTS = "gifts", "索要、收受礼品礼金 Soliciting or accepting gifts"
    SAFETY = "safety", "在安全事件中不履职 Neglect of pupils' safety"
    ACADEMIC = "academic", "学术不端 Academic misconduct"
    PROFIT = "profit", "推销教辅、谋取私利 Selling materials for profit"
    OTHER = "other", "其他违背师德行为 Other"


class Consequence(models.TextChoices):
    """The handling of a negative-list entry. A consequence with a duration bars awards and
    promotion for ``ban_years`` (教师职业道德行为处理办法: 取消评优评先、职称评审资格)."""

    CRITICISM = "criticism", "批评教育、诫勉谈话 Criticism"
    WARNING = "warning", "警告 Warning"
    NO_PROMOTION = "no_promotion", "取消评优评先、职务晋升资格 No awards or promotion"
    DEMOTION = "demotion", "降低岗位等级或撤职 Demotion"
    DISMISSAL = "dismissal", "开除或解除聘用 Dismissal"
    CERTIFICATE_REVOKED = "certificate_revoked", "撤销教师资格 Certificate revoked"


#: Consequences that bar awards and promotion while they last (``ban_years`` from the decision).
BARRING_CONSEQUENCES = (
    Consequence.NO_PROMOTION,
    Consequence.DEMOTION,
    Consequence.DISMISSAL,
    Consequence.CERTIFICATE_REVOKED,
)


class CareerEventKind(models.TextChoices):
    AWARD = "award", "评优评先 Award or honour"
    PROMOTION = "promotion", "职称晋升 Title promotion"
    POST = "post", "岗位晋级、职务晋升 Post promotion"


class PublicityChannel(models.TextChoices):
    WEBSITE = "website", "学校网站 Website"
    WECHAT = "wechat", "微信公众号 WeChat account"
    BANNER = "banner", "横幅、展板 Banner or board"
    PRESS = "press", "报刊 Newspaper"
    VIDEO = "video", "短视频 Short video"
    OTHER = "other", "其他 Other"


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# -- training ------------------------------------------------------------------------


class TrainingRecord(models.Model):
    """One course a staff member completed; ``year`` is the calendar year it ended in."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="training_records")
    year = models.PositiveSmallIntegerField("年度 year")
    level = models.CharField("培训层级 level", max_length=10, choices=TrainingLevel.choices)
    course = models.CharField("培训项目 course", max_length=120)
    hours = models.DecimalField("学时 hours", max_digits=5, decimal_places=1)
    start_date = models.DateField("开始日期 start")
    end_date = models.DateField("结束日期 end")
    provider = models.CharField("承办单位 provider", max_length=120, blank=True, default="")

    history = HistoricalRecords()
    SCOPE = Scope(county=STAFF_COUNTY, institution=STAFF_INSTITUTION, principal_writes=True)

    class Meta:
        verbose_name = "培训记录 training record"
        verbose_name_plural = "培训记录 training records"
        ordering = ["-end_date", "staff_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "course", "start_date"], name="training_unique_course"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="training_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.course} ({self.hours})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            # The database refuses it too (training_dates_ordered); this says so on the field.
            raise ValidationError(
                {"end_date": "结束日期不能早于开始日期 / the end date cannot be before the start date"}
            )
        if self.end_date and self.year and self.end_date.year != self.year:
            raise ValidationError(
                {"year": f"年度应为结束日期所在年份 {self.end_date.year} / the year is the end date's year"}
            )


# -- performance pay --------------------------------------------------------------------


class PerformancePay(models.Model):
    """A high school's performance pay (绩效工资) for a year, by group (amounts in yuan).

    The groups do not overlap: front-line teachers who are not class teachers; class teachers
    (班主任, nearly always teaching too); everyone else (administration, support, service).
    """

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="performance_pay")
    year = models.PositiveSmallIntegerField("年度 year")
    total = models.DecimalField("绩效工资总额 total", max_digits=14, decimal_places=2)
    frontline_amount = models.DecimalField("一线教师金额 front-line amount", max_digits=14, decimal_places=2)
    frontline_count = models.PositiveIntegerField("一线教师人数 front-line teachers")
    class_teacher_amount = models.DecimalField(
        "班主任金额 class teachers' amount", max_digits=14, decimal_places=2
    )
    class_teacher_count = models.PositiveIntegerField("班主任人数 class teachers")
    other_amount = models.DecimalField("其他人员金额 others' amount", max_digits=14, decimal_places=2)
    other_count = models.PositiveIntegerField("其他人员人数 others")

    history = HistoricalRecords()
    SCOPE = Scope(county="institution__county", institution=("institution",), principal_writes=True)

    class Meta:
        verbose_name = "绩效工资分配 performance pay"
        verbose_name_plural = "绩效工资分配 performance pay"
        ordering = ["-year", "institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="pay_one_per_year"),
            models.CheckConstraint(
                condition=Q(total=F("frontline_amount") + F("class_teacher_amount") + F("other_amount")),
                name="pay_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(frontline_amount__gte=0)
                & Q(class_teacher_amount__gte=0)
                & Q(other_amount__gte=0),
                name="pay_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.institution_id and self.institution.kind != InstitutionKind.HIGH_SCHOOL:
            errors["institution"] = "绩效工资分配只登记普通高中 / only general high schools are recorded"
        for group in ("frontline", "class_teacher", "other"):
            amount = getattr(self, f"{group}_amount")
            count = getattr(self, f"{group}_count")
            if amount and count == 0:
                errors[f"{group}_count"] = "有金额时人数不能为0 / a group with pay needs a headcount"
        parts = [self.frontline_amount, self.class_teacher_amount, self.other_amount]
        if self.total is not None and all(p is not None for p in parts) and self.total != sum(parts):
            errors["total"] = (
                f"总额应等于三类人员金额之和 {sum(parts, Decimal(0))} / the total must equal the three groups' sum"
            )
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def average(amount: Decimal, count: int) -> Decimal | None:
        return (amount / count).quantize(Decimal("0.01")) if count else None

    @property
    def frontline_average(self) -> Decimal | None:
        """Average of front-line and class teachers together (the group the clause tilts towards)."""
        return self.average(
            self.frontline_amount + self.class_teacher_amount, self.frontline_count + self.class_teacher_count
        )

    @property
    def class_teacher_average(self) -> Decimal | None:
        return self.average(self.class_teacher_amount, self.class_teacher_count)

    @property
    def plain_teacher_average(self) -> Decimal | None:
        return self.average(self.frontline_amount, self.frontline_count)

    @property
    def other_average(self) -> Decimal | None:
        return self.average(self.other_amount, self.other_count)

    def share(self, group: str) -> Decimal | None:
        amount = getattr(self, f"{group}_amount")
        return (amount * 100 / self.total).quantize(Decimal("0.1")) if self.total else None


# -- evaluation schemes -----------------------------------------------------------------


class EvaluationScheme(models.Model):
    """How a county bureau (``institution`` empty) or a school evaluates schools or teachers."""

    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="evaluation_schemes")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation_schemes"
    )
    year = models.PositiveSmallIntegerField("年度 year")
    title = models.CharField("方案名称 title", max_length=200)
    target = models.CharField("评价对象 evaluates", max_length=10, choices=EvaluationTarget.choices)
    issued_on = models.DateField("印发日期 issued on", null=True, blank=True)
    admission_targets = models.BooleanField(
        "向学校下达升学率指标 admission-rate targets given to schools",
        default=False,
        help_text="不得向学校下达升学指标 no admission-rate targets may be given to schools",
    )

    history = HistoricalRecords()
    SCOPE = Scope(county="county", institution=("institution",))

    class Meta:
        verbose_name = "评价方案 evaluation scheme"
        verbose_name_plural = "评价方案 evaluation schemes"
        ordering = ["-year", "county__code", "title"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "title"], name="scheme_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def issuer(self) -> str:
        if self.institution is not None:
            return self.institution.name
        return f"{self.county.name}教育体育局"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            errors["county"] = f"{self.county} 不是县级区划 / is not a county"
        if self.institution is not None and self.county_id and self.institution.county_id != self.county_id:
            errors["institution"] = "学校不在该县 / the school is not in this county"
        if errors:
            raise ValidationError(errors)


class EvaluationCriterion(models.Model):
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("指标 criterion", max_length=120)
    category = models.CharField("类别 category", max_length=16, choices=CriterionCategory.choices)
    weight = models.DecimalField("权重(%) weight", max_digits=5, decimal_places=2)

    history = HistoricalRecords()
    SCOPE = Scope(county="scheme__county", institution=("scheme__institution",))

    class Meta:
        verbose_name = "评价指标 criterion"
        verbose_name_plural = "评价指标 criteria"
        ordering = ["scheme_id", "-weight", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.weight}%"


# -- teacher ethics, restricted ----------------------------------------------------------


class EthicsAssessment(models.Model):
    """The yearly ethics assessment (师德考核) of a staff member, made by the school."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="ethics_assessments")
    year = models.PositiveSmallIntegerField("年度 year")
    result = models.CharField("考核结果 result", max_length=12, choices=EthicsResult.choices)
    assessed_on = models.DateField("考核日期 assessed on", null=True, blank=True)
    note = models.CharField("说明 note", max_length=200, blank=True, default="")

    history = HistoricalRecords()
    SCOPE = Scope(
        county=STAFF_COUNTY, institution=STAFF_INSTITUTION, principal_writes=True, roles=ETHICS_ROLES
    )

    class Meta:
        verbose_name = "师德考核 ethics assessment"
        verbose_name_plural = "师德考核 ethics assessments"
        ordering = ["-year", "staff_id"]
        constraints = [models.UniqueConstraint(fields=["staff", "year"], name="ethics_one_per_year")]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.year} {self.get_result_display()}"


class NegativeListEntry(models.Model):
    """A breach of the negative list and its handling; decided by the county or city bureau."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="negative_entries")
    category = models.CharField("负面清单类别 category", max_length=16, choices=NegativeCategory.choices)
    occurred_on = models.DateField("发生日期 occurred on")
    decided_on = models.DateField("处理日期 decided on")
    consequence = models.CharField("处理结果 consequence", max_length=20, choices=Consequence.choices)
    ban_years = models.PositiveSmallIntegerField(
        "影响期(年) years barred",
        default=0,
        help_text="取消评优评先、职称晋升的年限 years without awards or promotion (0: none)",
    )
    serious = models.BooleanField(
        "严重师德师风问题 serious",
        default=False,
        help_text="严重问题须另登记为重大事件 a serious problem is also recorded as an incident",
    )
    description = models.TextField("情况 description", blank=True, default="")

    history = HistoricalRecords()
    SCOPE = Scope(county=STAFF_COUNTY, institution=STAFF_INSTITUTION, roles=ETHICS_ROLES)

    class Meta:
        verbose_name = "负面清单记录 negative-list entry"
        verbose_name_plural = "负面清单记录 negative-list entries"
        ordering = ["-decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__gte=F("occurred_on")), name="negative_dates_ordered"
            ),
            models.UniqueConstraint(fields=["staff", "category", "occurred_on"], name="negative_unique_case"),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.get_category_display()} {self.decided_on}"

    def clean(self) -> None:
        if self.consequence == Consequence.NO_PROMOTION and not self.ban_years:
            raise ValidationError(
                {"ban_years": "取消评优评先须填写影响期年限 / give the number of years barred"}
            )

    @property
    def barred_until(self) -> dt.date | None:
        """The first day awards and promotion are possible again (``None``: no bar). Dismissal and
        a revoked certificate bar for good."""
        if self.consequence in (Consequence.DISMISSAL, Consequence.CERTIFICATE_REVOKED):
            return dt.date.max
        if self.consequence in BARRING_CONSEQUENCES and self.ban_years:
            return _add_years(self.decided_on, self.ban_years)
        return None

    def bars_on(self, day: dt.date) -> bool:
        until = self.barred_until
        return until is not None and self.decided_on <= day < until


class CareerEvent(models.Model):
    """An award, honour or promotion given to a staff member (checked against negative-list bars)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="career_events")
    kind = models.CharField("类型 kind", max_length=10, choices=CareerEventKind.choices)
    title = models.CharField("名称 title", max_length=120)
    granted_on = models.DateField("授予日期 granted on")
    granted_by = models.CharField("授予单位 granted by", max_length=120, blank=True, default="")

    history = HistoricalRecords()
    SCOPE = Scope(county=STAFF_COUNTY, institution=STAFF_INSTITUTION)

    class Meta:
        verbose_name = "评优与晋升 award or promotion"
        verbose_name_plural = "评优与晋升 awards and promotions"
        ordering = ["-granted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "kind", "title", "granted_on"], name="career_unique_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.title} {self.granted_on}"


# -- publicity --------------------------------------------------------------------------


class PublicityItem(models.Model):
    """A school's public publicity item (a post, a banner, an article)."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="publicity")
    published_on = models.DateField("发布日期 published on")
    channel = models.CharField("渠道 channel", max_length=10, choices=PublicityChannel.choices)
    title = models.CharField("标题 title", max_length=200)
    text = models.TextField("内容 text", blank=True, default="")
    url = models.URLField("链接 link", blank=True, default="")

    history = HistoricalRecords()
    SCOPE = Scope(county="institution__county", institution=("institution",), principal_writes=True)

    class Meta:
        verbose_name = "宣传报道 publicity item"
        verbose_name_plural = "宣传报道 publicity items"
        ordering = ["-published_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "published_on", "title"], name="publicity_unique_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.published_on} {self.title}"
