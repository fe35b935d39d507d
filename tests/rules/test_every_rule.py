"""Every rule of the catalogue on a fixture built to pass it and on one built to trigger it.

The pass fixture is the clean city of ``builders``: each rule must find nothing there — neither a
violation nor "no data", since the clean city holds every record the rule reads. Each trigger
breaks exactly what the rule's docstring forbids, on one entity, and the rule must flag that
entity. A rule added to the catalogue without a trigger here fails ``test_every_rule_is_exercised``.
The ethics rules run, both ways, for a user allowed to see ethics records (``RUN_AS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from eduplan.duties import actions as duties
from eduplan.programmes import actions as programmes
from eduplan.registry import actions
from eduplan.registry.models import Institution, InstitutionYear, ManagementAppointment, Pairing, StaffMember
from eduplan.rules.catalogue import catalogue
from eduplan.rules.findings import FindingKind
from eduplan.workforce import actions as workforce

from .builders import (
    AS_OF,
    SAFE,
    YEAR,
    City,
    add_classes,
    add_staff,
    clean_high_school,
    clean_kindergarten,
    record_outflow,
    record_spending,
    remove_staff,
    run,
)

pytestmark = pytest.mark.django_db
D = dt.date
A, B = "530402", "530423"


def _staff(city: City, code: str, **where) -> None:  # type: ignore[no-untyped-def]
    return StaffMember.objects.filter(institution=city[code], **where)


def _new_kg(city: City, **fields) -> str:  # type: ignore[no-untyped-def]
    clean_kindergarten(city, "K-X", fields.pop("name", "星河幼儿园"), **fields)
    return "K-X"


def _new_hs(city: City, **fields) -> Institution:  # type: ignore[no-untyped-def]
    return clean_high_school(city, "H-X", "星河中学", **fields)


def _oversize(city: City) -> str:
    return _new_kg(city, classes=(("small", 26),))


def _compliance(city: City) -> str:
    _new_kg(city, classes=(("small", 26), ("small", 27), ("middle", 31)))
    return A


def _big_class(city: City) -> str:
    add_classes(_new_hs(city), [("g11-2", "g11", 60)])
    return "H-X"


def _new_intake(city: City) -> str:
    add_classes(_new_hs(city), [("g10-2", "g10", 56)], new_intake=("g10",))
    return "H-X"


def _new_school_size(city: City) -> str:
    add_classes(_new_hs(city, is_new_build=True), [(f"g11-{i}", "g11", 50) for i in range(2, 62)])
    return "H-X"


def _delete(role: str) -> Callable[[City], str]:
    def trigger(city: City) -> str:
        remove_staff(_staff(city, "K-A1", role=role))
        return "K-A1"

    return trigger


def _update(**values) -> Callable[[City], str]:  # type: ignore[no-untyped-def]
    def trigger(city: City) -> str:
        _staff(city, "K-A1", role="teacher").update(**values)
        return "K-A1"

    return trigger


def _county_teachers(city: City) -> str:
    for code in ("K-B1", "K-B2"):
        ids = list(_staff(city, code, role="teacher").values_list("pk", flat=True)[:5])
        remove_staff(StaffMember.objects.filter(pk__in=ids))
    return B


def _safety(city: City) -> str:
    actions.record_safety_check(city["K-A1"], checked_on=D(2025, 1, 10), **(SAFE | {"one_key_alarm": False}))
    return "K-A1"


def _staff_change(city: City) -> str:
    add_staff(city["K-A1"], "teacher", name="迟报", start_date=D(2024, 10, 8), change_filed_on=D(2024, 11, 8))
    return "K-A1"


def _fee(city: City) -> str:
    actions.file_fee_standard(
        city["K-A1"],
        monthly_fee=Decimal("450"),
        effective_on=D(2025, 2, 1),
        filed_on=D(2025, 1, 20),
        contracted_ceiling=True,
    )
    return "K-A1"


def _info(city: City) -> str:
    InstitutionYear.objects.filter(institution=city["K-A1"]).update(info_published=False)
    return "K-A1"


def _unlicensed(city: City) -> str:
    return _new_kg(
        city, ownership="private_forprofit", sponsor="private", licence_status="unlicensed", grade=""
    )


def _supporting(city: City) -> str:
    code = _new_kg(
        city,
        is_residential_supporting=True,
        housing_delivered_on=D(2023, 6, 1),
        supporting_planned_on=D(2020, 3, 1),
        supporting_approved_on=D(2020, 9, 1),
        supporting_built_on=D(2023, 1, 1),
        supporting_delivered_on=D(2023, 6, 1),
    )
    programmes.record_residential_project(
        city[code],
        name="星河小区",
        planned_on=D(2020, 3, 1),
        approved_on=D(2020, 9, 1),
        built_on=D(2022, 10, 1),
        delivered_on=D(2023, 6, 1),
    )
    return code


def _posts(city: City) -> str:
    ManagementAppointment.objects.filter(county=city.county_b, post="preschool_researcher").delete()
    return B


def _pairing(city: City) -> str:
    return _new_kg(city, grade="1-1")


def _trusteeship(city: City) -> str:
    Pairing.objects.filter(supported=city["H-A1"]).delete()
    return "H-A1"


def _quality(city: City) -> str:
    from eduplan.programmes.models import QualityEvaluation

    QualityEvaluation.objects.filter(institution=city["K-A1"]).update(evaluated_on=D(2019, 5, 10))
    return "K-A1"


def _channel(city: City) -> str:
    from eduplan.programmes.models import TrusteeshipSupport

    TrusteeshipSupport.objects.filter(institution=city["H-A1"]).delete()
    return "H-A1"


def _unrated(city: City) -> str:
    return _new_kg(city, grade="")


def _institution(code: str, **values) -> Callable[[City], str]:  # type: ignore[no-untyped-def]
    def trigger(city: City) -> str:
        Institution.objects.filter(code=code).update(**values)
        return code

    return trigger


def _first_level(city: City) -> str:
    Institution.objects.filter(code="H-B1").update(rating="p2")
    return B


def _funding(code: str) -> Callable[[City], str]:
    def trigger(city: City) -> str:
        InstitutionYear.objects.filter(institution=city[code]).update(funding_per_student=Decimal("100"))
        return code

    return trigger


def _spending(city: City) -> str:
    record_spending(city.county_a, YEAR + 1, general_budget=Decimal("40000"))
    return A


def _no_plan(city: City) -> str:
    from eduplan.programmes.models import StandardisationProject

    StandardisationProject.objects.filter(institution=city["H-A1"]).delete()
    return "H-A1"


def _behind(city: City) -> str:
    from eduplan.programmes.models import StandardisationProject

    StandardisationProject.objects.filter(institution=city["H-A1"]).update(ends_on=D(2024, 12, 31))
    return "H-A1"


def _group(city: City) -> str:
    programmes.create_group(city["H-A1"], name="一中集团", started_on=D(2023, 9, 1))
    return "H-A1"


def _inactive(city: City) -> str:
    programmes.create_group(
        city["H-A1"],
        name="一中集团",
        started_on=D(2023, 9, 1),
        joint_plan="集团发展规划",
        joint_plan_adopted_on=D(2023, 10, 1),
    )
    programmes.add_group_member(city["H-A1"], city["H-B1"], joined_on=D(2023, 9, 1))
    return "H-A1"


def _subsidy(paid: str, on: dt.date) -> Callable[[City], str]:
    def trigger(city: City) -> str:
        programmes.set_subsidy_standard(city.county_b, YEAR, "600")
        Institution.objects.filter(code="K-B2").update(inclusive=True)
        city["K-B2"].refresh_from_db()
        programmes.record_disbursement(
            city["K-B2"], YEAR, children=100, due_on=D(2024, 12, 31), paid_amount=paid, paid_on=on
        )
        return "K-B2"

    return trigger


def _committee(city: City) -> str:
    from eduplan.programmes.models import ParentCommittee

    ParentCommittee.objects.filter(institution=city["K-A1"]).delete()
    return "K-A1"


# -- the workforce registers -------------------------------------------------------------------


def _untrained(city: City) -> str:
    from eduplan.workforce.models import TrainingRecord

    TrainingRecord.objects.filter(staff__institution=city["K-A1"], staff__role="teacher").delete()
    return "K-A1"


def _untrained_county(city: City) -> str:
    _untrained(city)
    return A


def _pay(frontline: int, class_teachers: int, others: int) -> Callable[[City], str]:
    def trigger(city: City) -> str:
        workforce.record_performance_pay(
            city["H-A1"],
            YEAR,
            frontline=(frontline, 20),
            class_teachers=(class_teachers, 5),
            others=(others, 10),
        )
        return "H-A1"

    return trigger


def _admission_scheme(city: City) -> str:
    workforce.record_evaluation_scheme(
        city.county_b,
        YEAR,
        "以升学率考核学校",
        target="schools",
        criteria=[("高考本科上线率", "admission_rate", 100)],
    )
    return B


def _barred_teacher(city: City, *, serious: bool = False):  # type: ignore[no-untyped-def]
    teacher = _staff(city, "H-A1", role="teacher").first()
    workforce.record_negative_entry(
        teacher,
        category="paid_tutoring",
        occurred_on=D(2024, 2, 10),
        decided_on=D(2024, 3, 1),
        consequence="no_promotion",
        ban_years=2,
        serious=serious,
    )
    return teacher


def _award_during_bar(city: City) -> str:
    teacher = _barred_teacher(city)
    workforce.record_career_event(teacher, kind="award", title="优秀教师", granted_on=D(2024, 9, 10))
    return "H-A1"


def _serious_case(city: City) -> str:
    _barred_teacher(city, serious=True)
    return A


def _hype(city: City) -> str:
    workforce.record_publicity(
        city["H-A1"],
        published_on=D(2024, 10, 1),
        channel="wechat",
        title="高考喜报",
        text="我校考生荣获全市理科状元",
    )
    return "H-A1"


def _ethics_officer(city: City):  # type: ignore[no-untyped-def]
    """An officer of the city who may see ethics records (the ethics rules run only for one)."""
    from eduplan.accounts.actions import create_user_who_may

    return create_user_who_may("ethics-officer", "pw-123456", "may_see_ethics", division=city.city).user


# -- supervision, tasks and statistical returns ------------------------------------------------


def _overdue_hazard(city: City) -> str:
    """A failed major-hazard line of an inspection, ordered rectified by 2024-12-01 and still open."""
    from eduplan.supervision import inspections, rectification
    from eduplan.supervision.models import CheckResult

    found_on = D(2024, 11, 1)
    inspection = inspections.record_inspection(city["K-A1"], inspected_on=found_on)
    item = inspection.checklist.get(code="S07")
    moment = dt.datetime.combine(found_on, dt.time(10), tzinfo=dt.UTC)
    inspections.record_check(item, CheckResult.FAIL, note="消防通道堵塞", at=moment)
    rectification.issue_rectification_order(
        item.findings.get(), responsible_person="王园长", deadline=D(2024, 12, 1), at=moment
    )
    return "K-A1"


def _task_without_responsible(city: City) -> str:
    """The plan's tasks assigned to both counties; county B names its responsible person, A does not."""
    from django.utils import timezone

    from eduplan.tasks import actions as tasks
    from eduplan.tasks.models import PlanTask

    moment = timezone.make_aware(dt.datetime(2023, 1, 10, 10))
    tasks.sync_plan_tasks(at=moment)
    plan_task = PlanTask.objects.get(code="hs-one-plan-per-school")
    tasks.assign_task(plan_task, city.county_a, at=moment)
    named = tasks.assign_task(plan_task, city.county_b, at=moment)
    tasks.name_responsible(named, "李某(通海县教育体育局局长)")
    return A


