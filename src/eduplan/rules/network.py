"""The management network, pairing and coverage: county preschool posts, first-level
kindergartens supporting 1–2 others, county high schools in trusteeship through the five
channels (五个一), kindergartens evaluated within the quality evaluation cycle, rating of every
kindergarten before 2023, every high school on the education network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from eduplan.metrics.concepts import COUNTY_HIGH_SCHOOL, LICENSED
from eduplan.registry.choices import InstitutionKind, ManagementPost, PairingKind

from .catalogue import INSTITUTION_FIELDS, RuleContext, rule
from .findings import EntityType, RuleFinding, Severity


def _active(ctx: RuleContext, prefix: str = "") -> Q:
    """Appointments and pairings running on ``as_of``."""
    return Q(**{f"{prefix}start_date__lte": ctx.as_of}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": ctx.as_of})
    )


@rule(
    "COUNTY-PRESCHOOL-POSTS",
    severity=Severity.MEDIUM,
    entity=EntityType.COUNTY,
    title_zh="县级教育部门未配备学前管理专干或幼教专职教研员",
    title_en="County without a dedicated preschool administrator or preschool researcher",
)
def county_posts(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Each county bureau has at least one dedicated preschool administrator and one
    dedicated preschool researcher. A post held only part-time is reported as low."""
    from eduplan.registry.models import ManagementAppointment

    held = {
        (r["county__code"], r["post"]): r
        for r in ctx.records(ManagementAppointment)
        .filter(_active(ctx))
        .values("county__code", "post")
        .order_by()
        .annotate(total=Count("pk"), dedicated=Count("pk", filter=Q(is_dedicated=True)))
    }
    for county in ctx.counties():
        for post, label in ManagementPost.choices:
            zh, _, en = label.partition(" ")
            row = held.get((county["code"], post))
            if row is None:
                yield ctx.at_county(
                    county,
                    subject=zh,
                    measured=0,
                    required="≥ 1 专职 dedicated",
                    message_zh=f"未配备{zh}",
                    message_en=f"no {en.lower()} in post",
                    details={"post": post},
                )
            elif row["dedicated"] == 0:
                yield ctx.at_county(
                    county,
                    severity=Severity.LOW,
                    subject=zh,
                    measured=f"{row['total']} 兼职 part-time",
                    required="≥ 1 专职 dedicated",
                    message_zh=f"{zh}均为兼职,未配备专职人员",
                    message_en=f"the {en.lower()} post is held part-time only",
                    details={"post": post},
                )


