"""Rules over the duty registers (``eduplan.duties``): party organisation coverage, public-institution
registration of township central kindergartens, research guidance and integrated management, the
accounts of non-profit private kindergartens, "three classrooms" pairings, trusteeship fees, the
outflow from county high schools and kindergarten teachers' pay. docs/rules.md lists them.

The duty models are imported inside the rules: ``rules`` sits below the register apps
(docs/architecture.md) and reads their rows the way it reads the programme registers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, Sum

from eduplan.metrics.concepts import COUNTY_HIGH_SCHOOL, LICENSED
from eduplan.registry.choices import InstitutionKind, Ownership

from .catalogue import RuleContext, inst_fields, rule, school_year_end, school_year_start
from .findings import EntityType, FindingKind, RuleFinding, Severity

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from eduplan.registry.models import Institution


def _in_force(start: str, end: str, day: dt.date) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def _kindergartens(ctx: RuleContext) -> QuerySet[Institution]:
    """Open, licensed-or-pending kindergartens (an unlicensed one is dealt with by closure or
    licensing, not asked for the duties of a kindergarten)."""
    return ctx.open_institutions().filter(LICENSED.q(""), kind=InstitutionKind.KINDERGARTEN)


# -- party organisation coverage ------------------------------------------------------------------


@rule(
    "KG-PARTY-COVERAGE",
    severity=Severity.MEDIUM,
    title_zh="幼儿园未被党组织覆盖",
    title_en="Kindergarten not covered by a party organisation",
)
def party_coverage(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Party organisation covers every kindergarten: on ``as_of`` each open kindergarten has a
    coverage record in force (its own organisation, a joint one, or a party-building instructor)."""
    from eduplan.duties.models import PartyCoverage

    covered = Exists(
        PartyCoverage.objects.filter(institution=OuterRef("pk")).filter(
            _in_force("established_on", "ended_on", ctx.as_of)
        )
    )
    for row in _kindergartens(ctx).filter(~covered).values(*inst_fields("")):
        yield ctx.at_institution(
            row,
            measured="无 none",
            required="单独、联合党组织或党建指导员 own or joint organisation, or an instructor",
            message_zh=f"截至{ctx.as_of}没有覆盖本园的党组织记录",
            message_en=f"no party organisation covers it as of {ctx.as_of}",
        )


# -- public-institution registration of township central kindergartens -----------------------------


