"""Class and school size (PRE-4.1.2, HS-2.7, HS-T5…T7): limits are exceeded, not reached."""

from __future__ import annotations

import pytest

from eduplan.registry import actions

from .builders import YEAR, add_classes, clean_high_school, clean_kindergarten, codes, violations

pytestmark = pytest.mark.django_db


def test_kindergarten_classes_over_their_age_groups_limit(city):
    clean_kindergarten(
        city, "K-X", "甲幼儿园", classes=(("small", 26), ("middle", 30), ("large", 36), ("mixed", 31))
    )
    found = violations("KG-CLASS-SIZE")
    assert {(f.entity_code, f.subject, f.measured, f.required) for f in found} == {
        ("K-X", "small1班", 26, "≤ 25"),
        ("K-X", "large3班", 36, "≤ 35"),
        ("K-X", "mixed4班", 31, "≤ 30"),
    }
    assert all(f.school_year == YEAR for f in found)


def test_classes_at_their_limit_and_other_years_pass(city):
    inst = clean_kindergarten(city, "K-X", "甲幼儿园", classes=(("small", 25), ("middle", 30), ("large", 35)))
    actions.record_class(inst, school_year=YEAR - 1, name="旧大班", age_group="large", boys=20, girls=20)
    assert violations("KG-CLASS-SIZE") == []
    assert codes(violations("KG-CLASS-SIZE", year=YEAR - 1)) == {"K-X"}


def test_kindergartens_over_360_children(city):
    clean_kindergarten(city, "K-X", "大幼儿园", classes=(("large", 35),) * 11, seats=400)  # 385
    clean_kindergarten(city, "K-Y", "中幼儿园", classes=(("large", 30),) * 12, seats=400)  # 360
    found = violations("KG-SIZE")
    assert [(f.entity_code, f.measured) for f in found] == [("K-X", 385)]


def test_county_class_size_compliance_rate(city):
    # County B: 6 compliant classes in clean kindergartens; two more oversize → 6/8 = 75% < 85%.
    clean_kindergarten(city, "K-X", "乙幼儿园", town=city.town_b, classes=(("small", 27), ("small", 27)))
    found = violations("KG-CLASS-COMPLIANCE")
    assert [(f.entity_type, f.entity_code, f.measured) for f in found] == [("county", "530423", 75.0)]
    # County A: one oversize class in 9 (89%) is within the threshold.
    clean_kindergarten(city, "K-Y", "丙幼儿园", classes=(("small", 26),) + (("small", 20),) * 4)
    assert codes(violations("KG-CLASS-COMPLIANCE")) == {"530423"}


def test_high_school_big_and_super_classes(city):
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    for name, size in (("g11-55", 55), ("g11-56", 56), ("g11-65", 65), ("g12-66", 66)):
        actions.record_class(
            hs, school_year=YEAR, name=name, age_group="g11", boys=size // 2, girls=size - size // 2
        )
    found = violations("HS-BIG-CLASS")
    assert {(f.subject, f.severity, f.details["band"]) for f in found} == {
        ("g11-56", "medium", "big"),
        ("g11-65", "medium", "big"),
        ("g12-66", "high", "super"),
    }


def test_new_intake_classes_over_55(city):
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    actions.record_class(
        hs, school_year=YEAR, name="g10-2", age_group="g10", boys=28, girls=28, is_new_intake=True
    )
    actions.record_class(
        hs, school_year=YEAR, name="g10-3", age_group="g10", boys=28, girls=27, is_new_intake=True
    )
    actions.record_class(hs, school_year=YEAR, name="g11-2", age_group="g11", boys=28, girls=28)
    assert [(f.entity_code, f.subject, f.measured) for f in violations("HS-NEW-INTAKE")] == [
        ("H-X", "g10-2", 56)
    ]


def test_newly_built_high_schools_over_3000(city):
    big = clean_high_school(city, "H-X", "新建中学", is_new_build=True, is_county_high_school=False)
    old = clean_high_school(city, "H-Y", "老中学", is_new_build=False, is_county_high_school=False)
    for inst in (big, old):
        add_classes(inst, [(f"c{i}", "g11", 50) for i in range(60)])
    # 3 + 60 classes of 50 = 3150 students each; only the new build is judged by HS-T7.
    assert [(f.entity_code, f.measured) for f in violations("HS-NEW-SCHOOL-SIZE")] == [("H-X", 3150)]
