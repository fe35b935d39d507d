"""The management network, pairing and coverage (PRE-4.2.1, PRE-4.5.1, PRE-4.5.2, PRE-T6, HS-2.5,
HS-T3, HS-T8)."""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.registry import actions
from eduplan.registry.models import ManagementAppointment, Pairing

from .builders import clean_high_school, clean_kindergarten, codes, violations

pytestmark = pytest.mark.django_db
D = dt.date


def test_county_without_preschool_administrator_or_researcher(city):
    ManagementAppointment.objects.filter(county=city.county_b, post="preschool_researcher").delete()
    ManagementAppointment.objects.filter(county=city.county_a, post="preschool_admin").update(
        end_date=D(2024, 12, 31)
    )
    actions.appoint_management_post(
        city.county_a,
        post="preschool_admin",
        person_name="兼职",
        start_date=D(2025, 1, 1),
        is_dedicated=False,
    )
    found = violations("COUNTY-PRESCHOOL-POSTS")
    assert {(f.entity_code, f.details["post"], f.severity) for f in found} == {
        ("530423", "preschool_researcher", "medium"),
        ("530402", "preschool_admin", "low"),
    }


def test_counties_without_institutions_are_not_judged(city):
    actions.create_division(code="530424", name="华宁县", level="county", parent=city.city)
    assert "530424" not in codes(violations())


def _first_level(city, code, name):
    return clean_kindergarten(city, code, name, grade="1-1")


def _support(supporter, supported, **kw):
    return actions.create_pairing(
        kind="kg_support", supporter=supporter, supported=supported, start_date=D(2023, 3, 1), **kw
    )


def test_first_level_kindergartens_support_one_or_two(city):
    none = _first_level(city, "K-0", "零园")
    one = _first_level(city, "K-1", "一园")
    three = _first_level(city, "K-3", "三园")
    ended = _first_level(city, "K-E", "终园")
    _support(one, city["K-A2"])
    for code in ("K-A2", "K-B1", "K-B2"):
        _support(three, city[code])
    _support(ended, city["K-B1"], end_date=D(2024, 6, 30))  # no longer in force
    _support(none, one)  # supporting another first-level kindergarten does not count
    found = violations("KG-PAIRING")
    assert {(f.entity_code, f.measured) for f in found} == {("K-0", 0), ("K-3", 3), ("K-E", 0)}
    assert none.pk and Pairing.objects.count() >= 5


def test_county_high_schools_without_trusteeship(city):
    clean_high_school(city, "H-N", "无托管中学")
    Pairing.objects.filter(supported__code="H-N").delete()
    clean_high_school(city, "H-U", "未签协议中学")
    Pairing.objects.filter(supported__code="H-U").update(agreement_signed=False)
    clean_high_school(
        city, "H-P", "民办中学", is_county_high_school=False, ownership="private_forprofit", sponsor="private"
    )
    found = violations("HS-TRUSTEESHIP")
    assert {(f.entity_code, f.severity) for f in found} == {("H-N", "medium"), ("H-U", "low")}


def test_kindergartens_overdue_for_their_quality_evaluation(city):
    """The cycle is five years (standards.toml): evaluated 2019-05-10 → due 2024-05-10, overdue on
    the as-of day 2025-03-01; evaluated 2020-04-01 → due 2025-04-01, not yet. Never evaluated: late
    once open five years. The boolean "in quality evaluation" is not read."""
    from eduplan.programmes.models import QualityEvaluation

    overdue = clean_kindergarten(city, "K-X", "甲幼儿园")
    QualityEvaluation.objects.filter(institution=overdue).update(evaluated_on=D(2019, 5, 10))
    in_time = clean_kindergarten(city, "K-T", "乙幼儿园", in_quality_evaluation=False)
    QualityEvaluation.objects.filter(institution=in_time).update(evaluated_on=D(2020, 4, 1))
    never = clean_kindergarten(city, "K-N", "丙幼儿园")
    QualityEvaluation.objects.filter(institution=never).delete()
    young = clean_kindergarten(city, "K-Y", "丁幼儿园", established_on=D(2021, 9, 1))
    QualityEvaluation.objects.filter(institution=young).delete()
    found = {f.entity_code: f for f in violations("KG-QUALITY-EVAL")}
    assert set(found) == {"K-X", "K-N"}
    assert found["K-X"].due == D(2024, 5, 10) and "2019-05-10" in found["K-X"].message_zh
    assert found["K-N"].due == D(2015, 9, 1) and "没有保教质量评估记录" in found["K-N"].message_zh
    assert "保教质量评估登记册" in found["K-X"].remedy_zh


def test_county_high_school_trusteeship_through_no_channel(city):
    from eduplan.programmes import actions as programmes
    from eduplan.programmes.models import TrusteeshipSupport

    gone = clean_high_school(city, "H-C", "无渠道中学")
    TrusteeshipSupport.objects.filter(institution=gone).delete()
    ended = clean_high_school(city, "H-E", "渠道已结束中学")
    TrusteeshipSupport.objects.filter(institution=ended).update(ended_on=D(2024, 12, 31))
    clean_high_school(city, "H-M", "多渠道中学")
    programmes.record_trusteeship_support(
        city["H-M"],
        channel="talent_team",
        supporter="省教育人才组团",
        started_on=D(2024, 9, 1),
        evidence="组团式帮扶协议",
    )
    unpaired = clean_high_school(city, "H-0", "无托管中学")
    Pairing.objects.filter(supported=unpaired).delete()  # HS-TRUSTEESHIP's finding, not this rule's
    assert codes(violations("HS-TRUSTEESHIP-CHANNEL")) == {"H-C", "H-E"}


def test_unrated_kindergartens_after_the_deadline(city):
    clean_kindergarten(city, "K-X", "老幼儿园", grade="", established_on=D(2015, 9, 1))
    clean_kindergarten(city, "K-N", "新幼儿园", grade="", established_on=D(2024, 9, 1))  # new after 2022
    clean_kindergarten(city, "K-U", "不详幼儿园", grade="", established_on=None)
    assert codes(violations("KG-UNRATED")) == {"K-X", "K-U"}
    # Before the deadline nothing is late yet.
    assert violations("KG-UNRATED", year=2022, as_of=D(2022, 12, 31)) == []


def test_high_schools_off_the_education_network(city):
    clean_high_school(city, "H-X", "甲中学", network_connected=False, is_county_high_school=False)
    found = violations("HS-NETWORK")
    assert [(f.entity_code, f.clause) for f in found] == [("H-X", "HS-T8, HS-2.2")]


def test_county_without_a_first_level_high_school(city):
    city["H-B1"].rating = "p2"
    city["H-B1"].save()
    clean_high_school(city, "H-X", "二级中学", rating="p2", is_county_high_school=False)
    assert [(f.entity_type, f.entity_code) for f in violations("COUNTY-FIRST-LEVEL-HS")] == [
        ("county", "530423")
    ]
