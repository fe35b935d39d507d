"""Synthetic supervision records for the demo city (run after ``eduplan demo``): months of monthly
reports with realistic timeliness, inspections with findings, rectification orders in every state
(some overdue and escalated), one incident and published annual results — so that the dashboard,
the to-do lists and a month's notice have something to show. Every record is made through the
actions, as a user would make it, and is reproducible from the seed.

``eduplan report demo [--seed 1] [--today 2025-06-30]``; then, e.g.,
``eduplan report monthly --month 2025-05 --as-of 2025-06-30 --out notice.docx``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from eduplan.registry.choices import PRESCHOOL_KINDS, DivisionLevel, InstitutionKind
from eduplan.registry.models import Division, Institution, SchoolClass
from eduplan.supervision import annual, incidents, inspections, periods, rectification, reports
from eduplan.supervision.models import AnnualResult, CheckResult, IncidentKind, MonthlyReport

#: Small counts that can move by more than the comment threshold from one month to the next.
COMMENTED = (
    "new_seats_ytd",
    "kindergartens_under_construction",
    "supporting_kg_delivered_ytd",
    "unlicensed_remaining",
    "first_level_applying",
    "subsidies_paid_ytd",
    "hs_big_classes",
    "county_hs_in_trusteeship",
)

#: The demo's reference day (the demo generator's ``REFERENCE_DATE``).
DEFAULT_TODAY = dt.date(2025, 6, 30)


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59))
    )


def _user(name: str) -> Any:
    return get_user_model().objects.filter(username=name).first()


def _county_values(county: Division, rng: random.Random) -> dict[str, int | float]:
    """Starting values close to the registry's own numbers for the county."""
    year = (
        SchoolClass.objects.filter(institution__county=county)
        .order_by("-school_year")
        .values_list("school_year", flat=True)
        .first()
    )
    classes = SchoolClass.objects.filter(institution__county=county, school_year=year or 0)

    def total(q: Q) -> int:
        agg = classes.filter(q).aggregate(b=Sum("boys"), g=Sum("girls"))
        return int((agg["b"] or 0) + (agg["g"] or 0))

    preschool = Q(institution__kind__in=PRESCHOOL_KINDS)
    children = total(preschool) or rng.randint(3000, 9000)
    public = min(children, total(preschool & Q(institution__ownership="public")) or int(children * 0.55))
    inclusive = min(
        children,
        max(public, total(preschool & (Q(institution__ownership="public") | Q(institution__inclusive=True)))),
    )
    hs = total(Q(institution__kind=InstitutionKind.HIGH_SCHOOL)) or rng.randint(2000, 8000)
    first = total(Q(institution__kind=InstitutionKind.HIGH_SCHOOL) & Q(institution__rating__startswith="p1"))
    return {
        "children_enrolled": children,
        "children_public": public,
        "children_inclusive": inclusive,
        "new_seats_ytd": rng.randint(30, 90),
        "kindergartens_under_construction": rng.randint(1, 4),
        "supporting_kg_delivered_ytd": rng.randint(0, 2),
        "unlicensed_remaining": rng.randint(2, 12),
        "first_level_applying": rng.randint(0, 3),
        "subsidies_paid_ytd": round(rng.uniform(20, 120), 1),
        "hs_students": hs,
        "hs_students_first_level": min(hs, first),
        "hs_big_classes": rng.randint(0, 6),
        "county_hs_in_trusteeship": rng.randint(0, 2),
    }


