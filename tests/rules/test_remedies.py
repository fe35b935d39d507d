"""Findings say how to fix: each finding carries the remedy (what record or value clears it) and,
where the plan or its confirmed standards give one, the deadline (``due``)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from eduplan.registry import actions
from eduplan.rules.catalogue import catalogue

from .builders import clean_kindergarten, run, violations
from .test_safety import _major_hazard_order


def test_every_rule_says_how_to_fix_its_findings():
    for rule in catalogue().values():
        zh, en = rule.remedy
        assert zh and en, f"{rule.id} has no remedy in rules/data/remedies.toml"


@pytest.mark.django_db
def test_a_finding_carries_its_remedy_and_the_plans_deadline(city):
    """An overdue major hazard is due by its order's deadline; a late contracted fee by its filing
    deadline; a name has a remedy but no deadline of the plan."""
    order = _major_hazard_order(city["K-A1"], found_on=dt.date(2024, 11, 1), deadline=dt.date(2024, 12, 1))
    (hazard,) = violations("SAFETY-HAZARD-OVERDUE")
    assert hazard.due == order.deadline and "销号" in hazard.remedy_zh and "verification" in hazard.remedy_en

    kg = clean_kindergarten(city, "K-F", "甲幼儿园")
    actions.file_fee_standard(
        kg,
        monthly_fee=Decimal("450"),
        effective_on=dt.date(2025, 3, 1),
        filed_on=None,
        contracted_ceiling=True,
    )
    (fee,) = violations("FEE-FILING")
    assert fee.due == dt.date(2025, 1, 30) and "备案" in fee.remedy_zh

    clean_kindergarten(city, "K-N", "国际幼儿园")
    (name,) = violations("KG-NAME")
    assert name.due is None and "更名" in name.remedy_zh and name.remedy_en


@pytest.mark.django_db
def test_missing_data_is_fixed_by_recording_it(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    kg.safety_records.all().delete()
    (found,) = run(rule_ids=["SAFETY-ITEMS"])
    assert found.kind == "no_data" and "录入" in found.remedy_zh and found.due is None


@pytest.mark.django_db
def test_check_json_and_table_include_the_remedy(city):
    clean_kindergarten(city, "K-X", "国际幼儿园")
    out = io.StringIO()
    call_command("check", "--format", "json", "--rule", "KG-NAME", "--as-of", "2025-03-01", stdout=out)
    (record,) = json.loads(out.getvalue())
    assert record["remedy_zh"] and record["remedy_en"] and "due" in record
    out = io.StringIO()
    call_command("check", "--rule", "KG-NAME", "--as-of", "2025-03-01", stdout=out)
    assert "整改办法" in out.getvalue()
