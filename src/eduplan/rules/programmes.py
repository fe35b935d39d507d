"""Rules over the programme registers (``eduplan.programmes``): standardisation plans,
demonstration kindergartens, school groups, subsidies to inclusive private
kindergartens and parent committees. docs/programmes.md lists them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Q

from eduplan.metrics.concepts import LICENSED
from eduplan.registry.choices import InstitutionKind

from .catalogue import RuleContext, inst_fields, rule
from .findings import FindingKind, RuleFinding, Severity


def _in_force(prefix: str, start: str, end: str, day: dt.date) -> Q:
    return Q(**{f"{prefix}{start}__lte": day}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day})
    )


@rule(
    "PROG-HS-NO-PLAN",
    severity=Severity.MEDIUM,
    title_zh="普通高中没有标准化建设方案(一校一案)",
    title_en="High school without a standardisation plan (one plan per school)",
)
def high_school_without_plan(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every high school has its own standardisation plan with a timetable (一校一案)."""
    from eduplan.programmes.models import StandardisationProject

    has_plan = Exists(StandardisationProject.objects.filter(institution=OuterRef("pk")))
    schools = ctx.open_institutions().filter(kind=InstitutionKind.HIGH_SCHOOL).filter(~has_plan)
    for row in schools.values(*inst_fields("")):
        yield ctx.at_institution(
            row,
            message_zh="没有登记标准化建设方案(一校一案)",
            message_en="no standardisation plan (一校一案) is recorded",
            required="一校一案 one plan per school",
        )