def _drift(values: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = dict(values)
    for key in ("children_enrolled", "hs_students"):
        out[key] = max(0, int(values[key] * rng.uniform(0.995, 1.01)))
    out["children_public"] = min(
        out["children_enrolled"], int(values["children_public"] * rng.uniform(0.998, 1.01))
    )
    out["children_inclusive"] = min(
        out["children_enrolled"],
        max(out["children_public"], int(values["children_inclusive"] * rng.uniform(0.998, 1.01))),
    )
    out["hs_students_first_level"] = min(out["hs_students"], values["hs_students_first_level"])
    out["new_seats_ytd"] = int(values["new_seats_ytd"] * rng.uniform(1.0, 1.2)) + rng.randint(0, 5)
    out["unlicensed_remaining"] = max(0, values["unlicensed_remaining"] - rng.randint(0, 1))
    out["subsidies_paid_ytd"] = round(values["subsidies_paid_ytd"] * rng.uniform(1.0, 1.25), 1)
    return out


def _reports(city: Division, today: dt.date, months: int, rng: random.Random) -> int:
    county_officer, city_officer = _user("county"), _user("city")
    last = periods.add_months(periods.month_start(today), -1)
    made = 0
    for county in Division.objects.filter(
        level=DivisionLevel.COUNTY, city=city, valid_to__isnull=True
    ).order_by("code"):
        officer = (
            county_officer if county_officer and county_officer.profile.division_id == county.pk else None
        )
        values = _county_values(county, rng)
        for period in periods.months_between(periods.add_months(last, -(months - 1)), last):
            due = reports.due_date(county, period)
            fate = rng.random()
            if period == last and fate < 0.12:
                continue  # missing
            values = _drift(values, rng)
            report = reports.open_monthly_report(county, period, user=officer, at=_moment(period, rng))
            reports.save_monthly_report(
                report,
                values={k: str(v) for k, v in values.items()},
                comments={k: "按本月实际更新" for k in COMMENTED},
                note=f"{county.name}{periods.label_zh(period)}各项工作按计划推进。",
                tasks={
                    t.clause: {
                        "status": rng.choice(["in_progress", "in_progress", "completed", "delayed"]),
                        "progress": "按计划推进",
                    }
                    for t in report.tasks.all()[:6]
                },
                user=officer,
            )
            late = fate > 0.8
            submitted = (
                due + dt.timedelta(days=rng.randint(1, 6))
                if late
                else due - dt.timedelta(days=rng.randint(0, 4))
            )
            if submitted > today:
                continue
            reports.submit_monthly_report(report, user=officer, at=_moment(submitted, rng))
            approve_on = submitted + dt.timedelta(days=rng.randint(1, 3))
            if approve_on < today:
                reports.approve_monthly_report(report, user=city_officer, at=_moment(approve_on, rng))
            made += 1
    return made


def _inspections(city: Division, today: dt.date, rng: random.Random) -> int:
    supervisor = _user("supervisor")
    profile = getattr(supervisor, "profile", None)
    targets = list(profile.supervised.all()) if profile else []
    others = list(
        Institution.objects.filter(
            county__city=city, kind=InstitutionKind.KINDERGARTEN, closed_on__isnull=True
        ).order_by("code")
    )
    targets += rng.sample(others, min(len(others), 6))
    orders = 0
    for n, inst in enumerate(dict.fromkeys(targets)):
        inspector = supervisor if profile and profile.supervised.filter(pk=inst.pk).exists() else None
        day = today - dt.timedelta(days=rng.randint(20, 75))
        inspection = inspections.record_inspection(inst, inspected_on=day, user=inspector)
        lines = list(inspection.checklist.all())
        failing = {
            # Major hazards are planted by the generator (demo/hazards.py, listed in the manifest).
            line.pk
            for line in rng.sample(
                [x for x in lines if x.category != "abuse" and not x.major_hazard], k=min(2, len(lines))
            )
        }
        for line in lines:
            result = CheckResult.FAIL if line.pk in failing else CheckResult.PASS
            inspections.record_check(
                line,
                result,
                note="现场检查发现" if result == CheckResult.FAIL else "",
                user=inspector,
                at=_moment(day, rng),
            )
        inspections.complete_inspection(
            inspection, summary="已反馈问题,限期整改。", user=inspector, at=_moment(day, rng)
        )
        for k, finding in enumerate(inspection.findings.all()):
            order = rectification.issue_rectification_order(
                finding,
                responsible_person="园长",
                deadline=day + dt.timedelta(days=rng.choice([14, 21, 30])),
                user=inspector,
                at=_moment(day + dt.timedelta(days=1), rng),
            )
            orders += 1
            fate = (n + k) % 4
            if fate in (1, 2) and order.deadline - dt.timedelta(days=3) < today:
                reported = order.deadline - dt.timedelta(days=rng.randint(1, 5))
                rectification.report_rectification(
                    order, text="已按要求完成整改,附照片。", at=_moment(reported, rng)
                )
                if fate == 1 and reported + dt.timedelta(days=3) < today:
                    rectification.verify_rectification(
                        order,
                        note="复查合格",
                        user=inspector,
                        at=_moment(reported + dt.timedelta(days=3), rng),
                    )
    rectification.escalate_overdue_orders(today, at=_moment(today, rng))
    return orders


@transaction.atomic
def populate(
    seed: int = 1, *, today: dt.date = DEFAULT_TODAY, months: int = 6, city_code: str | None = None
) -> dict[str, int]:
    """Create the synthetic supervision records (refused if monthly reports already exist)."""
    from eduplan.supervision.notices import NoticeError, default_city

    rng = random.Random(seed)
    try:
        city = Division.objects.get(code=city_code, level=DivisionLevel.CITY) if city_code else default_city()
    except (Division.DoesNotExist, NoticeError) as exc:
        raise ValueError(
            "没有该市级区划:请先运行 eduplan demo / no such city in the registry: run eduplan demo first"
        ) from exc
    if MonthlyReport.objects.filter(county__city=city).exists():
        raise ValueError("督导演示数据已存在 / supervision demo records already exist")
    counts = {"reports": _reports(city, today, months, rng), "orders": _inspections(city, today, rng)}
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY, city=city).order_by("code"))
    if len(counties) > 1:
        incidents.record_incident(
            counties[-1],
            kind=IncidentKind.TEACHER_ETHICS,
            occurred_on=today - dt.timedelta(days=200),
            title="教师体罚幼儿事件(演示)",
            description="合成数据 synthetic",
            at=_moment(today - dt.timedelta(days=198), rng),
        )
    kgs = (
        Institution.objects.filter(county=counties[0], kind=InstitutionKind.KINDERGARTEN).order_by("code")[
            :40
        ]
        if counties
        else []
    )
    year = today.year - 1
    for inst in kgs:
        result = rng.choices(
            [AnnualResult.PASS, AnnualResult.BASIC_PASS, AnnualResult.FAIL], weights=[80, 15, 5]
        )[0]
        annual.record_annual_result(
            inst, year, result, reasons="年检合格" if result == AnnualResult.PASS else "部分指标待改进"
        )
    counts["annual"] = len(annual.publish_annual_results(year))
    return counts
