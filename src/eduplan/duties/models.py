"""Dated records of duties the plan assigns and nothing else recorded (docs/programmes.md, "Duties").

- party organisation coverage of kindergartens (党组织覆盖): which organisation covers a
  kindergarten, in what form, since when;
- public-institution registration (事业单位法人登记) of township central kindergartens, with the
  certificate's unified social credit code;
- research guidance visits (教研指导) to kindergartens, by the county research unit or a guiding
  kindergarten;
- the yearly accounts of non-profit private kindergartens: surplus, what was distributed (nothing may
  be), and the fee account filed with the education department (收费账户备案);
- "three classrooms" (三个课堂) pairings of high schools, per school year, with the sessions held;
- fees paid under a trusteeship (托管帮扶), so that a brand fee (品牌费) shows;
- the outflow from county high schools (top-scoring candidates admitted outside the county, high
  school teachers transferred to city schools), as counts by county and year only;
- kindergarten teachers' average pay per kindergarten and year (民办园参照公办园).

Every model keeps a full history, validates in ``clean`` (the same refusal from the page, the API, an
import and a test) and declares its ``SCOPE``; writes go through ``duties.actions`` and so through the
one save path.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from eduplan.accounts.scoping import Scope
from eduplan.registers.fields import DatedRegister, dates_ordered, kind_error, school_year_field
from eduplan.registry.choices import DivisionLevel, InstitutionKind, Ownership, PairingKind
from eduplan.registry.models import Division, Institution, Pairing

_INST = ("institution",)
_KG = (InstitutionKind.KINDERGARTEN,)
_HS = (InstitutionKind.HIGH_SCHOOL,)
#: Unified social credit code of a public institution (事业单位): 18 characters, registration
#: authority 1 (机构编制), type 2 (事业单位) — GB 32100-2015.
CREDIT_CODE = re.compile(r"^12[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


# -- party organisation coverage ----------------------------------------------------------------


class PartyForm(models.TextChoices):
    OWN = "own", "单独建立党组织 Own party organisation"
    JOINT = "joint", "联合党组织 Joint party organisation"
    INSTRUCTOR = "instructor", "选派党建指导员 Party-building instructor"


class PartyCoverage(DatedRegister):
    """A party organisation covering a kindergarten, from ``established_on`` to ``ended_on``. A
    joint organisation covers several kindergartens: one row each, under the same name."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="幼儿园 kindergarten",
        on_delete=models.PROTECT,
        related_name="party_coverage",
    )
    form = models.CharField("覆盖形式 form", max_length=12, choices=PartyForm.choices)
    organisation = models.CharField(
        "党组织名称 organisation",
        max_length=100,
        help_text="联合党组织或指导员所在党组织 the covering organisation",
    )
    established_on = models.DateField("建立日期 established on")
    ended_on = models.DateField("撤销日期 ended on", null=True, blank=True)
    document = models.CharField("批复文号 approval document", max_length=100)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "党组织覆盖 party organisation coverage"
        verbose_name_plural = "党组织覆盖 party organisation coverage"
        ordering = ["institution__code", "established_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "established_on"], name="duty_party_unique"),
            dates_ordered("established_on", "ended_on", "duty_party_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.organisation}"

    def clean(self) -> None:
        errors = kind_error(self.institution if self.institution_id else None, _KG, "幼儿园", "kindergarten")
        if self.ended_on and self.established_on and self.ended_on < self.established_on:
            errors["ended_on"] = "撤销日期早于建立日期 / ends before it was established"
        if not (self.document or "").strip():
            errors["document"] = "须填写批复文号 / give the approval document"
        if errors:
            raise ValidationError(errors)


# -- public-institution registration of township central kindergartens ---------------------------


class PublicRegistration(DatedRegister):
    """A township central kindergarten registered as a public institution (事业单位法人), with its
    certificate's unified social credit code and validity."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="乡镇中心园 township central kindergarten",
        on_delete=models.PROTECT,
        related_name="public_registrations",
    )
    credit_code = models.CharField(
        "统一社会信用代码 unified social credit code",
        max_length=18,
        help_text="事业单位法人证书 18位,以12开头",
    )
    registered_on = models.DateField("登记日期 registered on")
    valid_until = models.DateField("证书有效期至 valid until", null=True, blank=True)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "事业单位法人登记 public-institution registration"
        verbose_name_plural = "事业单位法人登记 public-institution registrations"
        ordering = ["institution__code", "registered_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "registered_on"], name="duty_registration_unique"),
            dates_ordered("registered_on", "valid_until", "duty_registration_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.credit_code}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        inst = self.institution if self.institution_id else None
        if inst is not None and (
            inst.kind != InstitutionKind.KINDERGARTEN
            or not inst.is_central
            or inst.ownership != Ownership.PUBLIC
        ):
            errors["institution"] = "应为公办乡镇中心幼儿园 / must be a public township central kindergarten"
        code = (self.credit_code or "").strip().upper()
        self.credit_code = code
        if not CREDIT_CODE.match(code):
            errors["credit_code"] = (
                f"「{code}」不是事业单位统一社会信用代码(18位,以12开头) / {code!r} is not a public "
                "institution's unified social credit code (18 characters starting with 12)"
            )
        if self.valid_until and self.registered_on and self.valid_until < self.registered_on:
            errors["valid_until"] = "有效期早于登记日期 / valid until a day before registration"
        if errors:
            raise ValidationError(errors)


# -- research guidance ------------------------------------------------------------------------------


class GuideKind(models.TextChoices):
    COUNTY_UNIT = "county_unit", "县级学前教研机构 County research unit"
    KINDERGARTEN = "kindergarten", "县直/中心幼儿园 Guiding kindergarten"


class GuidanceVisit(DatedRegister):
    """A research guidance visit (教研指导) to a kindergarten: by the county's research unit or by
    a guiding kindergarten (the county's kindergartens guide the township central ones, those the
    village ones)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="幼儿园 kindergarten",
        on_delete=models.PROTECT,
        related_name="guidance_visits",
    )
    on = models.DateField("指导日期 date")
    guide_kind = models.CharField("指导方 guided by", max_length=14, choices=GuideKind.choices)
    guide = models.ForeignKey(
        Institution,
        verbose_name="指导园 guiding kindergarten",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guidance_given",
    )
    topic = models.CharField("指导内容 topic", max_length=200)

    SCOPE = Scope(county="institution__county", institution=("institution", "guide"), principal_writes=True)

    class Meta:
        verbose_name = "教研指导 research guidance visit"
        verbose_name_plural = "教研指导 research guidance visits"
        ordering = ["institution__code", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "on", "guide_kind"], name="duty_guidance_unique"),
            models.CheckConstraint(
                condition=Q(guide_kind=GuideKind.COUNTY_UNIT, guide__isnull=True)
                | Q(guide_kind=GuideKind.KINDERGARTEN, guide__isnull=False),
                name="duty_guidance_guide",
            ),
            models.CheckConstraint(condition=~Q(guide=F("institution")), name="duty_guidance_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.on}"

    def clean(self) -> None:
        errors = kind_error(self.institution if self.institution_id else None, _KG, "幼儿园", "kindergarten")
        guide = self.guide if self.guide_id else None
        if self.guide_kind == GuideKind.KINDERGARTEN and guide is None:
            errors["guide"] = "由幼儿园指导时须注明指导园 / name the guiding kindergarten"
        if self.guide_kind == GuideKind.COUNTY_UNIT and guide is not None:
            errors["guide"] = "县级教研机构指导时不填指导园 / no guiding kindergarten for the county unit"
        errors |= kind_error(guide, _KG, "幼儿园", "kindergarten", field="guide")
        if guide is not None and self.institution_id and guide.pk == self.institution_id:
            errors["guide"] = "幼儿园不能指导自己 / a kindergarten does not guide itself"
        if errors:
            raise ValidationError(errors)


# -- non-profit private kindergartens: accounts and the filed fee account ------------------------


class NonProfitAccounts(DatedRegister):
    """A non-profit private kindergarten's audited accounts for a school year: the surplus, what of
    it was distributed to the sponsor (nothing may be), and the fee account filed with the education
    department (the bank and the account's last four digits; never the whole number)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="非营利性民办园 non-profit private kindergarten",
        on_delete=models.PROTECT,
        related_name="nonprofit_accounts",
    )
    school_year = school_year_field()
    audited_on = models.DateField("审计日期 audited on")
    audit_report = models.CharField("审计报告文号 audit report", max_length=100)
    surplus = models.DecimalField("办园结余(元) surplus (yuan)", max_digits=14, decimal_places=2)
    distributed = models.DecimalField(
        "分配给举办者(元) distributed to the sponsor (yuan)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_account_bank = models.CharField("收费账户开户行 fee account bank", max_length=100, blank=True)
    fee_account_last4 = models.CharField("收费账号后四位 account last 4", max_length=4, blank=True)
    fee_account_filed_on = models.DateField("收费账户备案日期 fee account filed on", null=True, blank=True)

    SCOPE = Scope(county="institution__county", institution=_INST, principal_writes=True)

    class Meta:
        verbose_name = "非营利性民办园财务 non-profit accounts"
        verbose_name_plural = "非营利性民办园财务 non-profit accounts"
        ordering = ["institution__code", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "school_year"], name="duty_accounts_unique"),
            models.CheckConstraint(condition=Q(distributed__gte=0), name="duty_accounts_distributed"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.school_year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        inst = self.institution if self.institution_id else None
        if inst is not None and (
            inst.kind != InstitutionKind.KINDERGARTEN or inst.ownership != Ownership.PRIVATE_NONPROFIT
        ):
            errors["institution"] = "应为非营利性民办幼儿园 / must be a non-profit private kindergarten"
        last4 = (self.fee_account_last4 or "").strip()
        if last4 and not re.fullmatch(r"[0-9]{4}", last4):
            errors["fee_account_last4"] = "应为账号后四位数字 / the account's last four digits"
        if self.fee_account_filed_on and not (last4 and (self.fee_account_bank or "").strip()):
            errors["fee_account_filed_on"] = (
                "备案的收费账户须注明开户行和账号后四位 / a filed account names its bank and last four digits"
            )
        if errors:
            raise ValidationError(errors)


# -- "three classrooms" pairings -----------------------------------------------------------------


class ClassroomMode(models.TextChoices):
    DELIVERY = "delivery", "专递课堂 Delivered classroom"
    TEACHER = "teacher", "名师课堂 Master-teacher classroom"
    SCHOOL = "school", "名校网络课堂 Online classroom of a quality school"


class ClassroomPairing(DatedRegister):
    """One school year of a "three classrooms" pairing: a provider school streams lessons to a
    receiving (county) high school, and how many sessions were held."""

    provider = models.ForeignKey(
        Institution,
        verbose_name="输出学校 provider",
        on_delete=models.PROTECT,
        related_name="classrooms_given",
    )
    receiver = models.ForeignKey(
        Institution,
        verbose_name="接收学校 receiver",
        on_delete=models.PROTECT,
        related_name="classrooms_received",
    )
    mode = models.CharField("形式 mode", max_length=10, choices=ClassroomMode.choices)
    school_year = school_year_field()
    sessions = models.PositiveIntegerField("本学年开课节数 sessions this school year")

    SCOPE = Scope(county="receiver__county", institution=("receiver", "provider"))

    class Meta:
        verbose_name = "三个课堂结对 three-classrooms pairing"
        verbose_name_plural = "三个课堂结对 three-classrooms pairings"
        ordering = ["receiver__code", "school_year", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "receiver", "mode", "school_year"], name="duty_classroom_unique"
            ),
            models.CheckConstraint(condition=~Q(provider=F("receiver")), name="duty_classroom_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.receiver} {self.school_year}"

    def clean(self) -> None:
        errors = kind_error(
            self.receiver if self.receiver_id else None, _HS, "普通高中", "general high school", "receiver"
        )
        errors |= kind_error(
            self.provider if self.provider_id else None, _HS, "普通高中", "general high school", "provider"
        )
        if self.provider_id and self.provider_id == self.receiver_id:
            errors["receiver"] = "输出学校和接收学校不能相同 / a school does not pair with itself"
        if errors:
            raise ValidationError(errors)


# -- trusteeship fees ------------------------------------------------------------------------------


class FeePurpose(models.TextChoices):
    BRAND = "brand", "品牌费/冠名费 Brand or naming fee"
    TRAINING = "training", "培训成本 Training costs"
    TRAVEL = "travel", "差旅 Travel"
    MATERIALS = "materials", "资料 Materials"
    OTHER = "other", "其他 Other"


class TrusteeshipFee(DatedRegister):
    """A payment a high school under trusteeship (托管帮扶) made to its trustee: to whom, for what,
    when, and the voucher. Costs of the assistance may be paid; a brand fee may not. The school must
    be under a trusteeship (``registry.Pairing``) on the day it paid."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="受托管学校 school under trusteeship",
        on_delete=models.PROTECT,
        related_name="trusteeship_fees",
    )
    payee = models.CharField("收款方(托管学校) payee (the trustee)", max_length=100)
    paid_on = models.DateField("支付日期 paid on")
    amount = models.DecimalField(
        "金额(元) amount (yuan)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    purpose = models.CharField("用途 purpose", max_length=10, choices=FeePurpose.choices)
    description = models.CharField("说明 description", max_length=200, blank=True)
    voucher = models.CharField("凭证号 voucher", max_length=60)

    SCOPE = Scope(county="institution__county", institution=_INST)

    class Meta:
        verbose_name = "托管帮扶费用 trusteeship fee"
        verbose_name_plural = "托管帮扶费用 trusteeship fees"
        ordering = ["institution__code", "paid_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "voucher"], name="duty_fee_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="duty_fee_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.paid_on} {self.amount}"

    def clean(self) -> None:
        inst = self.institution if self.institution_id else None
        errors = kind_error(inst, _HS, "普通高中", "general high school")
        if inst is not None and self.paid_on and not errors:
            held = Pairing.objects.filter(
                supported=inst, kind=PairingKind.HS_TRUSTEESHIP, start_date__lte=self.paid_on
            ).filter(Q(end_date__isnull=True) | Q(end_date__gte=self.paid_on))
            if not held.exists():
                errors["institution"] = (
                    f"{inst.code}在{self.paid_on}不在托管帮扶关系中 / {inst.code} was not under a "
                    f"trusteeship on {self.paid_on}"
                )
        if self.purpose == FeePurpose.OTHER and not (self.description or "").strip():
            errors["description"] = "用途为其他时须说明 / describe an 'other' payment"
        if errors:
            raise ValidationError(errors)


# -- outflow from county high schools ---------------------------------------------------------------


class TalentOutflow(DatedRegister):
    """One year's outflow from a county's high schools, as counts only: of the county's
    top-scoring candidates of the high-school entrance examination, how many were admitted by a
    school outside the county; of its high-school teachers, how many transferred to city schools."""

    county = models.ForeignKey(
        Division, verbose_name="县(市、区) county", on_delete=models.PROTECT, related_name="talent_outflow"
    )
    year = models.PositiveSmallIntegerField("年度 year", validators=[MinValueValidator(1949)])
    top_candidates = models.PositiveIntegerField("高分段考生数 top-scoring candidates")
    top_admitted_outside = models.PositiveIntegerField("被县外学校录取数 admitted outside the county")
    hs_teachers = models.PositiveIntegerField("县域高中教师数 county high-school teachers")
    teachers_to_city = models.PositiveIntegerField("调往市区学校教师数 teachers transferred to city schools")

    SCOPE = Scope(county="county")

    class Meta:
        verbose_name = "县中生源与师资流失 county high-school outflow"
        verbose_name_plural = "县中生源与师资流失 county high-school outflow"
        ordering = ["county__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="duty_outflow_unique"),
            models.CheckConstraint(
                condition=Q(top_admitted_outside__lte=F("top_candidates")), name="duty_outflow_students"
            ),
            models.CheckConstraint(
                condition=Q(teachers_to_city__lte=F("hs_teachers")), name="duty_outflow_teachers"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            errors["county"] = "应为县级区划 / must be a county"
        if (self.top_admitted_outside or 0) > (self.top_candidates or 0):
            errors["top_admitted_outside"] = (
                f"县外录取数{self.top_admitted_outside}大于高分段考生数{self.top_candidates} / more admitted "
                "outside than top-scoring candidates"
            )
        if (self.teachers_to_city or 0) > (self.hs_teachers or 0):
            errors["teachers_to_city"] = (
                f"调出教师数{self.teachers_to_city}大于教师总数{self.hs_teachers} / more transferred than teachers"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def student_share(self) -> float | None:
        return self.top_admitted_outside / self.top_candidates if self.top_candidates else None

    @property
    def teacher_share(self) -> float | None:
        return self.teachers_to_city / self.hs_teachers if self.hs_teachers else None


# -- kindergarten teachers' pay ---------------------------------------------------------------------


class TeacherPay(DatedRegister):
    """A kindergarten's full-time teachers' average monthly gross pay for a school year (no person's
    pay: an average over ``teachers``)."""

    institution = models.ForeignKey(
        Institution, verbose_name="幼儿园 kindergarten", on_delete=models.PROTECT, related_name="teacher_pay"
    )
    school_year = school_year_field()
    teachers = models.PositiveIntegerField("专任教师人数 teachers", validators=[MinValueValidator(1)])
    average_monthly = models.DecimalField(
        "月平均应发工资(元) average monthly pay (yuan)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    SCOPE = Scope(county="institution__county", institution=_INST, principal_writes=True)

    class Meta:
        verbose_name = "幼儿园教师工资 kindergarten teachers' pay"
        verbose_name_plural = "幼儿园教师工资 kindergarten teachers' pay"
        ordering = ["institution__code", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "school_year"], name="duty_pay_unique"),
            models.CheckConstraint(condition=Q(teachers__gte=1), name="duty_pay_teachers"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.school_year}"

    def clean(self) -> None:
        errors = kind_error(self.institution if self.institution_id else None, _KG, "幼儿园", "kindergarten")
        if errors:
            raise ValidationError(errors)
