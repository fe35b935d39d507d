"""Annual inspection (PRE-4.2.2 年检, PRE-4.2.4 abuse → fail in principle) and incidents (PRE-5.4
two-year ban on the 普及普惠 application)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from eduplan.common.workflow import TransitionError
from eduplan.supervision import annual, incidents, inspections
from eduplan.supervision.models import AnnualInspection, AnnualResult, AnnualState, CheckResult, IncidentKind

from .helpers import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def abuse_found(w, day=dt.date(2025, 5, 6)):
    inspection = inspections.record_inspection(w.m.kg_a, inspected_on=day, user=w.supervisor)
    inspections.record_check(
        inspection.checklist.get(code="A01"), CheckResult.FAIL, note="体罚幼儿", user=w.supervisor
    )


def test_annual_result_legal_transitions(w):
    row = annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.PASS, reasons="各项达标", user=w.county_a)
    assert row.state == AnnualState.DRAFT
    row = annual.record_annual_result(
        w.m.kg_a, 2025, AnnualResult.BASIC_PASS, reasons="卫生保健待改进", user=w.county_a
    )
    annual.publish_annual_result(row, user=w.county_a)  # draft → published
    assert row.state == AnnualState.PUBLISHED and row.published_by == w.county_a
    assert list(annual.published_annual_results(2025)) == [row]
    with pytest.raises(TransitionError):
        annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.PASS, user=w.county_a)  # published: locked
    with pytest.raises(TransitionError):
        annual.publish_annual_result(row, user=w.county_a)
    annual.retract_annual_result(row, "结论有误", user=w.city)  # published → draft
    assert not annual.published_annual_results(2025).exists()
    with pytest.raises(TransitionError):
        annual.retract_annual_result(row, "again", user=w.city)
    assert row.history.filter(history_change_reason="撤回公布 retracted", history_user=w.city).exists()


def test_abuse_forces_fail_unless_overridden_with_a_reason(w):
    abuse_found(w)
    with pytest.raises(ValidationError, match="fail' in principle"):
        annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.PASS, user=w.county_a)
    row = annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.FAIL, reasons="体罚幼儿", user=w.county_a)
    assert row.abuse_found and row.override_reason == ""
    row = annual.record_annual_result(
        w.m.kg_a,
        2025,
        AnnualResult.BASIC_PASS,
        override_reason="经调查系个人行为,已解聘并整改",
        user=w.county_a,
    )
    assert row.override_reason and row.history.filter(history_change_reason__contains="overridden").exists()
    # Other years are not affected.
    assert not annual.record_annual_result(w.m.kg_a, 2024, AnnualResult.PASS, user=w.county_a).abuse_found
    # The database itself refuses a pass with abuse and no reason.
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualInspection.objects.filter(pk=row.pk).update(override_reason="")


def test_abuse_found_after_recording_blocks_publication(w):
    row = annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.PASS, user=w.county_a)
    abuse_found(w)
    with pytest.raises(ValidationError, match="in principle"):
        annual.publish_annual_result(row, user=w.county_a)
    with pytest.raises(ValidationError):
        annual.publish_annual_results(2025, user=w.city)
    assert not annual.published_annual_results().exists()


def test_annual_permissions(w):
    for user in (w.supervisor, w.principal, w.viewer):
        with pytest.raises(PermissionDenied):
            annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.PASS, user=user)
    with pytest.raises(PermissionDenied):
        annual.record_annual_result(w.m.kg_b, 2025, AnnualResult.PASS, user=w.county_a)
    with pytest.raises(ValidationError, match="not a kindergarten"):
        annual.record_annual_result(w.m.hs_a, 2025, AnnualResult.PASS, user=w.county_a)
    annual.record_annual_result(w.m.kg_a, 2025, AnnualResult.PASS, user=w.county_a)
    annual.record_annual_result(w.m.kg_b, 2025, AnnualResult.PASS, user=w.county_b)
    assert len(annual.publish_annual_results(2025, user=w.county_a)) == 1  # only their county
    assert annual.published_annual_results(2025).get().institution == w.m.kg_a


def test_incident_bans_county_for_two_years(w):
    inc = incidents.record_incident(
        w.m.county_a,
        kind=IncidentKind.SAFETY_ACCIDENT,
        occurred_on=dt.date(2024, 2, 29),
        title="校车事故",
        institution=w.m.kg_a,
        user=w.county_a,
    )
    assert incidents.banned_counties(dt.date(2024, 2, 28)) == {}
    assert incidents.banned_counties(dt.date(2024, 2, 29)) == {"530402": dt.date(2026, 2, 28)}
    assert incidents.banned_counties(dt.date(2026, 2, 27)) == {"530402": dt.date(2026, 2, 28)}
    assert incidents.banned_counties(dt.date(2026, 2, 28)) == {}
    later = incidents.record_incident(
        w.m.county_a,
        kind=IncidentKind.TEACHER_ETHICS,
        occurred_on=dt.date(2025, 6, 1),
        title="师德",
        user=w.city,
    )
    assert incidents.banned_counties(dt.date(2025, 7, 1)) == {"530402": dt.date(2027, 6, 1)}
    with pytest.raises(PermissionDenied):
        incidents.withdraw_incident(later, "误登", user=w.county_a)
    incidents.withdraw_incident(later, "误登", user=w.city)
    assert incidents.banned_counties(dt.date(2025, 7, 1)) == {"530402": dt.date(2026, 2, 28)}
    with pytest.raises(ValidationError, match="already withdrawn"):
        incidents.withdraw_incident(later, "again", user=w.city)
    assert inc.history.count() == 1


def test_incident_validation_and_scope(w):
    with pytest.raises(PermissionDenied):
        incidents.record_incident(
            w.m.county_b,
            kind=IncidentKind.MAJOR_CASE,
            occurred_on=dt.date(2025, 1, 1),
            title="x",
            user=w.county_a,
        )
    with pytest.raises(PermissionDenied):
        incidents.record_incident(
            w.m.county_a,
            kind=IncidentKind.MAJOR_CASE,
            occurred_on=dt.date(2025, 1, 1),
            title="x",
            user=w.supervisor,
        )
    with pytest.raises(ValidationError, match="not in this county"):
        incidents.record_incident(
            w.m.county_a,
            kind=IncidentKind.MAJOR_CASE,
            occurred_on=dt.date(2025, 1, 1),
            title="x",
            institution=w.m.kg_b,
            user=w.city,
        )
    with pytest.raises(ValidationError, match="future"):
        incidents.record_incident(
            w.m.county_a,
            kind=IncidentKind.MAJOR_CASE,
            occurred_on=dt.date.today() + dt.timedelta(days=5),
            title="x",
            user=w.city,
        )
    with pytest.raises(ValidationError, match="not a county"):
        incidents.record_incident(
            w.m.city, kind=IncidentKind.MAJOR_CASE, occurred_on=dt.date(2025, 1, 1), title="x"
        )
    inc = incidents.record_incident(
        w.m.county_a,
        kind=IncidentKind.MAJOR_CASE,
        occurred_on=dt.date(2025, 1, 1),
        title="x",
        user=w.county_a,
    )
    assert incidents.incidents_for(w.county_a).filter(pk=inc.pk).exists()
    assert not incidents.incidents_for(w.county_b).filter(pk=inc.pk).exists()
