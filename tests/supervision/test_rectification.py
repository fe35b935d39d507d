"""Inspections → findings → rectification orders (PRE-4.2.4 限期整改, PRE-4.2.3 重大隐患督办,
HS-3.3): every legal transition, every illegal one refused, who may act, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.common.workflow import TransitionError
from eduplan.supervision import inspections, rectification
from eduplan.supervision.models import (
    CheckResult,
    FindingCategory,
    FindingSource,
    InspectionState,
    OrderLevel,
    OrderState,
    RectificationOrder,
)

from .helpers import at, world

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 10)


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()


def open_inspection(w):
    return inspections.record_inspection(w.m.kg_a, inspected_on=DAY, user=w.supervisor)


def failed_finding(w, code: str = "S01", note: str = "夜间无保安"):
    inspection = open_inspection(w)
    item = inspection.checklist.get(code=code)
    inspections.record_check(item, CheckResult.FAIL, note=note, user=w.supervisor, at=at(DAY))
    return inspection, item.findings.get()


def issued(w, **kw) -> RectificationOrder:
    _, finding = failed_finding(w)
    return rectification.issue_rectification_order(
        finding,
        responsible_person="王园长",
        deadline=dt.date(2025, 4, 10),
        user=w.supervisor,
        at=at(DAY),
        **kw,
    )


def test_checklist_comes_from_safety_items_and_rules(w):
    inspection = open_inspection(w)
    codes = list(inspection.checklist.values_list("code", flat=True))
    assert {"S01", "S05", "S06", "S10", "A01"} <= set(codes)  # PRE-4.2.3 safety, abuse line
    assert "S13" not in codes  # high-school-only line
    hs = inspections.record_inspection(w.m.hs_a, inspected_on=DAY, user=w.county_a)
    assert hs.checklist.filter(code="S13").exists() and not hs.checklist.filter(code="S10").exists()
    if inspections.rules_available():
        assert "R:KG-NAME" in codes and "R:SAFETY-ITEMS" in codes and "R:HS-BIG-CLASS" not in codes
        hs_codes = set(hs.checklist.values_list("code", flat=True))
        assert "R:HS-BIG-CLASS" in hs_codes and "R:KG-NAME" not in hs_codes


def test_failed_line_becomes_finding_and_reset_removes_it(w):
    inspection, finding = failed_finding(w)
    assert finding.source == FindingSource.CHECKLIST and finding.category == FindingCategory.SAFETY
    assert finding.clause == "PRE-4.2.3" and "夜间无保安" in finding.message_zh
    item = finding.checklist_item
    inspections.record_check(item, CheckResult.PASS, user=w.supervisor)
    assert not inspection.findings.exists()
    hazard = inspection.checklist.get(code="S06")  # dangerous buildings: a major hazard
    inspections.record_check(hazard, CheckResult.FAIL, user=w.supervisor)
    assert hazard.findings.get().category == FindingCategory.MAJOR_HAZARD


def test_inspection_is_locked_once_completed(w):
    inspection = open_inspection(w)
    with pytest.raises(ValidationError, match="not checked yet"):
        inspections.complete_inspection(inspection, user=w.supervisor)
    for item in inspection.checklist.all():
        inspections.record_check(item, CheckResult.PASS, user=w.supervisor)
    inspections.complete_inspection(inspection, summary="总体良好", user=w.supervisor)
    assert inspection.state == InspectionState.COMPLETED
    with pytest.raises(TransitionError):
        inspections.add_finding(inspection, message_zh="补记", user=w.supervisor)
    with pytest.raises(TransitionError):
        inspections.record_check(inspection.checklist.first(), CheckResult.FAIL, user=w.supervisor)
    with pytest.raises(TransitionError):
        inspections.complete_inspection(inspection, user=w.supervisor)


def test_who_may_inspect(w):
    with pytest.raises(PermissionDenied, match="assigned"):
        inspections.record_inspection(w.m.kg_b, inspected_on=DAY, user=w.supervisor)  # not assigned to them
    for user in (w.principal, w.viewer):
        with pytest.raises(PermissionDenied):
            inspections.record_inspection(w.m.kg_a, inspected_on=DAY, user=user)
    with pytest.raises(PermissionDenied):
        inspections.record_inspection(w.m.kg_b, inspected_on=DAY, user=w.county_a)
    inspection = open_inspection(w)
    with pytest.raises(PermissionDenied):
        inspections.add_finding(inspection, message_zh="x", user=w.county_b)


class FakeRuleFinding:
    """The shape of ``eduplan.rules.findings.RuleFinding`` (the fields the confirmation copies)."""

    def __init__(self, **kw):
        self.__dict__.update(
            dict(
                rule="KG-SAFETY-01",
                clause="PRE-4.2.3",
                severity="high",
                entity_type="institution",
                entity_code="K1",
                entity_name="玉兴街道中心幼儿园",
                division="530402",
                division_name="红塔区",
                message_zh="未配备一键报警装置",
                message_en="no one-key alarm",
                measured=False,
                required=True,
                standard="玉教体联〔2022〕26号",
                subject="one_key_alarm",
                kind="violation",
            )
        )
        self.__dict__.update(kw)


def test_confirming_an_automatic_finding_copies_its_fields(w):
    inspection = open_inspection(w)
    found = inspections.confirm_automatic_finding(
        inspection, FakeRuleFinding(), major_hazard=True, user=w.supervisor
    )
    assert found.source == FindingSource.AUTOMATIC and found.category == FindingCategory.MAJOR_HAZARD
    assert (found.rule, found.clause, found.severity, found.subject) == (
        "KG-SAFETY-01",
        "PRE-4.2.3",
        "high",
        "one_key_alarm",
    )
    assert (found.measured, found.required, found.message_en) == (False, True, "no one-key alarm")
    with pytest.raises(ValidationError, match="another entity"):
        inspections.confirm_automatic_finding(
            inspection, FakeRuleFinding(entity_code="K2", entity_name="x"), user=w.supervisor
        )


def test_every_legal_order_transition(w, django_user_model):
    order = issued(w)
    assert (order.state, order.level, order.responsible_person) == (
        OrderState.ISSUED,
        OrderLevel.COUNTY,
        "王园长",
    )
    assert order.code.startswith("ZG530402-2025-")
    rectification.extend_rectification_deadline(
        order, dt.date(2025, 4, 20), "施工期", user=w.county_a
    )  # issued → issued
    photo = SimpleUploadedFile("保安上岗.jpg", b"\xff\xd8fake-jpeg", content_type="image/jpeg")
    report = rectification.report_rectification(
        order, text="已聘请专职保安", files=[photo], user=w.principal
    )  # → reported
    assert order.state == OrderState.REPORTED and report.attachments.get().name == "保安上岗.jpg"
    rectification.reject_rectification(order, "夜班仍无人", user=w.supervisor)  # reported → reopened
    rectification.extend_rectification_deadline(
        order, dt.date(2025, 5, 1), "招聘中", user=w.county_a
    )  # reopened → reopened
    rectification.escalate_rectification_order(order, user=w.city)  # reopened: level → city
    rectification.report_rectification(order, text="夜班已安排", user=w.principal)  # reopened → reported
    rectification.verify_rectification(order, note="复查合格", user=w.supervisor)  # reported → closed
    assert (
        order.state == OrderState.CLOSED
        and order.verified_by == w.supervisor
        and order.level == OrderLevel.CITY
    )
    events = list(order.events.values_list("action", "from_state", "to_state", "actor__username"))
    assert events == [
        ("issue", "", "issued", "sup"),
        ("extend", "issued", "issued", "ca"),
        ("report", "issued", "reported", "pa"),
        ("reject", "reported", "reopened", "sup"),
        ("extend", "reopened", "reopened", "ca"),
        ("escalate", "reopened", "reopened", "cityo"),
        ("report", "reopened", "reported", "pa"),
        ("verify", "reported", "closed", "sup"),
    ]
    # issued → cancelled and reopened → cancelled
    second = issued(w)
    rectification.cancel_rectification_order(second, "误报", user=w.county_a)
    assert second.state == OrderState.CANCELLED
    third = issued(w)
    rectification.report_rectification(third, text="done", user=w.principal)
    rectification.reject_rectification(third, "not done", user=w.supervisor)
    rectification.cancel_rectification_order(third, "撤并", user=w.city)
    assert third.state == OrderState.CANCELLED


ORDER_ACTIONS = {
    "report": lambda o: rectification.report_rectification(o, text="done"),
    "verify": lambda o: rectification.verify_rectification(o),
    "reject": lambda o: rectification.reject_rectification(o, "no"),
    "cancel": lambda o: rectification.cancel_rectification_order(o, "no"),
    "extend": lambda o: rectification.extend_rectification_deadline(o, dt.date(2030, 1, 1), "more time"),
    "escalate": lambda o: rectification.escalate_rectification_order(o),
}


def order_in(w, state: str) -> RectificationOrder:
    o = issued(w)
    if state in (OrderState.REPORTED, OrderState.REOPENED, OrderState.CLOSED):
        rectification.report_rectification(o, text="done", user=w.principal)
    if state == OrderState.REOPENED:
        rectification.reject_rectification(o, "no", user=w.supervisor)
    if state == OrderState.CLOSED:
        rectification.verify_rectification(o, user=w.supervisor)
    if state == OrderState.CANCELLED:
        rectification.cancel_rectification_order(o, "no", user=w.county_a)
    assert o.state == state
    return o


@pytest.mark.parametrize("state", [s.value for s in OrderState])
@pytest.mark.parametrize("action", list(ORDER_ACTIONS))
def test_order_state_machine_refuses_every_illegal_transition(w, state, action):
    o = order_in(w, state)
    if (state, action) in rectification.TRANSITIONS:
        ORDER_ACTIONS[action](o)
        return
    with pytest.raises(TransitionError):
        ORDER_ACTIONS[action](o)
    o.refresh_from_db()
    assert o.state == state


def test_closing_without_verification_is_impossible(w):
    o = issued(w)
    with pytest.raises(TransitionError, match="verify and close"):
        rectification.verify_rectification(o, user=w.supervisor)
    assert RectificationOrder.objects.get(pk=o.pk).state == OrderState.ISSUED


def test_who_may_act_on_orders(w):
    o = issued(w)
    for user in (w.supervisor, w.principal_b, w.viewer, w.county_b):
        with pytest.raises(PermissionDenied):
            rectification.report_rectification(o, text="x", user=user)
    rectification.report_rectification(o, text="整改完毕", user=w.principal)
    for user in (w.principal, w.county_b, w.viewer):
        with pytest.raises(PermissionDenied):
            rectification.verify_rectification(o, user=user)
    # The county officer who reported on the institution's behalf cannot verify it.
    o2 = issued(w)
    rectification.report_rectification(o2, text="代报", user=w.county_a)
    with pytest.raises(PermissionDenied, match="reported yourself"):
        rectification.verify_rectification(o2, user=w.county_a)
    rectification.verify_rectification(o2, user=w.county_a2)
    with pytest.raises(PermissionDenied):
        rectification.escalate_rectification_order(issued(w), user=w.county_a)
    with pytest.raises(PermissionDenied):
        rectification.cancel_rectification_order(issued(w), "x", user=w.supervisor)


def test_order_needs_responsible_person_and_future_deadline(w):
    _, finding = failed_finding(w)
    with pytest.raises(ValidationError, match="responsible"):
        rectification.issue_rectification_order(
            finding, responsible_person=" ", user=w.supervisor, at=at(DAY)
        )
    with pytest.raises(ValidationError, match="deadline"):
        rectification.issue_rectification_order(
            finding, responsible_person="王", deadline=DAY, user=w.supervisor, at=at(DAY)
        )
    o = rectification.issue_rectification_order(
        finding, responsible_person="王", user=w.supervisor, at=at(DAY)
    )
    assert o.deadline == DAY + dt.timedelta(days=30)  # [rectification] default_days
    with pytest.raises(ValidationError, match="already issued"):
        rectification.issue_rectification_order(finding, responsible_person="王", user=w.supervisor)


def test_evidence_files_are_checked(w):
    o = issued(w)
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="file type not accepted"):
        rectification.report_rectification(o, text="x", files=[bad], user=w.principal)
    assert o.state == OrderState.ISSUED and not o.reports.exists()


def test_major_hazard_is_tracked_by_the_city_at_once(w):
    inspection, _ = failed_finding(w)
    item = inspection.checklist.get(code="S07")
    inspections.record_check(item, CheckResult.FAIL, user=w.supervisor)
    o = rectification.issue_rectification_order(
        item.findings.get(), responsible_person="王", user=w.supervisor, at=at(DAY)
    )
    assert o.level == OrderLevel.CITY and o.deadline == DAY + dt.timedelta(days=7)


def test_overdue_orders_escalate_daily(w):
    o = issued(w)  # deadline 2025-04-10
    reported = issued(w)
    rectification.report_rectification(reported, text="done", user=w.principal)
    assert rectification.escalate_overdue_orders(dt.date(2025, 4, 10)) == []
    assert list(rectification.overdue_orders(w.county_a, dt.date(2025, 4, 11))) == [o]
    assert not rectification.overdue_orders(w.county_b, dt.date(2025, 4, 11)).exists()
    done = rectification.escalate_overdue_orders(dt.date(2025, 4, 11))
    assert done == [o]
    o.refresh_from_db()
    assert o.level == OrderLevel.CITY and o.events.filter(action="escalate", actor__isnull=True).exists()
    assert rectification.escalate_overdue_orders(dt.date(2025, 4, 12)) == []  # once only
    assert o.days_overdue(dt.date(2025, 4, 15)) == 5


def test_automatic_findings_from_the_rules_catalogue(w):
    from eduplan.registry import actions

    actions.rename_institution(w.m.kg_a, "玉兴国际双语幼儿园", on=dt.date(2024, 1, 1))
    inspection = open_inspection(w)
    assert inspections.rules_available()
    assert inspection.checklist.filter(code="R:KG-NAME").exists()
    found = [f for f in inspections.automatic_findings(inspection, user=w.supervisor) if f.rule == "KG-NAME"]
    assert len(found) == 2 and all(f.entity_code == "K1" for f in found)
    confirmed = inspections.confirm_automatic_finding(inspection, found[0], user=w.supervisor)
    assert (confirmed.rule, confirmed.clause, confirmed.message_zh) == (
        "KG-NAME",
        "PRE-4.2.4",
        found[0].message_zh,
    )
    left = [inspections.finding_key(f) for f in inspections.automatic_findings(inspection, user=w.supervisor)]
    assert inspections.finding_key(found[0]) not in left and inspections.finding_key(found[1]) in left
    order = rectification.issue_rectification_order(
        confirmed, responsible_person="园长", user=w.supervisor, at=at(DAY)
    )
    assert order.finding.source == FindingSource.AUTOMATIC
