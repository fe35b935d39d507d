"""Small hand-built registries for the rule tests: a clean city where every rule passes, and
helpers to break exactly one thing at a time.

Everything is written through the registry's actions, as real data would be.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eduplan.duties import actions as duties
from eduplan.programmes import actions as programmes
from eduplan.registry import actions, identity
from eduplan.registry.choices import (
    DivisionLevel,
    DivisionType,
    InstitutionKind,
    ManagementPost,
    Ownership,
    PairingKind,
    Sponsor,
)
from eduplan.registry.models import Division, Institution, InstitutionYear, SchoolClass, StaffMember
from eduplan.workforce import actions as workforce

YEAR = 2024
AS_OF = dt.date(2025, 3, 1)
LONG_AGO = dt.date(2015, 9, 1)
SAFE = {
    "full_time_guard": True,
    "closed_management": True,
    "one_key_alarm": True,
    "video_linked_police": True,
    "anti_collision": True,
}
_serial = itertools.count(1)


def identity_number() -> str:
    """A valid, unique GB 11643 number (the registry validates the check digit)."""
    n = next(_serial)
    first17 = f"530402{1980 + n % 20}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + identity.check_digit(first17)


@dataclass
class City:
    city: Division
    county_a: Division
    county_b: Division
    town_a: Division
    town_b: Division
    institutions: dict[str, Institution] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Institution:
        return self.institutions[code]


def make_city() -> City:
    province = actions.create_division(code="530000", name="云南省", level=DivisionLevel.PROVINCE)
    city = actions.create_division(
        code="530400", name="玉溪市", level=DivisionLevel.CITY, parent=province, type=DivisionType.CITY
    )
    county_a = actions.create_division(
        code="530402", name="红塔区", level=DivisionLevel.COUNTY, parent=city, type=DivisionType.DISTRICT
    )
    county_b = actions.create_division(
        code="530423", name="通海县", level=DivisionLevel.COUNTY, parent=city, type=DivisionType.COUNTY
    )
    town_a = actions.create_division(
        code="530402001",
        name="玉兴街道",
        level=DivisionLevel.TOWNSHIP,
        parent=county_a,
        type=DivisionType.SUBDISTRICT,
    )
    town_b = actions.create_division(
        code="530423100",
        name="秀山街道",
        level=DivisionLevel.TOWNSHIP,
        parent=county_b,
        type=DivisionType.SUBDISTRICT,
    )
    for county in (county_a, county_b):
        for post in ManagementPost.values:
            actions.appoint_management_post(county, post=post, person_name="李老师", start_date=LONG_AGO)
    return City(city, county_a, county_b, town_a, town_b)


def add_staff(inst: Institution, role: str, n: int = 1, **fields: Any) -> list[StaffMember]:
    defaults: dict[str, Any] = {
        "sex": "F",
        "employment": "establishment",
        "is_full_time": True,
        "social_insurance": True,
        "housing_fund": True,
        "start_date": LONG_AGO,
        "change_filed_on": LONG_AGO,
    }
    defaults.update(fields)
    name = defaults.pop("name", None)
    if n == 1 and name:
        # One named person: through the action, validated like any real entry.
        return [
            actions.add_staff_member(
                inst, identity_number=identity_number(), role=role, name=name, **defaults
            )
        ]
    # Many anonymous staff at once: bulk-inserted (no history) to keep the tests fast.
    rows = []
    for i in range(n):
        number = identity_number()
        rows.append(
            StaffMember(
                institution=inst,
                role=role,
                name=f"{name or role}{i + 1}号",
                id_hash=identity.hash_number(number),
                id_last4=identity.last4(number),
                **defaults,
            )
        )
    return StaffMember.objects.bulk_create(rows)


def remove_staff(people: Any) -> None:
    """Delete the staff of the queryset ``people`` with their training records (which protect them):
    a test's way of saying the post is vacant."""
    from eduplan.workforce.models import TrainingRecord

    TrainingRecord.objects.filter(staff__in=people).delete()
    people.delete()