@rule(
    "KG-PAIRING",
    severity=Severity.LOW,
    title_zh="一级幼儿园帮扶幼儿园数不在1–2所之间",
    title_en="First-level kindergartens supporting fewer than 1 or more than 2 kindergartens",
    params=("pairing.kg_support_min", "pairing.kg_support_max", "kindergarten_grades.first_level"),
)
def kindergarten_pairing(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every first-level kindergarten supports 1–2 kindergartens below first level;
    pairings running on ``as_of`` are counted, supported first-level kindergartens are not."""
    low, high = int(ctx.param("pairing.kg_support_min")), int(ctx.param("pairing.kg_support_max"))
    first = list(ctx.param("kindergarten_grades.first_level"))
    counted = (
        Q(supporting__kind=PairingKind.KG_SUPPORT)
        & _active(ctx, "supporting__")
        & ~Q(supporting__supported__grade__in=first)
    )
    rows = (
        ctx.open_institutions()
        .filter(kind=InstitutionKind.KINDERGARTEN, grade__in=first)
        .annotate(supported=Count("supporting__supported", filter=counted, distinct=True))
        .filter(Q(supported__lt=low) | Q(supported__gt=high))
        .values(*INSTITUTION_FIELDS, "supported")
    )
    for row in rows:
        n = row["supported"]
        yield ctx.at_institution(
            row,
            measured=n,
            required=f"{low}–{high}",
            message_zh=f"一级园帮扶{n}所幼儿园,应为{low}至{high}所",
            message_en=f"a first-level kindergarten supporting {n} kindergartens; {low}–{high} required",
        )


@rule(
    "HS-TRUSTEESHIP",
    severity=Severity.MEDIUM,
    title_zh="县中未实现托管帮扶(或未签订帮扶协议)",
    title_en="County high schools without a trusteeship partner (or without a signed agreement)",
)
def trusteeship(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every 县中 is in trusteeship/assistance; with an agreement between the parties."""
    running = Q(supported_by__kind=PairingKind.HS_TRUSTEESHIP) & _active(ctx, "supported_by__")
    rows = (
        ctx.open_institutions()
        .filter(COUNTY_HIGH_SCHOOL.q(""))
        .annotate(
            partners=Count("supported_by", filter=running, distinct=True),
            signed=Count(
                "supported_by", filter=running & Q(supported_by__agreement_signed=True), distinct=True
            ),
        )
        .filter(Q(partners=0) | Q(signed=0))
        .values(*INSTITUTION_FIELDS, "partners", "signed")
    )
    for row in rows:
        if row["partners"] == 0:
            yield ctx.at_institution(
                row,
                measured=0,
                required="≥ 1",
                message_zh="县中没有托管帮扶学校",
                message_en="county high school without a trusteeship partner",
            )
        else:
            yield ctx.at_institution(
                row,
                severity=Severity.LOW,
                measured="未签协议 no agreement",
                required="签订协议 agreement signed",
                message_zh="托管帮扶未签订协议",
                message_en="trusteeship without a signed agreement",
            )


@rule(
    "KG-QUALITY-EVAL",
    severity=Severity.LOW,
    title_zh="幼儿园保教质量评估逾期(超过评估周期未评估)",
    title_en="Kindergartens overdue for their quality evaluation (保教质量评估)",
    params=("quality_evaluation.cycle_years",),
)
def quality_evaluation(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every kindergarten is inside the quality evaluation: evaluated, with a result, at least once
    per evaluation cycle. Reads the dated evaluations (``programmes.QualityEvaluation``): a
    kindergarten whose latest evaluation on or before the as-of day is older than the cycle is
    overdue from the day the cycle ran out; one never evaluated is overdue once it has been open a
    whole cycle (a newer one is not late yet). Unlicensed kindergartens are left to the licensing
    review."""
    from eduplan.programmes.models import QualityEvaluation

    years = int(ctx.param("quality_evaluation.cycle_years"))

    def cycle_after(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    latest = Subquery(
        QualityEvaluation.objects.filter(institution=OuterRef("pk"), evaluated_on__lte=ctx.as_of)
        .order_by("-evaluated_on")
        .values("evaluated_on")[:1]
    )
    rows = (
        ctx.open_institutions()
        .filter(LICENSED.q(""), kind=InstitutionKind.KINDERGARTEN)  # KG-UNLICENSED judges the others
        .annotate(last_evaluated=latest)
        .values(*INSTITUTION_FIELDS, "last_evaluated", "established_on")
    )
    for row in rows:
        last = row["last_evaluated"]
        if last is not None:
            due = cycle_after(last)
            if due > ctx.as_of:
                continue
            yield ctx.at_institution(
                row,
                measured=f"{last}",
                required=f"每{years}年至少一次 once every {years} years",
                message_zh=f"最近一次保教质量评估在{last},已超过{years}年评估周期(应于{due}前再次评估)",
                message_en=f"last quality evaluation on {last}: the {years}-year cycle ran out on {due}",
                details={"last_evaluated": last, "deadline": due},
            )
            continue
        opened = row["established_on"]
        first_due = cycle_after(opened) if opened else None
        if first_due is not None and first_due > ctx.as_of:
            continue
        yield ctx.at_institution(
            row,
            measured="未评估 never evaluated",
            required=f"每{years}年至少一次 once every {years} years",
            message_zh=f"没有保教质量评估记录(开办{years}年内应完成评估)",
            message_en=f"no quality evaluation recorded (due within {years} years of opening)",
            details={"last_evaluated": None, "deadline": first_due}
            if first_due
            else {"last_evaluated": None},
        )


@rule(
    "HS-TRUSTEESHIP-CHANNEL",
    severity=Severity.MEDIUM,
    title_zh="县中托管帮扶未落实到五个一渠道或缺少协议佐证",
    title_en="County high school trusteeship through none of the five channels (五个一) with evidence",
)
def trusteeship_channel(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The 五个一 project: each county high school's trusteeship runs through one of the five typed
    channels (talent team, ministry university, province-managed teachers, provincial university,
    city quality high school), each proved by an agreement or implementation plan. Reads
    ``programmes.TrusteeshipSupport``: a county high school with a running trusteeship pairing but
    no channel in force with evidence is flagged."""
    from eduplan.programmes.models import TrusteeshipSupport

    in_force = Q(started_on__lte=ctx.as_of) & (Q(ended_on__isnull=True) | Q(ended_on__gte=ctx.as_of))
    channels = Exists(
        TrusteeshipSupport.objects.filter(in_force, institution=OuterRef("pk")).exclude(evidence="")
    )
    running = Q(supported_by__kind=PairingKind.HS_TRUSTEESHIP) & _active(ctx, "supported_by__")
    rows = (
        ctx.open_institutions()
        .filter(COUNTY_HIGH_SCHOOL.q(""))
        .annotate(partners=Count("supported_by", filter=running, distinct=True), channelled=channels)
        .filter(partners__gt=0, channelled=False)
        .values(*INSTITUTION_FIELDS)
    )
    for row in rows:
        yield ctx.at_institution(
            row,
            measured="无渠道记录 no channel",
            required="五个一渠道之一及协议 one of the five channels, with its agreement",
            message_zh="县中有托管帮扶,但未登记所属五个一渠道及协议或实施方案",
            message_en="in trusteeship, but through none of the five channels (五个一) with an agreement or plan",
        )


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months (the last day of a shorter month where the day does not exist)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@rule(
    "KG-UNRATED",
    severity=Severity.MEDIUM,
    title_zh="2023年前应完成评级定等而仍未评级的幼儿园",
    title_en="Kindergartens still unrated after the 2022 rating deadline",
    params=("kindergarten_grades.rating_deadline", "kindergarten_grades.rating_grace_months"),
)
def unrated(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every kindergarten rated before 2023. Judged once the deadline has passed, for
    kindergartens that existed by then; one opened later is due once its grace period from opening
    is over (the same due date as the rated-share indicator: ``metrics.measures.due_for_rating``)."""
    deadline = dt.date.fromisoformat(str(ctx.param("kindergarten_grades.rating_deadline")))
    grace = int(ctx.param("kindergarten_grades.rating_grace_months"))
    if ctx.as_of <= deadline:
        return
    opened_by = _add_months(ctx.as_of, -grace)  # opened on or before this day: the grace is over
    rows = (
        ctx.open_institutions()
        .filter(kind=InstitutionKind.KINDERGARTEN, grade="")
        .filter(
            Q(established_on__isnull=True)
            | Q(established_on__lte=deadline)
            | Q(established_on__lte=opened_by)
        )
        .values(*INSTITUTION_FIELDS, "established_on")
    )
    for row in rows:
        opened = row.pop("established_on")
        due = deadline if opened is None or opened <= deadline else _add_months(opened, grace)
        yield ctx.at_institution(
            row,
            measured="未评级 unrated",
            required=f"{due}前评级 rated by {due}",
            message_zh=f"截至{ctx.as_of}仍未评级定等(应于{due}前完成)",
            message_en=f"still unrated on {ctx.as_of} (due by {due})",
        )


@rule(
    "HS-NETWORK",
    severity=Severity.LOW,
    title_zh="普通高中未接入教育专网",
    title_en="High schools not on the education private network",
)
def education_network(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The education private network covers every general high school."""
    rows = (
        ctx.open_institutions()
        .filter(kind=InstitutionKind.HIGH_SCHOOL, network_connected=False)
        .values(*INSTITUTION_FIELDS)
    )
    for row in rows:
        yield ctx.at_institution(
            row,
            measured="未接入 not connected",
            required="接入 connected",
            message_zh="未接入教育专网",
            message_en="not connected to the education network",
        )


@rule(
    "COUNTY-FIRST-LEVEL-HS",
    severity=Severity.MEDIUM,
    entity=EntityType.COUNTY,
    title_zh="县域没有省一级高(完)中",
    title_en="County without a provincial first-level high school",
    params=("high_school_ratings.first_level",),
)
def county_first_level_high_school(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every county has at least one provincial first-level (省一级) high school."""
    first = list(ctx.param("high_school_ratings.first_level"))
    having = set(
        ctx.open_institutions()
        .filter(kind=InstitutionKind.HIGH_SCHOOL, rating__in=first)
        .values_list("county__code", flat=True)
    )
    for county in ctx.counties():
        if county["code"] not in having:
            yield ctx.at_county(
                county,
                measured=0,
                required="≥ 1",
                message_zh="县域内没有省一级高(完)中",
                message_en="no provincial first-level high school in the county",
            )