@rule(
    "PROG-HS-PLAN-BEHIND",
    severity=Severity.LOW,
    title_zh="标准化建设项目超过计划完成日期仍未完成",
    title_en="Standardisation project past its planned end and not complete",
)
def project_behind(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The plan asks for a timetable: a project past its planned end below 100% is behind it."""
    from eduplan.programmes.models import StandardisationProject

    late = ctx.records(StandardisationProject).filter(ends_on__lt=ctx.as_of, completion__lt=100)
    for row in late.values(*inst_fields(), "title", "ends_on", "completion"):
        yield ctx.at_institution(
            row,
            prefix="institution__",
            subject=row["title"],
            measured=f"{row['completion']}%",
            required=f"100% by {row['ends_on']}",
            message_zh=f"项目「{row['title']}」计划{row['ends_on']}完成,现完成{row['completion']}%",
            message_en=f"project {row['title']!r} was due by {row['ends_on']}, {row['completion']}% done",
        )


@rule(
    "PROG-DEMO-KG-SYNC",
    severity=Severity.LOW,
    title_zh="示范园标记与认定记录不一致",
    title_en="Demonstration flag and designation record disagree",
)
def demonstration_flag_sync(ctx: RuleContext) -> Iterator[RuleFinding]:
    """The indicator counts ``Institution.is_demonstration``; the designation register is
    the record behind it. A kindergarten marked without a designation in force (or designated but
    not marked) makes the count unverifiable."""
    from eduplan.programmes.models import Designation, DesignationKind

    designated = Exists(
        Designation.objects.filter(institution=OuterRef("pk"), kind=DesignationKind.DEMO_KINDERGARTEN).filter(
            _in_force("", "designated_on", "revoked_on", ctx.as_of)
        )
    )
    kgs = ctx.open_institutions().filter(kind=InstitutionKind.KINDERGARTEN)
    for row in kgs.filter(is_demonstration=True).filter(~designated).values(*inst_fields("")):
        yield ctx.at_institution(
            row,
            message_zh="标记为课程游戏化示范园,但没有有效的认定记录",
            message_en="marked as a demonstration kindergarten without a designation in force",
        )
    for row in kgs.filter(is_demonstration=False).filter(designated).values(*inst_fields("")):
        yield ctx.at_institution(
            row,
            message_zh="有课程游戏化示范园认定记录,但登记信息未标记为示范园",
            message_en="designated a demonstration kindergarten but not marked as one in the registry",
        )


@rule(
    "PROG-GROUP-NO-MEMBERS",
    severity=Severity.LOW,
    title_zh="教育集团没有成员学校",
    title_en="School group without member schools",
)
def group_without_members(ctx: RuleContext) -> Iterator[RuleFinding]:
    """A "1+N" group has N ≥ 1 member schools."""
    from eduplan.programmes.models import SchoolGroup, SchoolGroupMember

    members = SchoolGroupMember.objects.filter(lead=OuterRef("lead")).filter(
        _in_force("", "joined_on", "left_on", ctx.as_of)
    )
    groups = ctx.records(SchoolGroup).filter(_in_force("", "started_on", "ended_on", ctx.as_of))
    for row in groups.filter(~Exists(members)).values(*inst_fields("lead__"), "name"):
        yield ctx.at_institution(
            row,
            prefix="lead__",
            subject=row["name"],
            measured=0,
            required="≥ 1",
            message_zh=f"教育集团「{row['name']}」没有成员学校",
            message_en=f"school group {row['name']!r} has no member school",
        )


@rule(
    "PROG-GROUP-INACTIVE",
    severity=Severity.LOW,
    title_zh="教育集团没有共同发展规划,或成员学校一学年内没有共享活动",
    title_en="School group without a joint plan, or with a member that saw no shared activity in a school year",
    params=("school_groups.activity_window_days",),
)
def group_inactive(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Group schooling is more than a list of members: the members adopt a joint plan and share
    activities (joint research, teacher exchange, shared lessons…). A running group without a joint
    plan is flagged once it has run a school year; each member that has been in the group a whole
    school year and took part in no shared activity (``programmes.SchoolGroupActivity``) in the
    school year's length before the as-of day is flagged on the group, naming the members."""
    from eduplan.programmes.models import SchoolGroup, SchoolGroupActivity, SchoolGroupMember

    window = dt.timedelta(days=int(ctx.param("school_groups.activity_window_days")))
    since = ctx.as_of - window
    groups = ctx.records(SchoolGroup).filter(
        _in_force("", "started_on", "ended_on", ctx.as_of), started_on__lte=since
    )
    for row in groups.filter(Q(joint_plan="") | Q(joint_plan_adopted_on__gt=ctx.as_of)).values(
        *inst_fields("lead__"), "name"
    ):
        yield ctx.at_institution(
            row,
            prefix="lead__",
            subject="共同发展规划 joint plan",
            measured="无 none",
            required="集团共同发展规划 a joint plan",
            message_zh=f"教育集团「{row['name']}」没有登记共同发展规划",
            message_en=f"school group {row['name']!r} has no joint plan recorded",
        )
    active = SchoolGroupActivity.objects.filter(
        lead=OuterRef("lead"), member=OuterRef("member"), held_on__gt=since, held_on__lte=ctx.as_of
    ).exclude(evidence="")
    silent = (
        SchoolGroupMember.objects.filter(lead__in=groups.values("lead"), joined_on__lte=since)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=ctx.as_of))
        .filter(~Exists(active))
        .values("lead", "member__code", "member__name")
        .order_by("lead", "member__code")
    )
    by_lead: dict[int, list[tuple[str, str]]] = {}
    for m in silent:
        by_lead.setdefault(m["lead"], []).append((m["member__code"], m["member__name"]))
    if not by_lead:
        return
    for row in groups.filter(lead__in=list(by_lead)).values(*inst_fields("lead__"), "lead", "name"):
        members = by_lead[row["lead"]]
        names = "、".join(n for _, n in members)
        yield ctx.at_institution(
            row,
            prefix="lead__",
            subject="共享活动 shared activities",
            measured=f"{len(members)}所无活动 {len(members)} without",
            required=f"{window.days}天内每所成员校至少1次 each member at least once in {window.days} days",
            message_zh=f"教育集团「{row['name']}」的成员学校{names}在{since}之后没有参加共享活动",
            message_en=f"school group {row['name']!r}: {len(members)} member(s) saw no shared activity after {since}",
            details={"members": [c for c, _ in members], "since": since},
        )