def add_classes(
    inst: Institution,
    classes: list[tuple[str, str, int]],
    *,
    year: int = YEAR,
    new_intake: tuple[str, ...] = (),
) -> None:
    """Classes (name, age group or grade, headcount), bulk-inserted to keep the tests fast; a test
    about a class records it through ``actions.record_class``."""
    SchoolClass.objects.bulk_create(
        SchoolClass(
            institution=inst,
            school_year=year,
            name=name,
            age_group=group,
            boys=size // 2,
            girls=size - size // 2,
            is_new_intake=group in new_intake,
        )
        for name, group, size in classes
    )


def clean_kindergarten(
    city: City,
    code: str,
    name: str,
    *,
    town: Division | None = None,
    classes: tuple[tuple[str, int], ...] = (("small", 22), ("middle", 26), ("large", 30)),
    **fields: Any,
) -> Institution:
    """A kindergarten that satisfies every rule: staffed to the standard, safe, rated, filed."""
    spec: dict[str, Any] = {
        "kind": InstitutionKind.KINDERGARTEN,
        "ownership": Ownership.PUBLIC,
        "sponsor": Sponsor.EDUCATION_DEPT,
        "licence_status": "licensed",
        "service_type": "full_day",
        "seats": 200,
        "grade": "2-1",
        "grade_year": 2021,
        "in_quality_evaluation": True,
        "established_on": dt.date(2010, 9, 1),
    }
    spec.update(fields)
    inst = actions.create_institution(code=code, name=name, division=town or city.town_a, **spec)
    add_classes(inst, [(f"{group}{i + 1}班", group, size) for i, (group, size) in enumerate(classes)])
    children = sum(size for _, size in classes)
    n = len(classes)
    add_staff(inst, "principal", certificate="principal")
    add_staff(inst, "teacher", 2 * n, certificate="kg_teacher")
    add_staff(inst, "nursery", n, certificate="nursery")
    add_staff(inst, "health", max(1, math.ceil(children / 150)), certificate="health")
    add_staff(inst, "cook", max(1, math.ceil(children / 45)), certificate="cook")
    add_staff(inst, "security", certificate="security")
    actions.record_safety_check(inst, checked_on=dt.date(YEAR, 10, 8), **SAFE)
    InstitutionYear.objects.create(
        institution=inst,
        school_year=YEAR,
        seats=inst.seats,
        info_published=True,
        funding_per_student=Decimal("800") if inst.ownership == Ownership.PUBLIC else None,
    )
    actions.file_fee_standard(
        inst, monthly_fee=Decimal("400"), effective_on=dt.date(YEAR, 9, 1), filed_on=dt.date(YEAR, 7, 1)
    )
    programmes.establish_committee(inst, established_on=dt.date(2020, 10, 1), members=7)  # PRE-4.2.2
    if inst.kind == InstitutionKind.KINDERGARTEN:  # evaluated within the cycle
        programmes.record_quality_evaluation(
            inst, evaluated_on=dt.date(2023, 5, 10), result="good", evidence="县级评估报告2023"
        )
    record_kindergarten_duties(inst)
    train_staff(inst)
    city.institutions[code] = inst
    return inst


def train_staff(inst: Institution, hours: int = 300) -> None:
    """Rotation training on track for every staff member of ``inst`` the rotation covers: 300
    hours in 2022, above the 288 (four of five years of 360) asked by the end of 2024. Bulk-inserted
    to keep the tests fast; a test about training records it through ``workforce.actions``."""
    from eduplan.plans import standards
    from eduplan.workforce.models import TrainingRecord

    roles = standards.value("workforce", "training_roles")
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            staff=person,
            year=2022,
            level="county",
            course="全员轮训2022",
            hours=Decimal(hours),
            start_date=dt.date(2022, 7, 1),
            end_date=dt.date(2022, 7, 20),
        )
        for person in inst.staff.filter(role__in=roles)
    )