def _known_only_by_return(city: City) -> str:
    """A kindergarten whose return of the year is filed while no class or staff record is held."""
    from eduplan.returns.models import ReturnAggregate

    code = _new_kg(city)
    kg = city[code]
    kg.classes.all().delete()
    remove_staff(kg.staff.all())
    ReturnAggregate.objects.bulk_create(
        ReturnAggregate(
            institution=kg,
            school_year=YEAR,
            edition=YEAR,
            table=table,
            row_code="01",
            column_code="01",
            table_key=key,
            row_key="total",
            column_key="total",
            value=value,
        )
        for table, key, value in (("基础基311", "kg_children", 78), ("基础基422", "staff", 20))
    )
    return code


# -- the duty registers --------------------------------------------------------------------------


def _party_lapsed(city: City) -> str:
    from eduplan.duties.models import PartyCoverage

    PartyCoverage.objects.filter(institution=city["K-A1"]).update(ended_on=D(2024, 12, 31))
    return "K-A1"


def _central_unregistered(city: City) -> str:
    code = _new_kg(city, name="玉兴街道第二中心幼儿园", is_central=True)
    city[code].public_registrations.all().delete()
    return code


def _village_outside(city: City) -> str:
    """An open central kindergarten in town A: the township's other public kindergartens name none."""
    _new_kg(city, name="玉兴街道第二中心幼儿园", is_central=True)
    return "K-A1"