@rule(
    "KG-CENTRAL-REGISTRATION",
    severity=Severity.MEDIUM,
    title_zh="乡镇中心幼儿园未登记为事业单位",
    title_en="Township central kindergarten not registered as a public institution",
)
def central_registration(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Township central kindergartens are registered as public institutions (事业单位法人): each
    open public central kindergarten holds a registration in force on ``as_of``; one whose
    certificate has lapsed is reported with the lapse."""
    from eduplan.duties.models import PublicRegistration

    regs = PublicRegistration.objects.filter(institution=OuterRef("pk"))
    in_force = Exists(regs.filter(_in_force("registered_on", "valid_until", ctx.as_of)))
    centrals = _kindergartens(ctx).filter(is_central=True, ownership=Ownership.PUBLIC).filter(~in_force)
    lapsed = dict(
        PublicRegistration.objects.filter(institution__in=centrals, valid_until__lt=ctx.as_of)
        .order_by("institution_id", "valid_until")
        .values_list("institution__code", "valid_until")
    )
    for row in centrals.values(*inst_fields("")):
        until = lapsed.get(row["code"])
        if until is not None:
            zh, en = (
                f"事业单位法人证书已于{until}到期",
                f"its public-institution certificate lapsed on {until}",
            )
        else:
            zh, en = "没有事业单位法人登记记录", "no public-institution registration is recorded"
        yield ctx.at_institution(
            row,
            measured=str(until) if until else "未登记 none",
            required="事业单位法人登记 public-institution registration",
            message_zh=zh,
            message_en=en,
        )


# -- research guidance and integrated management ---------------------------------------------------


@rule(
    "KG-GUIDANCE",
    severity=Severity.LOW,
    title_zh="幼儿园未得到教研指导",
    title_en="Kindergarten without research guidance",
    params=("duties.guidance_within_days",),
)
def guidance_coverage(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Research guidance covers every kindergarten: each open kindergarten had a guidance visit
    (county research unit or guiding kindergarten) within ``duties.guidance_within_days`` days up
    to ``as_of``."""
    from eduplan.duties.models import GuidanceVisit

    days = int(ctx.param("duties.guidance_within_days"))
    since = ctx.as_of - dt.timedelta(days=days)
    visited = Exists(
        GuidanceVisit.objects.filter(institution=OuterRef("pk"), on__gt=since, on__lte=ctx.as_of)
    )
    for row in _kindergartens(ctx).filter(~visited).values(*inst_fields("")):
        yield ctx.at_institution(
            row,
            measured=0,
            required=f"≥ 1 / {days}天 days",
            message_zh=f"{since}至{ctx.as_of}没有教研指导记录",
            message_en=f"no research guidance visit between {since} and {ctx.as_of}",
        )


@rule(
    "KG-VILLAGE-INTEGRATION",
    severity=Severity.LOW,
    title_zh="村级公办园未纳入乡镇中心园一体化管理",
    title_en="Public village kindergarten outside its central kindergarten's integrated management",
)
def village_integration(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Township central kindergartens manage the village kindergartens as one (一体化管理): a
    public kindergarten in a township whose central kindergarten is open must name it as its
    central kindergarten (``Institution.central``)."""
    from eduplan.registry.models import Institution

    central_here = Institution.objects.filter(
        division_id=OuterRef("division_id"),
        kind=InstitutionKind.KINDERGARTEN,
        is_central=True,
        ownership=Ownership.PUBLIC,
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.as_of))
    villages = (
        _kindergartens(ctx)
        .filter(ownership=Ownership.PUBLIC, is_central=False, central__isnull=True)
        .filter(Exists(central_here))
    )
    for row in villages.values(*inst_fields(""), "division__name"):
        yield ctx.at_institution(
            row,
            measured="无 none",
            required="所属中心园 its central kindergarten",
            message_zh=f"{row['division__name']}有中心园,但本园未登记所属中心园(一体化管理)",
            message_en=f"{row['division__name']} has a central kindergarten, but this one names none (integrated management)",
        )


# -- non-profit private kindergartens ----------------------------------------------------------------


@rule(
    "KG-SURPLUS-DISTRIBUTED",
    severity=Severity.HIGH,
    title_zh="非营利性民办园分配办园结余",
    title_en="Non-profit private kindergarten distributed its surplus",
)
def surplus_distributed(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Non-profit private kindergartens may not distribute their surplus: any amount distributed to
    the sponsor in the school year's audited accounts is a breach."""
    from eduplan.duties.models import NonProfitAccounts

    rows = ctx.records(NonProfitAccounts).filter(school_year=ctx.year, distributed__gt=0)
    for row in rows.values(*inst_fields(), "distributed", "audit_report"):
        yield ctx.at_institution(
            row,
            prefix="institution__",
            measured=f"{row['distributed']}元",
            required="0",
            message_zh=f"{ctx.year}学年审计({row['audit_report']})显示向举办者分配结余{row['distributed']}元",
            message_en=(
                f"the {ctx.year} audit ({row['audit_report']}) shows {row['distributed']} yuan of surplus "
                "distributed to the sponsor"
            ),
        )


@rule(
    "KG-FEE-ACCOUNT",
    severity=Severity.MEDIUM,
    title_zh="非营利性民办园收费账户未备案",
    title_en="Non-profit private kindergarten's fee account not filed",
)
def fee_account(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Non-profit private kindergartens collect fees through the account filed with the education
    department: each open one has, for the school year, accounts naming a fee account filed on or
    before ``as_of``."""
    from eduplan.duties.models import NonProfitAccounts

    filed = NonProfitAccounts.objects.filter(
        institution=OuterRef("pk"), school_year=ctx.year, fee_account_filed_on__lte=ctx.as_of
    )
    recorded = NonProfitAccounts.objects.filter(institution=OuterRef("pk"), school_year=ctx.year)
    kgs = (
        _kindergartens(ctx)
        .filter(ownership=Ownership.PRIVATE_NONPROFIT)
        .filter(~Exists(filed))
        .annotate(has_accounts=Exists(recorded))
    )
    for row in kgs.values(*inst_fields(""), "has_accounts"):
        if row["has_accounts"]:
            zh, en = (
                f"{ctx.year}学年财务记录未载明已备案的收费账户",
                f"the {ctx.year} accounts name no filed fee account",
            )
        else:
            zh, en = (
                f"没有{ctx.year}学年财务与收费账户记录",
                f"no accounts or fee account recorded for {ctx.year}",
            )
        yield ctx.at_institution(
            row,
            measured="未备案 not filed",
            required="收费账户已备案 fee account filed",
            message_zh=zh,
            message_en=en,
        )


# -- three classrooms ----------------------------------------------------------------------------------


@rule(
    "HS-THREE-CLASSROOMS",
    severity=Severity.MEDIUM,
    title_zh="县中未开展三个课堂结对",
    title_en="County high school without a working three-classrooms pairing",
)
def three_classrooms(ctx: RuleContext) -> Iterator[RuleFinding]:
    """ "Three classrooms" pair urban and rural schools: each open county high school receives, in
    the school year, at least one pairing that held sessions. A pairing with no session is reported
    as one on paper only."""
    from eduplan.duties.models import ClassroomPairing

    pairings = ClassroomPairing.objects.filter(receiver=OuterRef("pk"), school_year=ctx.year)
    schools = (
        ctx.open_institutions()
        .filter(COUNTY_HIGH_SCHOOL.q(""))
        .filter(~Exists(pairings.filter(sessions__gt=0)))
        .annotate(paired=Exists(pairings))
    )
    for row in schools.values(*inst_fields(""), "paired"):
        if row["paired"]:
            zh, en = (
                f"{ctx.year}学年有三个课堂结对,但开课0节",
                f"paired in {ctx.year}, but no session was held",
            )
        else:
            zh, en = f"{ctx.year}学年没有三个课堂结对", f"no three-classrooms pairing in {ctx.year}"
        yield ctx.at_institution(row, measured=0, required="≥ 1 节 session", message_zh=zh, message_en=en)


# -- trusteeship fees --------------------------------------------------------------------------------


@rule(
    "HS-TRUSTEESHIP-BRAND-FEE",
    severity=Severity.HIGH,
    title_zh="托管帮扶收取品牌费",
    title_en="Brand fee paid under a trusteeship",
)
def trusteeship_brand_fee(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Trusteeship charges no brand fee: any payment recorded as a brand or naming fee in the school
    year is a breach (costs of the assistance — training, travel, materials — are not)."""
    from eduplan.duties.models import FeePurpose, TrusteeshipFee

    fees = (
        ctx.records(TrusteeshipFee)
        .filter(purpose=FeePurpose.BRAND)
        .filter(paid_on__gte=school_year_start(ctx.year), paid_on__lte=school_year_end(ctx.year))
    )
    for row in fees.values(*inst_fields(), "payee", "amount", "paid_on", "voucher"):
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=row["voucher"],
            measured=f"{row['amount']}元",
            required="0",
            message_zh=f"{row['paid_on']}向{row['payee']}支付品牌费{row['amount']}元(凭证{row['voucher']})",
            message_en=f"paid a brand fee of {row['amount']} yuan to {row['payee']} on {row['paid_on']} (voucher {row['voucher']})",
        )


# -- outflow from county high schools --------------------------------------------------------------


@rule(
    "HS-OUTFLOW",
    severity=Severity.MEDIUM,
    title_zh="县中优质生源或骨干教师流失未减少",
    title_en="Outflow of top students or teachers from county high schools not reduced",
    entity=EntityType.COUNTY,
)
def talent_outflow(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The loss of good students and teachers from county high schools is reduced: in year Y (the
    school year's first calendar year, when its entrants were admitted) the share of the county's
    top-scoring candidates admitted outside the county, and the share of its high-school teachers
    transferred to city schools, are each no higher than in Y−1. A county with high schools and no
    record for Y cannot be judged (no data)."""
    from eduplan.duties.models import TalentOutflow

    with_hs = set(
        ctx.open_institutions()
        .filter(kind=InstitutionKind.HIGH_SCHOOL)
        .values_list("county__code", flat=True)
    )
    rows = {
        (r.county.code, r.year): r
        for r in ctx.records(TalentOutflow).filter(year__in=(ctx.year - 1, ctx.year)).select_related("county")
    }
    for county in ctx.counties():
        if county["code"] not in with_hs:
            continue
        now, before = rows.get((county["code"], ctx.year)), rows.get((county["code"], ctx.year - 1))
        if now is None:
            yield ctx.at_county(
                county,
                kind=FindingKind.NO_DATA,
                message_zh=f"没有{ctx.year}年县中生源与师资流失记录",
                message_en=f"no outflow record for {ctx.year}",
            )
            continue
        if before is None:
            continue
        for what, share_now, share_before, zh, en in (
            (
                "students",
                now.student_share,
                before.student_share,
                "高分段考生县外录取比例",
                "top candidates admitted outside",
            ),
            (
                "teachers",
                now.teacher_share,
                before.teacher_share,
                "高中教师调往市区比例",
                "teachers transferred to city schools",
            ),
        ):
            if share_now is None or share_before is None or share_now <= share_before:
                continue
            yield ctx.at_county(
                county,
                subject=what,
                measured=f"{share_now:.1%}",
                required=f"≤ {share_before:.1%}",
                details={"outflow": what, "year": ctx.year},
                message_zh=f"{zh}由{ctx.year - 1}年的{share_before:.1%}升至{ctx.year}年的{share_now:.1%}",
                message_en=f"{en} rose from {share_before:.1%} in {ctx.year - 1} to {share_now:.1%} in {ctx.year}",
            )


# -- kindergarten teachers' pay --------------------------------------------------------------------


@rule(
    "KG-PAY-PARITY",
    severity=Severity.MEDIUM,
    title_zh="民办园教师工资明显低于本县公办园",
    title_en="Private kindergarten teachers paid well below the county's public kindergartens",
    params=("duties.private_pay_min_share",),
)
def pay_parity(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Private kindergarten teachers' pay is referenced to public kindergartens': a private
    kindergarten whose teachers' average monthly pay in the school year is below
    ``duties.private_pay_min_share`` of the county's public kindergartens' average (weighted by
    teachers) falls short. A county with private kindergartens reporting pay but no public average
    cannot be judged (no data)."""
    from eduplan.duties.models import TeacherPay

    share = Decimal(str(ctx.param("duties.private_pay_min_share")))
    pay = ctx.records(TeacherPay).filter(school_year=ctx.year)
    public: dict[str, Decimal] = {}
    for r in (
        pay.filter(institution__ownership=Ownership.PUBLIC)
        .values("institution__county__code")
        .annotate(total=Sum(F("average_monthly") * F("teachers")), teachers=Sum("teachers"))
    ):
        if r["teachers"]:
            public[r["institution__county__code"]] = Decimal(r["total"]) / r["teachers"]
    missing: dict[str, dict[str, Any]] = {}
    fields = (*inst_fields(), "average_monthly")
    for row in pay.exclude(institution__ownership=Ownership.PUBLIC).values(*fields):
        county = row["institution__county__code"]
        average = public.get(county)
        if average is None:
            missing.setdefault(county, {"code": county, "name": row["institution__county__name"]})
            continue
        floor = (average * share).quantize(Decimal("0.01"))
        if row["average_monthly"] < floor:
            yield ctx.at_institution(
                row,
                prefix="institution__",
                measured=f"{row['average_monthly']}元",
                required=f"≥ {floor}元",
                message_zh=(
                    f"{ctx.year}学年教师月均工资{row['average_monthly']}元,低于本县公办园平均"
                    f"{average:.2f}元的{share:.0%}({floor}元)"
                ),
                message_en=(
                    f"teachers' average monthly pay {row['average_monthly']} yuan in {ctx.year}, below "
                    f"{share:.0%} of the county's public average {average:.2f} ({floor})"
                ),
            )
    for county in missing.values():
        yield ctx.at_county(
            county,
            kind=FindingKind.NO_DATA,
            message_zh=f"{ctx.year}学年本县公办园未报教师工资,无法比较",
            message_en=f"no public kindergarten reported teachers' pay for {ctx.year}: nothing to compare with",
        )


# -- plan tasks -------------------------------------------------------------------------------------


@rule(
    "TASK-RESPONSIBLE",
    severity=Severity.LOW,
    title_zh="县级任务没有确定责任人",
    title_en="County task without a named responsible person",
    entity=EntityType.COUNTY,
)
def task_responsible(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Yearly targets have deadlines and responsible persons: every open county task (not done or
    cancelled on the as-of day) names the person answerable for it (``CountyTask.responsible``)."""
    from eduplan.tasks.models import OPEN_TASK_STATES, CountyTask

    tasks = (
        ctx.records(CountyTask)
        .filter(state__in=OPEN_TASK_STATES, responsible="")
        .select_related("county", "plan_task")
        .order_by("county__code", "deadline", "pk")
    )
    for task in tasks:
        yield ctx.at_county(
            {"code": task.county.code, "name": task.county.name},
            subject=task.title_zh,
            measured="未确定 none",
            required="责任人 a named person",
            details={
                "task": task.pk,
                "plan_task": task.plan_task.code if task.plan_task else "",
                "deadline": task.deadline.isoformat(),
            },
            message_zh=f"任务「{task.title_zh}」(期限{task.deadline})未确定责任人",
            message_en=f"task {task.title_en or task.title_zh!r} (due {task.deadline}) names no responsible person",
        )