#: Teachers' average monthly pay in the clean city: public, and private (90% of it).
PUBLIC_PAY, PRIVATE_PAY = Decimal("5000"), Decimal("4500")


def record_kindergarten_duties(inst: Institution) -> None:
    """The duty registers of a clean kindergarten: party coverage, a guidance visit this school
    year, its teachers' pay, and — by its kind — a public-institution registration (central) or
    the audited accounts with a filed fee account (non-profit private)."""
    duties.record_party_coverage(
        inst,
        established_on=dt.date(2021, 7, 1),
        form="joint",
        organisation="联合党支部",
        document="党〔2021〕1号",
    )
    duties.record_guidance_visit(
        inst, on=dt.date(YEAR, 10, 15), guide_kind="county_unit", topic="游戏活动指导"
    )
    public = inst.ownership == Ownership.PUBLIC
    duties.record_teacher_pay(inst, YEAR, teachers=6, average_monthly=PUBLIC_PAY if public else PRIVATE_PAY)
    if public and inst.is_central:
        duties.register_public_institution(
            inst, registered_on=dt.date(2018, 5, 1), credit_code="12530402MB0000001X"
        )
    if inst.ownership == Ownership.PRIVATE_NONPROFIT:
        duties.record_nonprofit_accounts(
            inst,
            YEAR,
            audited_on=dt.date(2025, 2, 1),
            audit_report="审〔2025〕1号",
            surplus=Decimal("30000"),
            distributed=Decimal("0"),
            fee_account_bank="农业银行通海支行",
            fee_account_last4="0427",
            fee_account_filed_on=dt.date(YEAR, 8, 20),
        )


def clean_high_school(
    city: City, code: str, name: str, *, town: Division | None = None, **fields: Any
) -> Institution:
    spec: dict[str, Any] = {
        "kind": InstitutionKind.HIGH_SCHOOL,
        "ownership": Ownership.PUBLIC,
        "sponsor": Sponsor.EDUCATION_DEPT,
        "rating": "p1-1",
        "is_county_high_school": True,
        "network_connected": True,
        "established_on": dt.date(1950, 9, 1),
        "seats": 2000,
    }
    spec.update(fields)
    inst = actions.create_institution(code=code, name=name, division=town or city.town_a, **spec)
    add_classes(inst, [(f"{grade}-1", grade, 50) for grade in ("g10", "g11", "g12")], new_intake=("g10",))
    add_staff(inst, "principal", certificate="principal")
    add_staff(inst, "teacher", 12, certificate="secondary_teacher")
    actions.record_safety_check(inst, checked_on=dt.date(YEAR, 10, 8), **SAFE)
    InstitutionYear.objects.create(
        institution=inst,
        school_year=YEAR,
        seats=2000,
        info_published=True,
        funding_per_student=Decimal("1200"),
    )
    if spec["is_county_high_school"]:
        actions.create_pairing(
            kind=PairingKind.HS_TRUSTEESHIP,
            supported=inst,
            supporter_name="昆明市第一中学",
            start_date=dt.date(2023, 3, 1),
            agreement_signed=True,
        )
        programmes.record_trusteeship_support(  # through one of the five channels, with its agreement
            inst,
            channel="province_university",
            supporter="昆明市第一中学",
            started_on=dt.date(2023, 3, 1),
            evidence="托管帮扶协议(2023)",
        )
    programmes.record_project(  # HS-2.2 一校一案, on schedule
        inst,
        title="一校一案",
        scope="学科教室、创新实验室",
        budget=Decimal("800"),
        starts_on=dt.date(2023, 3, 1),
        ends_on=dt.date(2026, 12, 31),
        completion=50,
    )
    train_staff(inst)
    # HS-2.3: performance pay tilted to the front line, class teachers above other teachers.
    workforce.record_performance_pay(
        inst, YEAR, frontline=(1_000_000, 20), class_teachers=(300_000, 5), others=(400_000, 10)
    )
    city.institutions[code] = inst
    return inst