def _no_guidance(city: City) -> str:
    city["K-A2"].guidance_visits.update(on=AS_OF - dt.timedelta(days=366))
    return "K-A2"


def _surplus(city: City) -> str:
    duties.record_nonprofit_accounts(city["K-B2"], YEAR, distributed=Decimal("12000"))
    return "K-B2"


def _fee_account(city: City) -> str:
    from eduplan.duties.models import NonProfitAccounts

    NonProfitAccounts.objects.filter(institution=city["K-B2"]).update(fee_account_filed_on=None)
    return "K-B2"


def _low_pay(city: City) -> str:
    duties.record_teacher_pay(city["K-B2"], YEAR, teachers=6, average_monthly=Decimal("3700"))
    return "K-B2"


def _outflow(city: City) -> str:
    record_outflow(city.county_b, YEAR, top_admitted_outside=14)
    return B


def _paper_pairing(city: City) -> str:
    duties.record_classroom_pairing(city["H-A1"], city["H-B1"], mode="delivery", school_year=YEAR, sessions=0)
    city["H-B1"].classrooms_received.exclude(sessions=0).delete()
    return "H-B1"


def _brand_fee(city: City) -> str:
    duties.record_trusteeship_fee(
        city["H-B1"],
        voucher="V2",
        payee="昆明市第一中学",
        paid_on=D(YEAR, 11, 1),
        amount=Decimal("200000"),
        purpose="brand",
    )
    return "H-B1"


