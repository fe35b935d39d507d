"""Plausible workforce records for a demo database (run after ``eduplan demo``): training in the
current rotation cycle (most staff on track, some behind), performance pay for every high school
(a few not tilted to teachers), one evaluation scheme per county (one leaning on admission rate),
ethics assessments, two negative-list entries (one award during a bar, one serious case), and
publicity items (some hyping top scorers). Reproducible from the seed; idempotent (re-running
updates the same rows).

``eduplan workforce demo [--seed 1] [--today 2025-06-30]``
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from eduplan.registry.choices import DivisionLevel, InstitutionKind
from eduplan.registry.models import Division, Institution, StaffMember

from . import actions, training
from .models import EthicsResult, TrainingLevel, TrainingRecord

DEFAULT_TODAY = dt.date(2025, 6, 30)

COURSES = {
    TrainingLevel.NATIONAL: ("国培计划骨干教师研修", 60),
    TrainingLevel.PROVINCE: ("省培计划学科教学能力提升", 40),
    TrainingLevel.CITY: ("市级新课程新教材培训", 24),
    TrainingLevel.COUNTY: ("县级全员轮训", 36),
    TrainingLevel.TOWNSHIP: ("乡镇片区教研", 12),
}

PUBLICITY = (
    ("wechat", "高考喜报:我校再创佳绩", "热烈祝贺我校考生荣获全市理科状元,清北录取3人,一本上线率再创新高!"),
    ("website", "我校举行秋季运动会", "全校师生参加运动会,展示青春风采。"),
    ("banner", "热烈祝贺我校高考升学率全市第一", ""),
    ("website", "开展研究性学习成果展示", "学生展示课题研究成果,家长代表参观。"),
    ("wechat", "教师节表彰大会", "表彰优秀教师和优秀班主任。"),
)


@transaction.atomic
def populate(seed: int = 1, *, today: dt.date = DEFAULT_TODAY) -> dict[str, int]:
    rng = random.Random(seed)
    counts = {"training": 0, "pay": 0, "schemes": 0, "ethics": 0, "negative": 0, "awards": 0, "publicity": 0}
    cycle = training.cycle_for(today)
    roles = training.settings()["training_roles"]
    staff = list(
        StaffMember.objects.active_on(today)
        .filter(role__in=roles)
        .select_related("institution")
        .order_by("pk")
    )
    if not staff:
        raise ValueError("演示库中没有教职工:请先运行 eduplan demo / no staff: run `eduplan demo` first")
    behind_schools = {s.institution_id for s in staff if rng.random() < 0.15}
    TrainingRecord.objects.filter(staff__in=staff, year__gte=cycle.first_year).delete()
    batch = []
    for person in staff:
        lazy = person.institution_id in behind_schools and rng.random() < 0.5
        for year in range(max(cycle.first_year, person.start_date.year), today.year):
            if lazy and rng.random() < 0.7:
                continue
            for level in rng.sample(list(COURSES), k=3):
                course, hours = COURSES[level]
                start = dt.date(year, rng.choice((4, 7, 8, 10)), rng.randint(1, 20))
                batch.append(
                    TrainingRecord(
                        staff=person,
                        year=year,
                        level=level,
                        course=course,
                        hours=Decimal(hours),
                        start_date=start,
                        end_date=start + dt.timedelta(days=hours // 8),
                    )
                )
    # Many thousand rows: written in bulk (with history), not one action call each.
    bulk_create_with_history(batch, TrainingRecord, batch_size=2000)
    counts["training"] = len(batch)
    schools = list(Institution.objects.filter(kind=InstitutionKind.HIGH_SCHOOL).select_related("county"))
    for i, school in enumerate(schools):
        for year in (today.year - 1, today.year):
            teachers = rng.randint(60, 160)
            heads = max(1, teachers // 5)
            others = rng.randint(10, 30)
            per_teacher = Decimal(rng.randint(38_000, 46_000))
            tilted = i % 4 != 1
            per_other = per_teacher * Decimal("0.85" if tilted else "1.15")
            actions.record_performance_pay(
                school,
                year,
                frontline=(per_teacher * (teachers - heads), teachers - heads),
                class_teachers=((per_teacher + 6000) * heads, heads),
                others=(per_other * others, others),
            )
            counts["pay"] += 1
        for day_offset, (channel, title, text) in enumerate(PUBLICITY):
            if rng.random() < 0.6:
                actions.record_publicity(
                    school,
                    published_on=today - dt.timedelta(days=30 * day_offset + rng.randint(0, 20)),
                    channel=channel,
                    title=title,
                    text=text,
                )
                counts["publicity"] += 1
    counties = Division.objects.filter(
        level=DivisionLevel.COUNTY, county_institutions__isnull=False
    ).distinct()
    for j, county in enumerate(counties.order_by("code")):
        heavy = j % 3 == 1
        criteria = (
            [
                ("高考本科上线率", "admission_rate", 60),
                ("教学常规", "teaching", 25),
                ("德育工作", "moral", 15),
            ]
            if heavy
            else [
                ("立德树人落实", "moral", 30),
                ("学生综合素质发展", "all_round", 30),
                ("教育教学过程", "teaching", 25),
                ("学业质量(含升学)", "admission_rate", 15),
            ]
        )
        actions.record_evaluation_scheme(
            county,
            today.year,
            f"{county.name}普通高中办学质量评价方案",
            target="schools",
            criteria=criteria,
            issued_on=dt.date(today.year, 3, 1),
            admission_targets=heavy and j % 2 == 1,
        )
        counts["schemes"] += 1
    hs_staff = [s for s in staff if s.institution.kind == InstitutionKind.HIGH_SCHOOL] or staff
    for person in hs_staff:
        result = rng.choices(
            [EthicsResult.EXCELLENT, EthicsResult.QUALIFIED, EthicsResult.BASIC],
            weights=[20, 78, 2],
        )[0]
        actions.record_ethics_assessment(
            person, today.year - 1, result, assessed_on=dt.date(today.year - 1, 12, 20)
        )
        counts["ethics"] += 1
    if len(hs_staff) >= 2:
        barred, serious = hs_staff[3 % len(hs_staff)], hs_staff[7 % len(hs_staff)]
        actions.record_negative_entry(
            barred,
            category="paid_tutoring",
            occurred_on=today - dt.timedelta(days=400),
            decided_on=today - dt.timedelta(days=380),
            consequence="no_promotion",
            ban_years=2,
            description="寒假期间组织有偿补课,退还费用并取消评优资格。",
        )
        actions.record_career_event(
            barred,
            kind="award",
            title="县级优秀教师",
            granted_on=today - dt.timedelta(days=100),
            granted_by="县教育体育局",
        )
        actions.record_negative_entry(
            serious,
            category="corporal",
            occurred_on=today - dt.timedelta(days=60),
            decided_on=today - dt.timedelta(days=45),
            consequence="dismissal",
            serious=True,
            description="体罚学生致伤,解除聘用合同。",
        )
        counts["negative"] += 2
        counts["awards"] += 1
    for person in rng.sample(hs_staff, k=min(5, len(hs_staff))):
        actions.record_career_event(
            person,
            kind="award",
            title="市级优秀班主任",
            granted_on=today - dt.timedelta(days=rng.randint(10, 200)),
        )
        counts["awards"] += 1
    return counts
