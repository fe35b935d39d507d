"""Plausible programme-register rows for a demo database (``eduplan programmes demo``): enough of
each register for every page, rule and indicator to show something, with a few shortfalls, late
payments, kindergartens without a committee and a project behind its timetable."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from eduplan.registry.choices import InstitutionKind, LicenceStatus, Ownership
from eduplan.registry.models import Division, Institution, SchoolClass

from . import actions
from .models import (
    CertificationKind,
    DesignationKind,
    DesignationLevel,
    GroupKind,
    ProjectStage,
    StandardisationProject,
    Subject,
)


class DemoError(ValueError):
    pass


def populate(seed: int = 26) -> dict[str, int]:
    """Fill every register for the latest school year with classes. Refuses to run twice."""
    if StandardisationProject.objects.exists():
        raise DemoError("专项工作演示数据已存在 / programme demo records already exist")
    year = SchoolClass.objects.order_by("-school_year").values_list("school_year", flat=True).first()
    if year is None:
        raise DemoError("数据库中没有班级数据,请先运行 eduplan demo / no classes: run eduplan demo first")
    rng = random.Random(seed)
    start = dt.date(year, 9, 1)
    counts: dict[str, int] = {}
    open_insts = Institution.objects.filter(closed_on__isnull=True).select_related("county")
    schools = list(open_insts.filter(kind=InstitutionKind.HIGH_SCHOOL).order_by("rating", "code"))
    kgs = list(
        open_insts.filter(kind=InstitutionKind.KINDERGARTEN)
        .exclude(licence_status=LicenceStatus.UNLICENSED)
        .order_by("code")
    )
    counties = list(
        Division.objects.counties().filter(county_institutions__isnull=False).distinct().order_by("code")
    )
    with transaction.atomic():
        # HS-2.2: most high schools have a plan; one is behind its timetable.
        n = 0
        for i, school in enumerate(schools):
            if rng.random() < 0.15:
                continue
            behind = i == 1
            stage = ProjectStage.BUILDING if behind else rng.choice(list(ProjectStage))
            completion = 100 if stage == ProjectStage.ACCEPTED else rng.randint(10, 90)
            actions.record_project(
                school,
                title=f"{school.name}标准化建设一校一案",
                scope=rng.choice(["学科教室、创新实验室", "智慧校园、学科教室", "创新实验室、三个课堂"]),
                budget=Decimal(rng.randint(300, 3000)),
                starts_on=dt.date(year - 2, 3, 1),
                ends_on=start - dt.timedelta(days=30) if behind else dt.date(year + 1, 12, 31),
                stage=stage,
                completion=min(completion, 70) if behind else completion,
            )
            n += 1
        counts["hs_projects"] = n
        # HS-2.9, HS-T9: subject bases, characteristic schools, two online classrooms.
        subjects = [Subject.MATHEMATICS, Subject.CHINESE, Subject.PHYSICS, Subject.ENGLISH, Subject.HISTORY]
        n = 0
        for school, subject in zip(schools[:5], subjects, strict=False):
            actions.designate(
                school, DesignationKind.SUBJECT_BASE, subject=subject, designated_on=dt.date(year - 1, 6, 1)
            )
            n += 1
        for school in schools[2:5]:
            actions.designate(school, DesignationKind.CHARACTERISTIC, designated_on=dt.date(year - 1, 6, 1))
            n += 1
        for school in schools[:2]:
            actions.designate(
                school,
                DesignationKind.ONLINE_CLASSROOM,
                designated_on=dt.date(year, 3, 1),
                level=DesignationLevel.CITY,
            )
            n += 1
        # PRE-T7: the registry's demonstration kindergartens get their designation record.
        for kg in kgs:
            if kg.is_demonstration:
                actions.designate(
                    kg, DesignationKind.DEMO_KINDERGARTEN, designated_on=dt.date(year - 1, 12, 1)
                )
                n += 1
        counts["designations"] = n
        areas = counties[: max(1, len(counties) // 2)]
        for county in areas:
            actions.designate_area(
                county, designated_on=dt.date(year - 1, 12, 1), document="玉教体〔2023〕示范区"
            )
        counts["demo_areas"] = len(areas)
        # HS-2.6: the best school leads a 1+N group; one group still has no members.
        n = 0
        if len(schools) >= 3:
            actions.create_group(
                schools[0], name=f"{schools[0].name}教育集团", started_on=dt.date(year - 1, 9, 1)
            )
            for member in schools[3:6]:
                actions.add_group_member(schools[0], member, joined_on=dt.date(year - 1, 9, 1))
            actions.create_group(
                schools[1],
                name="玉溪师范学院附属学校",
                kind=GroupKind.AFFILIATED,
                partner="玉溪师范学院",
                started_on=dt.date(year, 2, 1),
            )
            n = 2
        counts["school_groups"] = n
        # PRE-4.1.4: each county's standard, and one disbursement per inclusive private kindergarten.
        for county in counties:
            actions.set_subsidy_standard(county, year, rng.choice([500, 600, 800]), document="县级奖补办法")
        counts["subsidy_standards"] = len(counties)
        children = dict(
            SchoolClass.objects.filter(school_year=year)
            .values_list("institution_id")
            .annotate(n=Sum("boys") + Sum("girls"))
            .values_list("institution_id", "n")
        )
        n = 0
        private = [k for k in kgs if k.inclusive and k.ownership != Ownership.PUBLIC]
        for i, kg in enumerate(private):
            kids = int(children.get(kg.pk) or 0)
            if not kids:
                continue
            std = kg.county.subsidy_standards.get(school_year=year).per_child
            due = Decimal(kids) * std
            due_on = dt.date(year, 12, 31)
            case = i % 7
            paid, paid_on = due, due_on - dt.timedelta(days=rng.randint(5, 40))
            if case == 3:  # short
                paid = (due * Decimal("0.8")).quantize(Decimal("1"))
            elif case == 5:  # late
                paid_on = due_on + dt.timedelta(days=25)
            actions.record_disbursement(
                kg, year, children=kids, due_on=due_on, paid_amount=paid, paid_on=paid_on
            )
            n += 1
        counts["subsidies"] = n
        # PRE-4.2.2: most kindergartens have a committee; volunteers on duty at some.
        n = m = 0
        for i, kg in enumerate(kgs):
            if i % 5 == 4:
                continue
            actions.establish_committee(
                kg, established_on=dt.date(year - 1, 10, 1), members=rng.randint(5, 11)
            )
            n += 1
            if i % 2 == 0:
                for week in range(3):
                    actions.record_volunteer_duty(
                        kg, on=start + dt.timedelta(days=7 * week + 7), volunteers=rng.randint(2, 6)
                    )
                    m += 1
        counts["parent_committees"], counts["volunteer_duties"] = n, m
        # PRE-5.2: two counties certified, a month apart.
        for k, county in enumerate(counties[:2]):
            actions.certify_county(
                county,
                kind=CertificationKind.PROVINCIAL,
                certified_on=dt.date(year, 11, 1) + dt.timedelta(days=30 * k),
                document="云南省学前教育普及普惠县认定",
            )
        counts["certifications"] = min(2, len(counties))
    return counts
