"""Filing deadlines: staff changes within one month, contracted fee ceilings one month before they take
effect where a fee ceiling is contracted, information published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eduplan.registry import actions
from eduplan.registry.models import InstitutionYear

from .builders import AS_OF, add_staff, clean_kindergarten, codes, run, violations

pytestmark = pytest.mark.django_db
D = dt.date


def test_staff_changes_filed_late_or_not_at_all(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    add_staff(
        kg, "teacher", name="按时", start_date=D(2024, 10, 8), change_filed_on=D(2024, 11, 7)
    )  # 30 days
    add_staff(
        kg, "teacher", name="迟报", start_date=D(2024, 10, 8), change_filed_on=D(2024, 11, 8)
    )  # 31 days
    add_staff(kg, "principal", name="未报", start_date=D(2024, 12, 1), change_filed_on=None)
    add_staff(kg, "teacher", name="未到期", start_date=D(2025, 2, 10), change_filed_on=None)  # due 2025-03-12
    add_staff(kg, "nursery", name="保育员", start_date=D(2024, 10, 8), change_filed_on=None)  # not a teacher
    add_staff(kg, "teacher", name="兼职", start_date=D(2024, 10, 8), change_filed_on=None, is_full_time=False)
    add_staff(kg, "teacher", name="去年", start_date=D(2023, 10, 8), change_filed_on=None)  # earlier year
    found = violations("STAFF-CHANGE-FILING")
    assert {(f.subject.split("(")[0], f.measured) for f in found} == {
        ("迟报", "31天 days"),
        ("未报", "90天 days 未备案 unfiled"),
    }


def test_a_departure_is_the_change_to_file(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    teacher = add_staff(kg, "teacher", name="离任", start_date=D(2020, 9, 1), change_filed_on=D(2020, 9, 5))[
        0
    ]
    actions.end_staff_appointment(teacher, on=D(2024, 12, 31), filed_on=None)
    found = violations("STAFF-CHANGE-FILING")
    assert [(f.subject, f.details["kind"]) for f in found] == [("离任(专任教师)", "departure")]
    actions.update_fields(teacher, {"change_filed_on": D(2025, 1, 15)})
    assert violations("STAFF-CHANGE-FILING") == []


def test_contracted_fee_ceilings_filed_late_or_not_filed(city):
    """Flags a contracted fee ceiling filed late or unfiled past its deadline; passes one filed
    exactly a month ahead and one whose deadline is still ahead."""
    late = clean_kindergarten(city, "K-L", "迟幼儿园")  # fee of 2024-09-01 filed on 2024-07-01
    actions.file_fee_standard(
        late,
        monthly_fee=Decimal("450"),
        effective_on=D(2025, 3, 1),
        filed_on=D(2025, 2, 15),
        contracted_ceiling=True,
    )
    unfiled = clean_kindergarten(city, "K-U", "未幼儿园")
    actions.file_fee_standard(
        unfiled,
        monthly_fee=Decimal("450"),
        effective_on=D(2025, 3, 20),
        filed_on=None,
        contracted_ceiling=True,
    )
    upcoming = clean_kindergarten(city, "K-O", "早幼儿园")  # unfiled, but the deadline 2025-05-02 is ahead
    actions.file_fee_standard(
        upcoming,
        monthly_fee=Decimal("450"),
        effective_on=D(2025, 6, 1),
        filed_on=None,
        contracted_ceiling=True,
    )
    exact = clean_kindergarten(city, "K-E", "准幼儿园")  # exactly 30 days before
    actions.file_fee_standard(
        exact,
        monthly_fee=Decimal("450"),
        effective_on=D(2025, 4, 1),
        filed_on=D(2025, 3, 2),
        contracted_ceiling=True,
    )
    found = violations("FEE-FILING")
    assert {(f.entity_code, f.measured) for f in found} == {
        ("K-L", "提前14天 14 days before"),
        ("K-U", "未备案 unfiled"),
    }


def test_fees_without_a_contracted_ceiling_are_not_judged(city):
    """Ordinary fees (no 政—企—园 contract) are outside the pre-filing duty: late or unfiled, no finding."""
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    actions.file_fee_standard(
        kg, monthly_fee=Decimal("450"), effective_on=D(2025, 3, 1), filed_on=D(2025, 2, 27)
    )
    other = clean_kindergarten(city, "K-Y", "乙幼儿园")
    actions.file_fee_standard(other, monthly_fee=Decimal("450"), effective_on=D(2025, 2, 1), filed_on=None)
    assert violations("FEE-FILING") == []


def test_the_fee_in_force_at_the_start_of_the_year_is_judged(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    kg.fees.all().delete()
    actions.file_fee_standard(
        kg,
        monthly_fee=Decimal("300"),
        effective_on=D(2019, 9, 1),
        filed_on=D(2019, 7, 1),
        contracted_ceiling=True,
    )
    actions.file_fee_standard(
        kg,
        monthly_fee=Decimal("350"),
        effective_on=D(2021, 9, 1),
        filed_on=D(2021, 8, 20),
        contracted_ceiling=True,
    )
    found = violations("FEE-FILING")
    assert [(f.entity_code, f.subject) for f in found] == [("K-X", "2021-09-01")]


def test_information_not_published(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    InstitutionYear.objects.filter(institution=kg).update(info_published=False)
    other = clean_kindergarten(city, "K-Y", "乙幼儿园")
    InstitutionYear.objects.filter(institution=other).delete()
    found = run(rule_ids=["KG-INFO-PUBLISHED"])
    assert {(f.entity_code, f.kind) for f in found} == {("K-X", "violation"), ("K-Y", "no_data")}
    assert codes(violations("KG-INFO-PUBLISHED", as_of=AS_OF)) == {"K-X"}


def test_only_changes_since_the_plan_and_vice_principals_count(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    add_staff(kg, "teacher", name="计划前", start_date=D(2022, 10, 8), change_filed_on=None)
    add_staff(kg, "vice_principal", name="副园长", start_date=D(2023, 2, 1), change_filed_on=D(2023, 5, 1))
    found = violations("STAFF-CHANGE-FILING", year=2022, as_of=D(2023, 8, 31))
    assert [(f.details["staff"], f.details["role"]) for f in found] == [("副园长", "vice_principal")]
