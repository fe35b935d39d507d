"""Filing deadlines: principal and full-time teacher changes filed within one month,
fee standards filed one month before they take effect, kindergarten information
published.

Changes and fees are judged for the school year being checked: a change that happened in it, a fee
in force during it. A deadline still running on ``as_of`` is not a finding yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, DateField, Exists, F, OuterRef, Q, Subquery, When

from eduplan.registry.choices import PRESCHOOL_KINDS, InstitutionKind, StaffRole
from eduplan.registry.models import InstitutionYear

from .catalogue import INSTITUTION_FIELDS, RuleContext, inst_fields, rule, school_year_end, school_year_start
from .findings import FindingKind, RuleFinding, Severity

#: Staff roles by their Chinese label (the choices' labels are "中文 English").
ROLE_LABELS = {code: str(label).split(" ")[0] for code, label in StaffRole.choices}


def _changes(ctx: RuleContext) -> Any:
    """The latest change (arrival, or departure once it happened) of the posts in
    ``[staff_change_filing]``, falling in the school year up to ``as_of`` and not before the plan."""
    first = max(
        school_year_start(ctx.year),
        dt.date.fromisoformat(str(ctx.param("staff_change_filing.changes_from"))),
    )
    last = min(ctx.as_of, school_year_end(ctx.year))
    roles = list(ctx.param("staff_change_filing.roles"))
    full_time_roles = list(ctx.param("staff_change_filing.full_time_roles"))
    posts = Q(role__in=[r for r in roles if r not in full_time_roles]) | Q(
        role__in=[r for r in roles if r in full_time_roles], is_full_time=True
    )
    return (
        ctx.all_staff()
        .filter(institution__kind__in=list(ctx.param("staff_change_filing.institution_kinds")))
        .filter(posts)
        .annotate(
            change=Case(
                When(end_date__lte=ctx.as_of, then=F("end_date")),
                default=F("start_date"),
                output_field=DateField(),
            )
        )
        .filter(change__gte=first, change__lte=last)
    )


@rule(
    "STAFF-CHANGE-FILING",
    severity=Severity.MEDIUM,
    title_zh="园长、专任教师变动未在一个月内备案更新",
    title_en="Principal or full-time teacher changes not filed within one month",
    params=(
        "filing.staff_change_days",
        "staff_change_filing.institution_kinds",
        "staff_change_filing.roles",
        "staff_change_filing.full_time_roles",
        "staff_change_filing.changes_from",
    ),
)
def staff_change_filing(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Kindergarten information is updated within one month of a change of principal or
    full-time teacher. Unfiled changes past the deadline and late filings are both reported."""
    days = int(ctx.param("filing.staff_change_days"))
    fields = (*inst_fields(), "name", "role", "start_date", "end_date", "change", "change_filed_on")
    overdue = _changes(ctx).filter(
        change_filed_on__isnull=True, change__lt=ctx.as_of - dt.timedelta(days=days)
    )
    late = _changes(ctx).filter(change_filed_on__gt=F("change"))
    for row in overdue.values(*fields):
        waited = (ctx.as_of - row["change"]).days
        yield _staff_finding(ctx, row, days, waited, filed=False)
    for row in late.values(*fields):
        waited = (row["change_filed_on"] - row["change"]).days
        if waited > days:
            yield _staff_finding(ctx, row, days, waited, filed=True)


def _staff_finding(
    ctx: RuleContext, row: dict[str, Any], days: int, waited: int, *, filed: bool
) -> RuleFinding:
    role = ROLE_LABELS.get(row["role"], row["role"])
    left = row["end_date"] is not None and row["end_date"] == row["change"]
    what_zh, what_en = ("离任", "departure") if left else ("到任", "arrival")
    if filed:
        zh = f"{role}{row['name']}{row['change']}{what_zh},{row['change_filed_on']}才备案,用时{waited}天"
        en = f"{row['role']} {row['name']}: {what_en} on {row['change']} filed only on {row['change_filed_on']} ({waited} days)"
    else:
        zh = f"{role}{row['name']}{row['change']}{what_zh},已{waited}天未备案"
        en = f"{row['role']} {row['name']}: {what_en} on {row['change']} not filed after {waited} days"
    return ctx.at_institution(
        row,
        prefix="institution__",
        subject=f"{row['name']}({role})",
        measured=f"{waited}天 days" + ("" if filed else " 未备案 unfiled"),
        required=f"≤ {days}天 days",
        message_zh=zh,
        message_en=en,
        details={
            "staff": row["name"],
            "role": row["role"],
            "change": row["change"],
            "filed_on": row["change_filed_on"],
            "kind": what_en,
        },
    )