def _subsidies(ctx: RuleContext) -> list[tuple[Any, Any]]:
    from eduplan.programmes.models import SubsidyDisbursement
    from eduplan.programmes.queries import subsidy_status

    def compute() -> list[tuple[Any, Any]]:
        qs = ctx.scoped(SubsidyDisbursement.objects.filter(school_year=ctx.year)).select_related(
            "institution__county"
        )
        return [(d, subsidy_status(d, ctx.as_of)) for d in qs]

    return ctx.cached("programme_subsidies", compute)


def _inst_row(d: Any) -> dict[str, str]:
    i = d.institution
    return {"code": i.code, "name": i.name, "county__code": i.county.code, "county__name": i.county.name}


@rule(
    "PROG-SUBSIDY-SHORTFALL",
    severity=Severity.MEDIUM,
    title_zh="普惠性民办园奖补资金未足额拨付",
    title_en="Subsidy to an inclusive private kindergarten not paid in full",
)
def subsidy_shortfall(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Subsidies paid in full (足额): paid ≥ the county's standard × children, once the
    money is paid or its due date has passed."""
    for d, st in _subsidies(ctx):
        if st["due"] is None:
            yield ctx.at_institution(
                _inst_row(d),
                kind=FindingKind.NO_DATA,
                message_zh=f"{d.institution.county.name}{ctx.year}学年未设定生均奖补标准,无法核查是否足额",
                message_en=f"no subsidy standard for {d.institution.county.name} in {ctx.year}: cannot check the amount",
            )
            continue
        if st["shortfall"] and (d.paid_on is not None or ctx.as_of > d.due_on):
            yield ctx.at_institution(
                _inst_row(d),
                measured=str(d.paid_amount),
                required=f"≥ {st['due']}",
                message_zh=f"{ctx.year}学年应拨{st['due']}元,实拨{d.paid_amount}元,差{st['shortfall']}元",
                message_en=f"{ctx.year}: due {st['due']} yuan, paid {d.paid_amount}, short by {st['shortfall']}",
            )


@rule(
    "PROG-SUBSIDY-LATE",
    severity=Severity.MEDIUM,
    title_zh="普惠性民办园奖补资金未按时拨付",
    title_en="Subsidy to an inclusive private kindergarten paid late",
)
def subsidy_late(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Subsidies paid on time (按时): paid on or before the due date."""
    for d, st in _subsidies(ctx):
        if st["late_days"] <= 0:
            continue
        if d.paid_on is not None:
            zh, en = f"应于{d.due_on}拨付,{d.paid_on}才拨付", f"due {d.due_on}, paid {d.paid_on}"
        else:
            zh, en = f"应于{d.due_on}拨付,至今未拨付", f"due {d.due_on}, not paid yet"
        yield ctx.at_institution(
            _inst_row(d),
            measured=f"{st['late_days']}天",
            required=f"≤ {d.due_on}",
            message_zh=f"{ctx.year}学年奖补资金{zh}(逾期{st['late_days']}天)",
            message_en=f"{ctx.year} subsidy {en} ({st['late_days']} days late)",
        )


@rule(
    "PROG-KG-NO-COMMITTEE",
    severity=Severity.LOW,
    title_zh="幼儿园未成立家长委员会",
    title_en="Kindergarten without a parent committee",
)
def kindergarten_without_committee(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Kindergartens have a parent committee (家长委员会)."""
    from eduplan.programmes.models import ParentCommittee

    has = Exists(
        ParentCommittee.objects.filter(institution=OuterRef("pk")).filter(
            _in_force("", "established_on", "dissolved_on", ctx.as_of)
        )
    )
    kgs = ctx.open_institutions().filter(LICENSED.q(""), kind=InstitutionKind.KINDERGARTEN).filter(~has)
    for row in kgs.values(*inst_fields("")):
        yield ctx.at_institution(
            row,
            message_zh=f"截至{ctx.as_of}未成立家长委员会",
            message_en=f"no parent committee as of {ctx.as_of}",
        )
