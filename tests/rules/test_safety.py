"""Safety: the latest record's items; no record is said, not passed; overdue major hazards are
read from the supervision's rectification orders."""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.registry import actions
from eduplan.rules import safety

from .builders import SAFE, clean_high_school, clean_kindergarten, codes, outside_school, run, violations

pytestmark = pytest.mark.django_db


def test_missing_items_on_the_latest_record(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    actions.record_safety_check(kg, checked_on=dt.date(2025, 1, 10), **(SAFE | {"one_key_alarm": False}))
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    actions.record_safety_check(
        hs, checked_on=dt.date(2025, 1, 10), **(SAFE | {"anti_collision": False, "full_time_guard": False})
    )
    found = violations("SAFETY-ITEMS")
    assert {(f.entity_code, f.details["item"]) for f in found} == {
        ("K-X", "one_key_alarm"),
        ("H-X", "anti_collision"),
        ("H-X", "full_time_guard"),
    }
    assert {f.subject for f in found if f.entity_code == "K-X"} == {"一键报警(110)"}


def test_an_older_failing_record_does_not_count_once_rectified(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")  # clean record of 2024-10-08
    actions.record_safety_check(kg, checked_on=dt.date(2024, 3, 1), **(SAFE | {"closed_management": False}))
    assert violations("SAFETY-ITEMS") == []
    # A record after the as-of day is not yet known on that day.
    actions.record_safety_check(kg, checked_on=dt.date(2025, 6, 1), **(SAFE | {"closed_management": False}))
    assert violations("SAFETY-ITEMS") == []
    assert codes(violations("SAFETY-ITEMS", as_of=dt.date(2025, 6, 30))) == {"K-X"}


def test_no_safety_record_is_reported_as_no_data(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    kg.safety_records.all().delete()
    found = run(rule_ids=["SAFETY-ITEMS"])
    assert [(f.entity_code, f.kind, f.severity) for f in found] == [("K-X", "no_data", "info")]


def _major_hazard_order(kg, *, found_on: dt.date, deadline: dt.date, line: str = "S07"):
    """A failed major-hazard checklist line of an inspection, turned into an order."""
    from eduplan.supervision import inspections, rectification
    from eduplan.supervision.models import CheckResult

    inspection = inspections.record_inspection(kg, inspected_on=found_on)
    item = inspection.checklist.get(code=line)
    moment = dt.datetime.combine(found_on, dt.time(10), tzinfo=dt.UTC)
    inspections.record_check(item, CheckResult.FAIL, note="消防通道堵塞", at=moment)
    return rectification.issue_rectification_order(
        item.findings.get(), responsible_person="王园长", deadline=deadline, at=moment
    )


def test_overdue_major_hazards_are_read_from_rectification_orders(city):
    """Flags a major-hazard order past its deadline and not closed; passes one within its
    deadline and one closed (verified) in time."""
    from eduplan.rules.catalogue import get_rule
    from eduplan.supervision import rectification

    assert get_rule("SAFETY-HAZARD-OVERDUE").checkable is True
    assert run(rule_ids=["SAFETY-HAZARD-OVERDUE"]) == []  # a clean city: no order, nothing to find

    kg_a, kg_b = city.institutions["K-A1"], city.institutions["K-B1"]
    late = _major_hazard_order(kg_a, found_on=dt.date(2024, 11, 1), deadline=dt.date(2024, 12, 1))
    _major_hazard_order(kg_b, found_on=dt.date(2025, 2, 1), deadline=dt.date(2025, 3, 20))
    found = violations("SAFETY-HAZARD-OVERDUE")
    assert [(f.entity_code, f.kind, f.details["order"]) for f in found] == [("K-A1", "violation", late.code)]
    assert found[0].details["deadline"] == dt.date(2024, 12, 1)
    assert "消防" in found[0].subject

    # Reported and verified before the as-of day: cleared.
    at = dt.datetime(2025, 1, 5, 10, tzinfo=dt.UTC)
    rectification.report_rectification(late, text="已清理通道", at=at)
    rectification.verify_rectification(late, note="复查合格", at=at + dt.timedelta(days=1))
    assert violations("SAFETY-HAZARD-OVERDUE") == []


def test_overdue_hazards_need_a_registered_source(city, monkeypatch):
    """Without any hazard provider (the supervision app absent) the rule says per county that it
    cannot check, never a pass."""
    from eduplan.rules.catalogue import get_rule

    monkeypatch.setattr(safety, "_hazard_source", None)
    assert get_rule("SAFETY-HAZARD-OVERDUE").checkable is False
    found = run(rule_ids=["SAFETY-HAZARD-OVERDUE"])
    assert {(f.entity_code, f.kind) for f in found} == {("530402", "no_data"), ("530423", "no_data")}


def test_safety_items_judge_only_the_institutions_the_plans_cover(city):
    """Junior middle and vocational schools are outside the plans: a missing item there is not a
    finding, while the same record at a kindergarten is."""
    for code, kind in (("J-X", "junior_middle"), ("V-X", "vocational")):
        school = outside_school(city, code, kind)
        actions.record_safety_check(
            school, checked_on=dt.date(2025, 1, 10), **(SAFE | {"one_key_alarm": False})
        )
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    actions.record_safety_check(kg, checked_on=dt.date(2025, 1, 10), **(SAFE | {"one_key_alarm": False}))
    assert codes(violations("SAFETY-ITEMS")) == {"K-X"}
