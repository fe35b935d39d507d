"""Unlicensed kindergartens classified by the county's standards (PRE-4.1.2), and residential
supporting kindergartens delivered with their housing (四同步)."""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.plans import assumptions, standards
from eduplan.registry.models import SafetyRecord, StaffMember
from eduplan.rules.licensing import Criteria

from .builders import clean_kindergarten, codes, run, violations

pytestmark = pytest.mark.django_db
PRIVATE = {
    "ownership": "private_forprofit",
    "sponsor": "private",
    "licence_status": "unlicensed",
    "grade": "",
}


def county_standard(city, on=dt.date(2023, 3, 1), **changes):
    """The county's own 办园点 standard (红塔区): 15 seats, 1 class, 2 teachers a class, half
    certified, three safety items."""
    from eduplan.programmes import actions as programmes

    fields = {
        "min_seats": 15,
        "min_classes": 1,
        "min_teachers_per_class": 2,
        "min_certified_share": "0.5",
        "safety_items": "closed_management,one_key_alarm,video_linked_police",
    }
    return programmes.set_teaching_point_standard(city.county_a, effective_on=on, **(fields | changes))


def outcome_of(code):
    (finding,) = [f for f in violations("KG-UNLICENSED") if f.entity_code == code]
    return finding.details["outcome"]


def test_meets_the_kindergarten_standard_rectify_and_license(city):
    clean_kindergarten(city, "K-X", "甲幼儿园", seats=120, **PRIVATE)
    assert outcome_of("K-X") == "license"


def test_meets_the_teaching_point_standard_approve_as_teaching_point(city):
    county_standard(city)
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", seats=30, classes=(("mixed", 25),), **PRIVATE)
    SafetyRecord.objects.filter(institution=kg).update(anti_collision=False, full_time_guard=False)
    assert outcome_of("K-X") == "teaching_point"
    (finding,) = violations("KG-UNLICENSED")
    assert "seats 30 < 90" in finding.details["unmet_kindergarten"]
    assert finding.severity == "high" and finding.clause == "PRE-4.1.2"


def test_meets_neither_close(city):
    county_standard(city)
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", seats=30, classes=(("mixed", 25),), **PRIVATE)
    StaffMember.objects.filter(institution=kg, role="teacher").update(certificate="")
    # The county standards are assumptions until the city confirms them: no closure proposed.
    (held,) = [f for f in violations("KG-UNLICENSED") if f.entity_code == "K-X"]
    assert held.details["outcome"] == "close_pending" and "依据待确认" in held.message_zh
    assert "取缔" not in held.subject
    for ident in ("licensing-kindergarten-seats", "licensing-kindergarten-classes"):
        assumptions.confirm(ident, reason="县标准已核定 county standard set", user_name="市教体局 张")
    assert outcome_of("K-X") == "close"
    kg.safety_records.all().delete()  # no record: the safety items count as missing
    assert outcome_of("K-X") == "close"


def test_without_a_county_standard_the_gap_is_reported_without_a_verdict(city):
    """Below the kindergarten standard in a county with no 办园点 standard of its own: flagged as
    unlicensed with the gaps, but neither closure nor teaching-point approval is proposed."""
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", seats=30, classes=(("mixed", 25),), **PRIVATE)
    StaffMember.objects.filter(institution=kg, role="teacher").update(certificate="")
    for ident in ("licensing-kindergarten-seats", "licensing-kindergarten-classes"):
        assumptions.confirm(ident, reason="县标准已核定 county standard set", user_name="市教体局 张")
    (finding,) = violations("KG-UNLICENSED")
    assert finding.details["outcome"] == "no_county_standard"
    assert "取缔" not in finding.message_zh and "办园点标准" in finding.message_zh
    assert "seats 30 < 90" in finding.details["unmet_kindergarten"]
    assert finding.details["unmet_teaching_point"] == []


def test_the_county_standard_in_force_on_the_day_is_applied(city):
    """A dated standard: one taking effect after the as-of day (2025-03-01) does not apply yet; the
    earlier one does."""
    kg = clean_kindergarten(city, "K-X", "甲幼儿园", seats=30, classes=(("mixed", 25),), **PRIVATE)
    SafetyRecord.objects.filter(institution=kg).update(anti_collision=False)
    county_standard(city, on=dt.date(2025, 6, 1), min_seats=50)
    assert outcome_of("K-X") == "no_county_standard"
    county_standard(city, on=dt.date(2024, 1, 1))
    assert outcome_of("K-X") == "teaching_point"
    (later,) = violations("KG-UNLICENSED", as_of=dt.date(2025, 6, 30))
    assert later.details["outcome"] != "teaching_point"  # from 2025-06-01 the county asks for 50 seats


