"""The rules over the duty registers (rules/duties.py): each flags what its docstring says and
passes the clean city (tests/rules/builders.clean_city records every duty)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from eduplan.duties import actions as duties
from eduplan.duties.models import NonProfitAccounts, PartyCoverage
from eduplan.registry import actions
from eduplan.registry.choices import Ownership, Sponsor
from eduplan.rules.findings import FindingKind

from .builders import AS_OF, YEAR, clean_kindergarten, codes, record_outflow, run, violations

pytestmark = pytest.mark.django_db


def test_party_coverage_flags_a_kindergarten_no_organisation_covers(city):
    kg = city.institutions["K-A1"]
    assert violations("KG-PARTY-COVERAGE") == []
    PartyCoverage.objects.filter(institution=kg).update(ended_on=dt.date(2024, 12, 31))
    found = violations("KG-PARTY-COVERAGE")
    assert codes(found) == {"K-A1"} and "党组织" in found[0].message_zh
    assert found[0].clause == "PRE-5.1"


def test_central_kindergarten_needs_a_registration_in_force(city):
    central = clean_kindergarten(city, "K-C1", "某镇中心幼儿园", is_central=True)
    assert violations("KG-CENTRAL-REGISTRATION") == []  # the clean builder registers it
    reg = central.public_registrations.get()
    reg.valid_until = dt.date(2024, 12, 31)
    reg.save()
    found = violations("KG-CENTRAL-REGISTRATION")
    assert codes(found) == {"K-C1"} and "2024-12-31" in found[0].message_zh  # lapsed
    reg.delete()
    assert "没有事业单位法人登记" in violations("KG-CENTRAL-REGISTRATION")[0].message_zh
    # A public kindergarten that is not central is not asked.
    clean_kindergarten(city, "K-C2", "某村幼儿园")
    assert codes(violations("KG-CENTRAL-REGISTRATION")) == {"K-C1"}


def test_registration_refuses_a_code_that_is_not_a_public_institutions(city):
    central = clean_kindergarten(city, "K-C1", "某镇中心幼儿园", is_central=True)
    with pytest.raises(ValidationError) as err:
        duties.register_public_institution(
            central, registered_on=dt.date(2020, 1, 1), credit_code="91530402MA0000001X"
        )
    assert "credit_code" in err.value.error_dict
    with pytest.raises(ValidationError) as err:  # a private kindergarten is no township central one
        duties.register_public_institution(
            city.institutions["K-B2"], registered_on=dt.date(2020, 1, 1), credit_code="12530402MB0000002X"
        )
    assert "institution" in err.value.error_dict


def test_guidance_flags_a_kindergarten_without_a_visit_in_the_last_year(city):
    kg = city.institutions["K-A2"]
    kg.guidance_visits.update(on=AS_OF - dt.timedelta(days=366))
    found = violations("KG-GUIDANCE")
    assert codes(found) == {"K-A2"} and found[0].clause == "PRE-4.2.1"
    duties.record_guidance_visit(
        kg, on=AS_OF - dt.timedelta(days=30), guide_kind="county_unit", topic="区域活动"
    )
    assert violations("KG-GUIDANCE") == []


def test_guidance_by_a_kindergarten_names_it(city):
    kg, guide = city.institutions["K-A1"], city.institutions["K-A2"]
    with pytest.raises(ValidationError) as err:
        duties.record_guidance_visit(kg, on=dt.date(YEAR, 11, 1), guide_kind="kindergarten", topic="指导")
    assert "guide" in err.value.error_dict
    visit = duties.record_guidance_visit(
        kg, on=dt.date(YEAR, 11, 1), guide_kind="kindergarten", topic="指导", guide=guide
    )
    assert visit.guide == guide


def test_village_kindergarten_outside_integrated_management_is_flagged(city):
    central = clean_kindergarten(city, "K-C1", "某镇中心幼儿园", is_central=True)
    village = clean_kindergarten(city, "K-V1", "某村幼儿园")
    found = violations("KG-VILLAGE-INTEGRATION")
    # Every public kindergarten of the township without a central link, the village one included.
    assert "K-V1" in codes(found) and "K-C1" not in codes(found)
    for code in codes(found):
        actions.update_fields(city.institutions[code], {"central": central}, reason="一体化管理")
    assert violations("KG-VILLAGE-INTEGRATION") == []
    assert village.pk


def test_surplus_distributed_and_fee_account(city):
    kg = city.institutions["K-B2"]  # non-profit private
    assert violations("KG-SURPLUS-DISTRIBUTED") == [] and violations("KG-FEE-ACCOUNT") == []
    duties.record_nonprofit_accounts(kg, YEAR, distributed=Decimal("12000"))
    found = violations("KG-SURPLUS-DISTRIBUTED")
    assert codes(found) == {"K-B2"} and found[0].severity == "high" and "12000" in found[0].message_zh
    NonProfitAccounts.objects.filter(institution=kg).update(fee_account_filed_on=None)
    assert "未载明已备案" in violations("KG-FEE-ACCOUNT")[0].message_zh
    NonProfitAccounts.objects.filter(institution=kg).delete()
    found = violations("KG-FEE-ACCOUNT")
    assert codes(found) == {"K-B2"} and "没有" in found[0].message_zh and found[0].clause == "PRE-4.2.5"


def test_accounts_refuse_a_filed_account_without_its_bank(city):
    with pytest.raises(ValidationError) as err:
        duties.record_nonprofit_accounts(
            city.institutions["K-B2"],
            YEAR + 1,
            audited_on=dt.date(2026, 2, 1),
            audit_report="审",
            surplus=Decimal("1"),
            fee_account_filed_on=dt.date(YEAR + 1, 8, 1),
        )
    assert "fee_account_filed_on" in err.value.error_dict
    with pytest.raises(ValidationError):  # a public kindergarten keeps no such accounts
        duties.record_nonprofit_accounts(
            city.institutions["K-A1"],
            YEAR,
            audited_on=dt.date(2025, 2, 1),
            audit_report="审",
            surplus=Decimal("1"),
        )


def test_pay_parity_against_the_countys_public_average(city):
    private = clean_kindergarten(
        city,
        "K-B3",
        "通海县小星星幼儿园",
        town=city.town_b,
        ownership=Ownership.PRIVATE_FORPROFIT,
        sponsor=Sponsor.PRIVATE,
    )
    assert violations("KG-PAY-PARITY") == []
    duties.record_teacher_pay(private, YEAR, teachers=6, average_monthly=Decimal("3700"))  # < 75% of 5000
    found = violations("KG-PAY-PARITY")
    assert codes(found) == {"K-B3"} and found[0].required == "≥ 3750.00元"
    duties.record_teacher_pay(private, YEAR, teachers=6, average_monthly=Decimal("3750"))
    assert violations("KG-PAY-PARITY") == []
    # No public kindergarten of the county reported: no comparison, said as no data.
    city.institutions["K-B1"].teacher_pay.all().delete()
    no_data = [f for f in run(rule_ids=["KG-PAY-PARITY"]) if f.kind == FindingKind.NO_DATA]
    assert codes(no_data) == {"530423"}


def test_outflow_rising_year_on_year_is_flagged(city):
    assert violations("HS-OUTFLOW") == []
    record_outflow(city.county_b, YEAR, top_admitted_outside=14)  # 10% → 14%
    found = violations("HS-OUTFLOW")
    assert codes(found) == {"530423"} and found[0].subject == "students" and "14.0%" in found[0].message_zh
    record_outflow(city.county_b, YEAR, teachers_to_city=2)  # teachers fall 1% → 0.7%: students still 10%
    assert violations("HS-OUTFLOW") == []
    city.county_a.talent_outflow.filter(year=YEAR).delete()
    no_data = [f for f in run(rule_ids=["HS-OUTFLOW"]) if f.kind == FindingKind.NO_DATA]
    assert codes(no_data) == {"530402"}


def test_outflow_refuses_more_admitted_outside_than_candidates(city):
    with pytest.raises(ValidationError) as err:
        record_outflow(city.county_a, YEAR + 1, top_admitted_outside=101)
    assert "top_admitted_outside" in err.value.error_dict


def test_three_classrooms_needs_sessions_held(city):
    assert violations("HS-THREE-CLASSROOMS") == []
    a, b = city.institutions["H-A1"], city.institutions["H-B1"]
    duties.record_classroom_pairing(a, b, mode="delivery", school_year=YEAR, sessions=0)
    found = violations("HS-THREE-CLASSROOMS")
    assert codes(found) == {"H-B1"} and "0节" in found[0].message_zh  # paired on paper only
    b.classrooms_received.all().delete()
    assert "没有三个课堂结对" in violations("HS-THREE-CLASSROOMS")[0].message_zh


def test_brand_fee_under_trusteeship_is_flagged_and_costs_are_not(city):
    school = city.institutions["H-B1"]
    duties.record_trusteeship_fee(
        school,
        voucher="V1",
        payee="昆明市第一中学",
        paid_on=dt.date(YEAR, 10, 1),
        amount=Decimal("8000"),
        purpose="training",
    )
    assert violations("HS-TRUSTEESHIP-BRAND-FEE") == []
    duties.record_trusteeship_fee(
        school,
        voucher="V2",
        payee="昆明市第一中学",
        paid_on=dt.date(YEAR, 11, 1),
        amount=Decimal("200000"),
        purpose="brand",
    )
    found = violations("HS-TRUSTEESHIP-BRAND-FEE")
    assert codes(found) == {"H-B1"} and found[0].subject == "V2" and found[0].clause == "HS-2.5"


def test_a_fee_needs_a_trusteeship_on_the_day_it_was_paid(city):
    with pytest.raises(ValidationError) as err:
        duties.record_trusteeship_fee(
            city.institutions["H-A1"],
            voucher="V0",
            payee="某中学",
            paid_on=dt.date(2020, 1, 1),  # before the trusteeship started (2023-03-01)
            amount=Decimal("100"),
            purpose="training",
        )
    assert "institution" in err.value.error_dict
