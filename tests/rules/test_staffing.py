"""Staffing (PRE-4.3.1, 教师〔2013〕1号; PRE-4.2.4 certificates; county 1:15)."""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.registry.models import StaffMember

from .builders import (
    add_staff,
    clean_high_school,
    clean_kindergarten,
    codes,
    outside_school,
    remove_staff,
    run,
    violations,
)

pytestmark = pytest.mark.django_db


def drop(code_or_inst, role, n=1):
    inst = code_or_inst
    ids = list(StaffMember.objects.filter(institution=inst, role=role).values_list("pk", flat=True)[:n])
    remove_staff(StaffMember.objects.filter(pk__in=ids))


def test_all_staff_ratio_by_service_type(city):
    # 4 classes × 30 = 120 children; full-day limit 1:7 needs 18 staff.
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", classes=(("middle", 30),) * 4)
    staff = StaffMember.objects.filter(institution=kg).count()  # 1+8+4+1+3+1 = 18
    assert staff == 18 and violations("KG-STAFF-RATIO") == []
    drop(kg, "security")
    found = violations("KG-STAFF-RATIO")
    assert [(f.entity_code, f.required, f.details["needed"]) for f in found] == [("K-X", "≤ 7", 18)]
    # The same kindergarten half-day is judged at 1:10.
    kg.service_type = "half_day"
    kg.save()
    assert violations("KG-STAFF-RATIO") == []