#: Rule → what breaks it on the clean city, returning the entity (institution or county code) the
#: rule must then flag.
TRIGGERS: dict[str, Callable[[City], str]] = {
    "KG-NAME": lambda city: _new_kg(city, name="星光国际幼儿园"),
    "KG-CLASS-SIZE": _oversize,
    "KG-SIZE": lambda city: _new_kg(city, classes=(("large", 35),) * 11),
    "KG-CLASS-COMPLIANCE": _compliance,
    "HS-BIG-CLASS": _big_class,
    "HS-NEW-INTAKE": _new_intake,
    "HS-NEW-SCHOOL-SIZE": _new_school_size,
    "KG-STAFF-RATIO": lambda city: (
        remove_staff(_staff(city, "K-A1", role__in=["nursery", "security"])),
        "K-A1",
    )[1],
    "KG-TEACHING-RATIO": _delete("nursery"),
    "KG-CLASS-STAFF": _delete("nursery"),
    "KG-PRINCIPALS": _delete("principal"),
    "KG-HEALTH-STAFF": _delete("health"),
    "KG-COOKS": _delete("cook"),
    "STAFF-CERTIFICATES": _update(certificate=""),
    "KG-SOCIAL-INSURANCE": _update(social_insurance=False),
    "KG-HOUSING-FUND": _update(housing_fund=False),
    "COUNTY-TEACHER-RATIO": _county_teachers,
    "SAFETY-ITEMS": _safety,
    "STAFF-CHANGE-FILING": _staff_change,
    "FEE-FILING": _fee,
    "KG-INFO-PUBLISHED": _info,
    "KG-UNLICENSED": _unlicensed,
    "KG-SUPPORTING-SYNC": _supporting,
    "COUNTY-PRESCHOOL-POSTS": _posts,
    "KG-PAIRING": _pairing,
    "HS-TRUSTEESHIP": _trusteeship,
    "KG-QUALITY-EVAL": _quality,
    "HS-TRUSTEESHIP-CHANNEL": _channel,
    "KG-UNRATED": _unrated,
    "HS-NETWORK": _institution("H-A1", network_connected=False),
    "COUNTY-FIRST-LEVEL-HS": _first_level,
    "KG-FUNDING": _funding("K-A1"),
    "HS-FUNDING": _funding("H-A1"),
    "COUNTY-SPENDING-TREND": _spending,
    "PROG-HS-NO-PLAN": _no_plan,
    "PROG-HS-PLAN-BEHIND": _behind,
    "PROG-DEMO-KG-SYNC": _institution("K-A1", is_demonstration=True),
    "PROG-GROUP-NO-MEMBERS": _group,
    "PROG-GROUP-INACTIVE": _inactive,
    "PROG-SUBSIDY-SHORTFALL": _subsidy("50000", D(2024, 12, 1)),
    "PROG-SUBSIDY-LATE": _subsidy("60000", D(2025, 1, 20)),
    "PROG-KG-NO-COMMITTEE": _committee,
    "SAFETY-HAZARD-OVERDUE": _overdue_hazard,
    "TRAINING-COVERAGE-COUNTY": _untrained_county,
    "TRAINING-COVERAGE-INSTITUTION": _untrained,
    "HS-PAY-TILT": _pay(800_000, 200_000, 500_000),  # teachers 40,000 each, the others 50,000
    "HS-PAY-CLASS-TEACHER": _pay(1_000_000, 250_000, 300_000),  # class teachers 50,000, the others too
    "HS-EVAL-ADMISSION": _admission_scheme,
    "HS-ETHICS-BAR": _award_during_bar,
    "HS-ETHICS-INCIDENT": _serious_case,
    "HS-HYPE": _hype,
    "RETURNS-ONLY": _known_only_by_return,
    "KG-PARTY-COVERAGE": _party_lapsed,
    "KG-CENTRAL-REGISTRATION": _central_unregistered,
    "KG-GUIDANCE": _no_guidance,
    "KG-VILLAGE-INTEGRATION": _village_outside,
    "KG-SURPLUS-DISTRIBUTED": _surplus,
    "KG-FEE-ACCOUNT": _fee_account,
    "KG-PAY-PARITY": _low_pay,
    "HS-OUTFLOW": _outflow,
    "HS-THREE-CLASSROOMS": _paper_pairing,
    "HS-TRUSTEESHIP-BRAND-FEE": _brand_fee,
    "TASK-RESPONSIBLE": _task_without_responsible,
}
#: Rules whose findings are for a user allowed to see ethics records only: run as one, both ways.
RUN_AS: dict[str, Callable[[City], object]] = {
    "HS-ETHICS-BAR": _ethics_officer,
    "HS-ETHICS-INCIDENT": _ethics_officer,
}
#: The one rule whose finding is itself a statement of what other rules cannot check (an
#: institution known only by its statistical return): its trigger yields a "no data" finding.
STATEMENTS = {"RETURNS-ONLY"}


def test_every_rule_is_exercised():
    assert set(catalogue()) == set(TRIGGERS), sorted(set(catalogue()) ^ set(TRIGGERS))


@pytest.mark.parametrize("rule_id", sorted(TRIGGERS))
def test_each_rule_passes_its_clean_fixture_and_flags_its_trigger(city, rule_id):
    user = RUN_AS[rule_id](city) if rule_id in RUN_AS else None
    clean = run(rule_ids=[rule_id], user=user)
    assert clean == [], [f"{f.kind} {f.entity_code}: {f.message_en}" for f in clean]
    expected = TRIGGERS[rule_id](city)
    found = run(rule_ids=[rule_id], user=user)
    if rule_id in STATEMENTS:
        assert expected in {f.entity_code for f in found if f.kind == FindingKind.NO_DATA}, found
        assert not [f for f in found if f.is_violation]
        return
    flagged = {f.entity_code for f in found if f.is_violation}
    assert expected in flagged, [f"{f.kind} {f.entity_code}: {f.message_en}" for f in found]
    assert not [f for f in found if not f.is_violation], "a 'no data' answer where the data exists"
