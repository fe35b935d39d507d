"""Safety (PRE-4.2.3, HS-2.10): the latest record's items; no record is said, not passed; the
overdue-hazard hook reports "not checkable" until supervision provides hazards."""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.registry import actions
from eduplan.rules import safety

from .builders import SAFE, clean_high_school, clean_kindergarten, codes, run, violations

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


def test_overdue_hazards_are_not_checkable_until_supervision_provides_them(city, monkeypatch):
    found = run(rule_ids=["SAFETY-HAZARD-OVERDUE"])
    assert {(f.entity_code, f.kind) for f in found} == {("530402", "no_data"), ("530423", "no_data")}

    from eduplan.rules.catalogue import get_rule

    assert get_rule("SAFETY-HAZARD-OVERDUE").checkable is False

    # The hook: a provider of overdue_major_hazards(ctx) registered at start-up makes the rule live.
    def overdue_major_hazards(ctx):
        kg = (
            ctx.institutions()
            .filter(code="K-A1")
            .values("code", "name", "county__code", "county__name")
            .get()
        )
        yield kg | {"hazard": "围墙开裂", "found_on": dt.date(2024, 11, 1), "deadline": dt.date(2024, 12, 1)}

    monkeypatch.setattr(safety, "_hazard_source", None)
    safety.register_hazard_source(overdue_major_hazards)
    assert get_rule("SAFETY-HAZARD-OVERDUE").checkable is True
    found = run(rule_ids=["SAFETY-HAZARD-OVERDUE"])
    assert [(f.entity_code, f.kind, f.subject) for f in found] == [("K-A1", "violation", "围墙开裂")]