def test_children_without_any_staff_is_missing_data_not_a_ratio(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    remove_staff(StaffMember.objects.filter(institution=kg))
    found = [f for f in run(rule_ids=["KG-STAFF-RATIO", "KG-CLASS-STAFF", "KG-COOKS"])]
    assert [(f.rule, f.kind, f.severity) for f in found] == [("KG-STAFF-RATIO", "no_data", "info")]


def test_teaching_staff_ratio(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", classes=(("small", 25),) * 3)  # 75 children, 9 保教
    assert violations("KG-TEACHING-RATIO") == []
    drop(kg, "nursery")  # 75 / 8 = 9.4 > 9
    found = violations("KG-TEACHING-RATIO")
    assert [(f.entity_code, f.measured, f.details["needed"]) for f in found] == [("K-X", 9.38, 9)]
    # Two full large classes staffed "two teachers and one nursery worker" each still fall short of
    # 1:9 (70 / 6): the ratio and the per-class rule are separate requirements of the standard.
    clean_kindergarten(city, "K-L", "乙幼儿园", classes=(("large", 35),) * 2)
    assert codes(violations("KG-TEACHING-RATIO")) == {"K-X", "K-L"}
    assert "K-L" not in codes(violations("KG-CLASS-STAFF"))


def test_staff_left_before_as_of_do_not_count(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    StaffMember.objects.filter(institution=kg, role="teacher").update(end_date=dt.date(2024, 12, 31))
    assert "K-X" in codes(violations("KG-CLASS-STAFF"))


def test_teachers_and_nursery_workers_per_class(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", classes=(("small", 20),) * 3)
    assert violations("KG-CLASS-STAFF") == []
    drop(kg, "nursery")  # 6 teachers + 2 nursery < 9
    assert {(f.subject, f.measured, f.required) for f in violations("KG-CLASS-STAFF")} == {
        ("保教人员", 8, "≥ 9")
    }
    add_staff(kg, "teacher", certificate="kg_teacher")  # three teachers per class is allowed too
    assert violations("KG-CLASS-STAFF") == []
    drop(kg, "teacher", 2)  # 5 teachers < 6
    assert {f.subject for f in violations("KG-CLASS-STAFF")} == {"专任教师", "保教人员"}


def test_half_day_boarding_and_single_class_sites(city):
    half = clean_kindergarten(
        city, "K-H", "半日幼儿园", service_type="half_day", classes=(("small", 20),) * 2
    )
    drop(half, "nursery", 2)  # half-day: 2 teachers per class, nursery workers not required
    single = clean_kindergarten(city, "K-S", "村幼儿园", classes=(("mixed", 20),))
    drop(single, "nursery")  # a single-class site has 2 teachers
    board = clean_kindergarten(
        city, "K-B", "寄宿幼儿园", service_type="boarding", classes=(("large", 30),) * 2
    )
    found = violations("KG-CLASS-STAFF")
    # boarding: 2 classes need 2×2+2 = 6 teachers (has 4), 2×3+4 = 10 保教 (has 6), 2 nursery (has 2)
    assert {(f.entity_code, f.subject, f.required) for f in found} == {
        ("K-B", "专任教师", "≥ 6"),
        ("K-B", "保教人员", "≥ 10"),
    }
    assert board.pk


def test_principals_by_class_count(city):
    small = clean_kindergarten(city, "K-S", "小幼儿园")
    add_staff(small, "vice_principal", certificate="principal")  # 3 classes: one principal only
    big = clean_kindergarten(city, "K-B", "大幼儿园", classes=(("small", 20),) * 10, seats=300)
    add_staff(big, "vice_principal", 2, certificate="principal")  # 10 classes: up to 3
    none = clean_kindergarten(city, "K-N", "无园长幼儿园")
    drop(none, "principal")
    found = violations("KG-PRINCIPALS")
    assert {(f.entity_code, f.severity, f.measured) for f in found} == {
        ("K-S", "low", 2),
        ("K-N", "medium", 0),
    }


def test_health_staff_per_150_children(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", classes=(("large", 35),) * 5, seats=300)  # 175 → 2
    assert violations("KG-HEALTH-STAFF") == []
    StaffMember.objects.filter(institution=kg, role="health").update(is_full_time=False)
    found = violations("KG-HEALTH-STAFF")
    assert [(f.measured, f.required) for f in found] == [(0, "≥ 2")]
    small = clean_kindergarten(city, "K-S", "小幼儿园")  # 78 children: a part-time one is enough
    StaffMember.objects.filter(institution=small, role="health").update(is_full_time=False)
    assert codes(violations("KG-HEALTH-STAFF")) == {"K-X"}


def test_cooks_per_45_children_and_not_for_half_day(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", classes=(("large", 35),) * 3)  # 105 → 3 cooks
    drop(kg, "cook")
    half = clean_kindergarten(city, "K-H", "半日幼儿园", service_type="half_day")
    drop(half, "cook", 2)
    assert [(f.entity_code, f.measured, f.required) for f in violations("KG-COOKS")] == [("K-X", 2, "≥ 3")]


def test_principals_and_teachers_without_certificates(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    add_staff(kg, "teacher", name="王一", certificate="")
    add_staff(kg, "teacher", name="王二", certificate="primary_teacher")  # not a kindergarten certificate
    add_staff(kg, "nursery", name="王三", certificate="")  # nursery workers are not judged here
    add_staff(kg, "teacher", name="王四", certificate="", end_date=dt.date(2024, 12, 31))  # left
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    add_staff(hs, "principal", name="赵校长", certificate="")
    add_staff(hs, "teacher", name="赵老师", certificate="secondary_teacher")
    found = violations("STAFF-CERTIFICATES")
    assert {(f.entity_code, f.subject) for f in found} == {
        ("K-X", "王一(专任教师)"),
        ("K-X", "王二(专任教师)"),
        ("H-X", "赵校长(园长/校长)"),
    }
    assert all(f.severity == "high" for f in found)


def test_certificates_judge_only_the_institutions_the_plans_cover(city):
    """Junior middle and vocational schools are outside the plans: an uncertified teacher there is
    not a finding; the same teacher in a general high school is."""
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    for school in (
        outside_school(city, "J-X", "junior_middle"),
        outside_school(city, "V-X", "vocational"),
        hs,
    ):
        add_staff(school, "teacher", name=f"{school.code}老师", certificate="")
    assert codes(violations("STAFF-CERTIFICATES")) == {"H-X"}


def test_staff_without_social_insurance(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    add_staff(kg, "cook", name="钱师傅", social_insurance=False)
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    add_staff(hs, "teacher", name="孙老师", certificate="secondary_teacher", social_insurance=False)
    assert [(f.entity_code, f.subject) for f in violations("KG-SOCIAL-INSURANCE")] == [
        ("K-X", "钱师傅(炊事员)")
    ]


def test_county_teacher_child_ratio(city):
    # County B has 156 children and 12 teachers (1:13). 60 more children without teachers → 216/12 = 18.
    kg = clean_kindergarten(city, "K-X", "乙幼儿园", town=city.town_b, classes=(("middle", 30),) * 2)
    StaffMember.objects.filter(institution=kg, role="teacher").update(role="nursery")
    found = violations("COUNTY-TEACHER-RATIO")
    assert [(f.entity_type, f.entity_code, f.details) for f in found] == [
        ("county", "530423", {"children": 216, "teachers": 12})
    ]


def test_staff_without_the_housing_fund(city):
    """Flags a kindergarten staff member in post without the housing fund; passes one with it, one
    who has left, and school staff (outside the preschool duty)."""
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    add_staff(kg, "nursery", name="钱阿姨", housing_fund=False)
    add_staff(
        kg,
        "teacher",
        name="孙老师",
        certificate="kg_teacher",
        housing_fund=False,
        end_date=dt.date(2024, 12, 31),
    )
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    add_staff(hs, "teacher", name="李老师", certificate="secondary_teacher", housing_fund=False)
    found = violations("KG-HOUSING-FUND")
    assert [(f.entity_code, f.subject) for f in found] == [("K-X", "钱阿姨(保育员)")]
    assert found[0].remedy_zh and "公积金" in found[0].remedy_zh
