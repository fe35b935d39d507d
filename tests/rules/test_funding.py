"""Funding: per-student funding below the (unverified) standards; county education spending must
not decrease year on year (两个只增不减), read from the county spending register."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eduplan.registry.models import InstitutionYear

from .builders import (
    SPENDING,
    clean_high_school,
    clean_kindergarten,
    codes,
    record_spending,
    run,
    violations,
)

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


def test_county_spending_that_decreases_is_flagged(city):
    """Flags each figure of the judged budget year (2025 for school year 2024) below the year
    before; passes equal and higher figures and a stage left empty."""
    assert run(rule_ids=["COUNTY-SPENDING-TREND"]) == []  # the clean city: equal figures pass
    record_spending(city.county_a, 2025, per_pupil_junior=Decimal("14999.99"), per_pupil_high=None)
    record_spending(city.county_b, 2025, general_budget=Decimal("52000"))
    found = run(rule_ids=["COUNTY-SPENDING-TREND"])
    assert [(f.entity_code, f.kind, f.details["figure"], f.measured) for f in found] == [
        ("530402", "violation", "per_pupil_junior", Decimal("14999.99"))
    ]
    assert found[0].required == "≥ 15000.00"

    record_spending(city.county_b, 2025, general_budget=Decimal("49999"))
    assert {(f.entity_code, f.details["figure"]) for f in violations("COUNTY-SPENDING-TREND")} == {
        ("530402", "per_pupil_junior"),
        ("530423", "general_budget"),
    }


def test_county_spending_without_both_years_is_no_data(city):
    from eduplan.programmes.models import CountyEducationSpending

    CountyEducationSpending.objects.filter(county=city.county_b, year=2024).delete()
    found = run(rule_ids=["COUNTY-SPENDING-TREND"])
    assert [(f.entity_code, f.kind, f.details["missing_years"]) for f in found] == [
        ("530423", "no_data", [2024])
    ]
    from eduplan.rules.catalogue import get_rule

    assert get_rule("COUNTY-SPENDING-TREND").checkable is True


def test_county_spending_refuses_a_non_county(city):
    from django.core.exceptions import ValidationError

    from eduplan.programmes import actions as programmes

    with pytest.raises(ValidationError):
        programmes.record_education_spending(city.city, year=2024, **SPENDING)