def test_a_county_standard_names_real_safety_items(city):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        county_standard(city, safety_items="closed_management,moat")
    assert "moat" in str(refused.value)


def test_licensed_and_teaching_points_are_not_findings(city):
    clean_kindergarten(
        city, "K-T", "村办园点", licence_status="teaching_point", seats=30, classes=(("mixed", 20),)
    )
    assert violations("KG-UNLICENSED") == []


def test_unknown_licence_status_is_no_data(city):
    clean_kindergarten(city, "K-X", "甲幼儿园", licence_status="")
    found = run(rule_ids=["KG-UNLICENSED"])
    assert [(f.entity_code, f.kind) for f in found] == [("K-X", "no_data")]


def test_a_county_overrides_the_default_criteria(city, monkeypatch):
    county_standard(city)
    clean_kindergarten(city, "K-X", "甲幼儿园", seats=120, **PRIVATE)
    section = dict(standards.section("licensing"))
    section["counties"] = {"530402": {"kindergarten_min_seats": 150}}
    monkeypatch.setitem(standards.standards(), "licensing", section)
    assert Criteria.for_county("kindergarten", "530402").min_seats == 150
    assert Criteria.for_county("kindergarten", "530423").min_seats == 90
    assert outcome_of("K-X") == "teaching_point"


def test_supporting_kindergartens_delivered_after_the_housing(city):
    """Without a residential project only delivery is judged (and the missing project is said)."""
    D = dt.date
    common = {"is_residential_supporting": True, "housing_delivered_on": D(2023, 6, 1)}
    clean_kindergarten(city, "K-S", "同步幼儿园", supporting_delivered_on=D(2023, 6, 1), **common)
    clean_kindergarten(city, "K-L", "迟交幼儿园", supporting_delivered_on=D(2024, 3, 1), **common)
    clean_kindergarten(city, "K-N", "未交幼儿园", **common)
    clean_kindergarten(city, "K-U", "无日期幼儿园", is_residential_supporting=True)
    found = run(rule_ids=["KG-SUPPORTING-SYNC"])
    assert {(f.entity_code, f.kind) for f in found} == {
        ("K-S", "no_data"),
        ("K-L", "violation"),
        ("K-L", "no_data"),
        ("K-N", "violation"),
        ("K-N", "no_data"),
        ("K-U", "no_data"),
    }
    assert codes(violations("KG-SUPPORTING-SYNC")) == {"K-L", "K-N"}


def test_all_four_syncs_are_checked_against_the_residential_project(city):
    """四同步: planned, approved, built and delivered, each no later than the housing's own date."""
    from eduplan.programmes import actions as programmes

    D = dt.date
    housing = {
        "planned_on": D(2020, 3, 1),
        "approved_on": D(2020, 9, 1),
        "built_on": D(2022, 12, 1),
        "delivered_on": D(2023, 6, 1),
    }
    in_step = {
        "supporting_planned_on": D(2020, 3, 1),
        "supporting_approved_on": D(2020, 8, 1),
        "supporting_built_on": D(2022, 12, 1),
        "supporting_delivered_on": D(2023, 6, 1),
    }
    for code, changes in {
        "K-S": {},
        "K-P": {"supporting_planned_on": D(2021, 1, 1)},
        "K-A": {"supporting_approved_on": None},
        "K-B": {"supporting_built_on": D(2023, 2, 1)},
        "K-D": {"supporting_delivered_on": D(2023, 9, 1)},
    }.items():
        inst = clean_kindergarten(
            city, code, f"{code}幼儿园", is_residential_supporting=True, **(in_step | changes)
        )
        programmes.record_residential_project(inst, name=f"{code}小区", **housing)
    found = violations("KG-SUPPORTING-SYNC")
    assert sorted((f.entity_code, f.details["stage"]) for f in found) == [
        ("K-A", "approved"),
        ("K-B", "built"),
        ("K-D", "delivered"),
        ("K-P", "planned"),
    ]
    assert not [f for f in run(rule_ids=["KG-SUPPORTING-SYNC"]) if not f.is_violation]
    built = next(f for f in found if f.entity_code == "K-B")
    assert built.details["days_late"] == 62 and "K-B小区" in built.message_zh