def outside_school(city: City, code: str, kind: str) -> Institution:
    """A junior middle or vocational school: in the registry for planning, outside both plans."""
    inst = actions.create_institution(
        code=code,
        name=f"{code}学校",
        division=city.town_a,
        kind=kind,
        ownership=Ownership.PUBLIC,
        sponsor=Sponsor.EDUCATION_DEPT,
        established_on=dt.date(1980, 9, 1),
        seats=1000,
    )
    city.institutions[code] = inst
    return inst


#: A county's education spending in a budget year of the clean city: the same every year.
SPENDING = {
    "general_budget": Decimal("50000"),
    "per_pupil_preschool": Decimal("4000"),
    "per_pupil_primary": Decimal("11000"),
    "per_pupil_junior": Decimal("15000"),
    "per_pupil_high": Decimal("16000"),
}


def record_spending(county: Division, year: int, **changes: Any) -> Any:
    """A county's education spending of ``year``: the clean figures, with ``changes``."""
    return programmes.record_education_spending(county, year=year, **(SPENDING | changes))


def clean_city() -> City:
    """Two counties, each with two clean kindergartens and a clean county high school."""
    city = make_city()
    clean_kindergarten(city, "K-A1", "红塔区第一幼儿园")
    clean_kindergarten(city, "K-A2", "玉兴街道中心幼儿园", classes=(("mixed", 24),))
    clean_kindergarten(city, "K-B1", "通海县第一幼儿园", town=city.town_b)
    clean_kindergarten(
        city,
        "K-B2",
        "通海县阳光幼儿园",
        town=city.town_b,
        ownership=Ownership.PRIVATE_NONPROFIT,
        sponsor=Sponsor.PRIVATE,
    )
    clean_high_school(city, "H-A1", "玉溪第一中学")
    clean_high_school(city, "H-B1", "通海第一中学", town=city.town_b)
    for county in (city.county_a, city.county_b):
        for year in (YEAR, YEAR + 1):  # the budget years COUNTY-SPENDING-TREND compares
            record_spending(county, year)
        for year in (YEAR - 1, YEAR):  # the years HS-OUTFLOW compares: the same shares
            record_outflow(county, year)
    a, b = city.institutions["H-A1"], city.institutions["H-B1"]  # three classrooms, both ways
    duties.record_classroom_pairing(a, b, mode="delivery", school_year=YEAR, sessions=40)
    duties.record_classroom_pairing(b, a, mode="teacher", school_year=YEAR, sessions=12)
    # HS-3.1 and HS-3.4: a balanced evaluation scheme and ordinary publicity, judged and passed.
    workforce.record_evaluation_scheme(
        city.county_a,
        YEAR,
        "高中学校综合评价方案",
        target="schools",
        criteria=[("升学率", "admission_rate", 30), ("综合素质", "all_round", 40), ("德育", "moral", 30)],
    )
    workforce.record_publicity(
        a,
        published_on=dt.date(YEAR, 10, 2),
        channel="website",
        title="我校举行第一届科技节",
        text="学生展示研究性学习成果。",
    )
    return city


#: A county's outflow counts of a year in the clean city: 10% of top candidates, 1% of teachers.
OUTFLOW = {"top_candidates": 100, "top_admitted_outside": 10, "hs_teachers": 300, "teachers_to_city": 3}


def record_outflow(county: Division, year: int, **changes: int) -> Any:
    return duties.record_talent_outflow(county, year, **(OUTFLOW | changes))


def run(**kwargs: Any) -> list[Any]:
    from eduplan.rules.catalogue import run_rules

    kwargs.setdefault("year", YEAR)
    kwargs.setdefault("as_of", AS_OF)
    return run_rules(**kwargs)


def violations(rule_id: str | None = None, **kwargs: Any) -> list[Any]:
    """Violations (no "no data" statements) of one rule or of the whole catalogue."""
    if rule_id is not None:
        kwargs["rule_ids"] = [rule_id]
    return [f for f in run(**kwargs) if f.is_violation]


def codes(findings: list[Any]) -> set[str]:
    return {f.entity_code for f in findings}