@rule(
    "FEE-FILING",
    severity=Severity.MEDIUM,
    title_zh="政企园约定收费上限未在执行前1个月备案",
    title_en="Contracted fee ceilings not filed one month before they take effect",
    params=("filing.fee_filing_days_before",),
)
def fee_filing(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A contracted fee ceiling (政—企—园 co-run kindergartens, ``FeeStandard.contracted_ceiling``)
    is filed at least one month before it takes effect. Flags such a fee filed late, or unfiled
    past its deadline; passes one filed in time, and never judges fees without a contracted ceiling
    (public fees are set by grade, other private fees are not pre-filed under the plan). The fees
    in force during the school year are judged (the one in force at its start and any taking effect
    in it); an unfiled fee whose filing deadline has not passed is not yet late."""
    from eduplan.registry.models import FeeStandard

    days = int(ctx.param("filing.fee_filing_days_before"))
    first, last = school_year_start(ctx.year), school_year_end(ctx.year)
    in_force_at_start = (
        FeeStandard.objects.filter(
            institution=OuterRef("institution"), contracted_ceiling=True, effective_on__lte=first
        )
        .order_by("-effective_on")
        .values("effective_on")[:1]
    )
    fees = (
        ctx.records(FeeStandard)
        .filter(institution__kind__in=PRESCHOOL_KINDS, contracted_ceiling=True)
        .filter(
            Q(effective_on__gt=first, effective_on__lte=last) | Q(effective_on=Subquery(in_force_at_start))
        )
        .values(*inst_fields(), "monthly_fee", "filed_on", "effective_on")
    )
    for row in fees:
        deadline = row["effective_on"] - dt.timedelta(days=days)
        filed = row["filed_on"]
        if filed is None and ctx.as_of <= deadline:
            continue
        if filed is not None and filed <= deadline:
            continue
        if filed is None:
            zh = f"{row['effective_on']}起执行的收费标准(每月{row['monthly_fee']}元)未备案,备案期限{deadline}"
            en = f"the fee of {row['monthly_fee']} yuan/month effective {row['effective_on']} is not filed (due {deadline})"
            measured = "未备案 unfiled"
        else:
            before = (row["effective_on"] - filed).days
            zh = f"{row['effective_on']}起执行的收费标准于{filed}备案,仅提前{before}天"
            en = f"the fee effective {row['effective_on']} was filed on {filed}, only {before} days before"
            measured = f"提前{before}天 {before} days before"
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=f"{row['effective_on']}",
            measured=measured,
            required=f"≥ {days}天 days before / 于{deadline}前",
            message_zh=zh,
            message_en=en,
            details={"effective_on": row["effective_on"], "filed_on": filed, "deadline": deadline},
        )


@rule(
    "KG-INFO-PUBLISHED",
    severity=Severity.LOW,
    title_zh="幼儿园信息(保教人员、收费、质量评估)未备案公示",
    title_en="Kindergarten information (staff, fees, quality evaluation) not published",
)
def info_published(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Kindergarten information is filed and published. A kindergarten without a yearly
    record for the school year is reported as not checkable."""
    base = ctx.open_institutions().filter(kind=InstitutionKind.KINDERGARTEN)
    unpublished = base.filter(years__school_year=ctx.year, years__info_published=False)
    for row in unpublished.values(*INSTITUTION_FIELDS):
        yield ctx.at_institution(
            row,
            measured="未公示 not published",
            required="公示 published",
            message_zh=f"{ctx.year}学年幼儿园信息未公示",
            message_en=f"the kindergarten's information for {ctx.year}-{ctx.year + 1} is not published",
        )
    has_year = InstitutionYear.objects.filter(institution=OuterRef("pk"), school_year=ctx.year)
    for row in base.filter(~Exists(has_year)).values(*INSTITUTION_FIELDS):
        yield ctx.at_institution(
            row,
            kind=FindingKind.NO_DATA,
            message_zh=f"没有{ctx.year}学年概况记录,无法核查信息公示",
            message_en=f"no yearly record for {ctx.year}-{ctx.year + 1}: publication cannot be checked",
        )
