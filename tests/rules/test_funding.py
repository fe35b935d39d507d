"""Funding (PRE-5.3, PRE-4.2.5, HS-2.8): per-student funding below the (unverified) standards;
county spending not checkable yet, said explicitly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eduplan.registry.models import InstitutionYear

from .builders import clean_high_school, clean_kindergarten, codes, run, violations

pytestmark = pytest.mark.django_db


def test_public_kindergartens_below_the_per_child_standard(city):
    low = clean_kindergarten(city, "K-L", "低幼儿园")
    InstitutionYear.objects.filter(institution=low).update(funding_per_student=Decimal("499.99"))
    edge = clean_kindergarten(city, "K-E", "边幼儿园")
    InstitutionYear.objects.filter(institution=edge).update(funding_per_student=Decimal("500"))
    private = clean_kindergarten(city, "K-P", "民幼儿园", ownership="private_nonprofit", sponsor="private")
    InstitutionYear.objects.filter(institution=private).update(funding_per_student=Decimal("300"))
    found = violations("KG-FUNDING")
    assert [(f.entity_code, f.measured) for f in found] == [("K-L", Decimal("499.99"))]
    assert "unverified" in found[0].standard


def test_missing_funding_figures_are_no_data(city):
    kg = clean_kindergarten(city, "K-X", "甲幼儿园")
    InstitutionYear.objects.filter(institution=kg).update(funding_per_student=None)
    found = run(rule_ids=["KG-FUNDING"])
    assert [(f.entity_code, f.kind) for f in found] == [("K-X", "no_data")]


def test_public_high_schools_below_the_per_student_standard(city):
    hs = clean_high_school(city, "H-X", "甲中学", is_county_high_school=False)
    InstitutionYear.objects.filter(institution=hs).update(funding_per_student=Decimal("900"))
    assert codes(violations("HS-FUNDING")) == {"H-X"}


def test_county_spending_trend_is_reported_as_not_checkable(city):
    found = run(rule_ids=["COUNTY-SPENDING-TREND"])
    assert {(f.entity_code, f.kind, f.severity) for f in found} == {
        ("530402", "no_data", "info"),
        ("530423", "no_data", "info"),
    }
    from eduplan.rules.catalogue import get_rule

    assert get_rule("COUNTY-SPENDING-TREND").checkable is False
