"""The supervision pages (Django test client): a monthly report submitted, returned and approved;
the rectification loop end to end; scope (404 outside it) and refusals shown as messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.supervision.models import (
    Inspection,
    MonthlyReport,
    Notice,
    OrderState,
    RectificationOrder,
    ReportState,
)

from .helpers import GOOD_VALUES, PASSWORD, world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.supervision.urls")]
BASE = "/office/supervision"


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(response) -> str:
    return response.content.decode()


def test_monthly_report_submit_return_approve(client, w):
    login(client, w.county_a)
    listing = page(client.get(f"{BASE}/reports/", {"month": "2025-03"}))
    assert "红塔区" in listing and "江川区" not in listing
    opened = client.post(f"{BASE}/reports/open/530402/2025-03/")
    report = MonthlyReport.objects.get()
    assert opened.status_code == 302 and opened["Location"].endswith(f"/reports/{report.pk}/")
    url = f"{BASE}/reports/{report.pk}/"
    bad = {f"value_{k}": v for k, v in GOOD_VALUES.items()} | {
        "value_children_public": "1300",
        "action": "submit",
    }
    shown = page(client.post(url, bad, follow=True))
    assert "公办园在园幼儿数不能超过在园幼儿总数" in shown  # refused, with the rule, on the page
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.values["children_public"] == 1300  # saved as a draft
    good = {f"value_{k}": v for k, v in GOOD_VALUES.items()} | {
        "status_PRE-4.1.2": "in_progress",
        "progress_PRE-4.1.2": "新建幼儿园2所",
        "note": "本月推进顺利",
        "action": "submit",
    }
    assert "已报送" in page(client.post(url, good, follow=True))
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    # The county officer cannot approve their own report: the page says why.
    refused = page(client.post(url, {"action": "approve"}, follow=True))
    assert "only the city bureau" in refused
    assert MonthlyReport.objects.get().state == ReportState.SUBMITTED

    login(client, w.city)
    detail = page(client.get(url))
    assert "审核通过" in detail and "新建幼儿园2所" in detail
    client.post(url, {"action": "return", "reason": "请核对在建幼儿园数"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    login(client, w.county_a)
    detail = page(client.get(url))
    assert "请核对在建幼儿园数" in detail
    client.post(url, {"value_kindergartens_under_construction": "3", "action": "submit"})
    login(client, w.city)
    client.post(url, {"action": "approve"})
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.values["kindergartens_under_construction"] == 3

    login(client, w.county_a)
    locked = page(client.post(url, {"value_new_seats_ytd": "1", "action": "save"}, follow=True))
    assert "cannot edit" in locked
    assert MonthlyReport.objects.get().values["new_seats_ytd"] == 90
    # Another county's officer cannot even open it.
    login(client, w.county_b)
    assert client.get(url).status_code == 404


def test_rectification_loop_end_to_end(client, w):
    login(client, w.supervisor)
    created = client.post(
        f"{BASE}/inspections/", {"institution": w.m.kg_a.pk, "inspected_on": "2025-03-10", "kind": "routine"}
    )
    inspection = Inspection.objects.get()
    assert created["Location"].endswith(f"/inspections/{inspection.pk}/")
    url = f"{BASE}/inspections/{inspection.pk}/"
    line = inspection.checklist.get(code="S01")
    client.post(url, {"action": "checklist", f"result_{line.pk}": "fail", f"note_{line.pk}": "夜间无保安"})
    finding = inspection.findings.get()
    assert "夜间无保安" in page(client.get(url))
    client.post(
        url,
        {"action": "order", "finding": finding.pk, "responsible_person": "王园长", "deadline": "2030-04-10"},
    )
    order = RectificationOrder.objects.get()
    order_url = f"{BASE}/orders/{order.pk}/"

    login(client, w.principal)
    assert order.code in page(client.get(f"{BASE}/"))  # on the principal's to-do list
    photo = SimpleUploadedFile("保安.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    client.post(order_url, {"action": "report", "text": "已聘专职保安", "files": [photo]})
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED
    # The principal cannot close their own order.
    assert "verifies" in page(client.post(order_url, {"action": "verify"}, follow=True))

    login(client, w.supervisor)
    detail = page(client.get(order_url))
    assert "已聘专职保安" in detail and "保安.jpg" in detail
    client.post(order_url, {"action": "reject", "reason": "夜班仍无人"})
    order.refresh_from_db()
    assert order.state == OrderState.REOPENED

    login(client, w.principal)
    assert "夜班仍无人" in page(client.get(order_url))
    client.post(order_url, {"action": "report", "text": "夜班已排班"})
    login(client, w.supervisor)
    client.post(order_url, {"action": "verify", "note": "复查合格"})
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    assert [e.action for e in order.events.all()] == ["issue", "report", "reject", "report", "verify"]

    attachment = order.reports.first().attachments.get()
    login(client, w.principal)
    assert client.get(f"{BASE}/attachments/{attachment.pk}/").status_code == 200
    login(client, w.principal_b)
    assert client.get(f"{BASE}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(order_url).status_code == 404


@pytest.mark.parametrize("who", ["county_a", "city", "supervisor", "principal", "viewer"])
def test_every_page_answers_for_every_role(client, w, who):
    login(client, getattr(w, who))
    for path in (
        "/",
        "/reports/",
        "/inspections/",
        "/orders/?state=overdue",
        "/annual/",
        "/incidents/",
        "/notices/",
    ):
        response = client.get(f"{BASE}{path}")
        assert response.status_code == 200, path
        assert "督导总览" in page(response)


def test_pages_need_login(client, w):
    assert client.get(f"{BASE}/").status_code == 302


def test_annual_and_incident_pages(client, w):
    login(client, w.county_a)
    client.post(
        f"{BASE}/annual/",
        {"action": "record", "institution": w.m.kg_a.pk, "year": 2025, "result": "pass", "reasons": "达标"},
    )
    shown = page(client.get(f"{BASE}/annual/", {"year": 2025}))
    assert "玉兴街道中心幼儿园" in shown and "待公布" in shown
    client.post(f"{BASE}/annual/?year=2025", {"action": "publish_all"})
    assert "已公布" in page(client.get(f"{BASE}/annual/", {"year": 2025}))
    client.post(
        f"{BASE}/incidents/",
        {
            "action": "record",
            "county": w.m.county_a.pk,
            "kind": "major_case",
            "occurred_on": "2025-01-05",
            "title": "重大案件",
        },
    )
    shown = page(client.get(f"{BASE}/incidents/"))
    assert "重大案件" in shown and "限制至 2027-01-05" in shown


@pytest.mark.django_db(transaction=True)  # the indicator engine commits on its connection
def test_notice_download_for_city_officers_only(client, w):
    login(client, w.county_a)
    assert client.get(f"{BASE}/notices/monthly/", {"month": "2025-03"}).status_code == 403
    login(client, w.city)
    # No classes or population yet: the page says so instead of printing an empty notice.
    assert "no indicator data" in page(
        client.get(f"{BASE}/notices/monthly/", {"month": "2025-03"}, follow=True)
    )
    from eduplan.registry import actions

    actions.record_class(
        w.m.kg_a, school_year=2024, name="大一班", age_group="large", boys=20, girls=10, age_5=30
    )
    response = client.get(f"{BASE}/notices/monthly/", {"month": "2025-03"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    xlsx = client.get(f"{BASE}/notices/monthly/", {"month": "2025-03", "format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    issued = client.post(f"{BASE}/notices/monthly/", {"month": "2025-03", "issue": "1"})
    assert issued.status_code == 200 and issued["Content-Disposition"].endswith('.docx"')
    notice = Notice.objects.get()
    assert notice.number.endswith("〕1号") and notice.issued_by == w.city


def test_confirming_an_automatic_finding_on_the_page(client, w):
    from eduplan.registry import actions
    from eduplan.supervision.inspections import automatic_findings, finding_key

    actions.rename_institution(w.m.kg_a, "玉兴国际幼儿园", on=dt.date(2024, 1, 1))
    login(client, w.supervisor)
    client.post(
        f"{BASE}/inspections/", {"institution": w.m.kg_a.pk, "inspected_on": "2025-03-10", "kind": "routine"}
    )
    inspection = Inspection.objects.get()
    url = f"{BASE}/inspections/{inspection.pk}/"
    shown = page(client.get(url))
    assert "禁用词" in shown  # the rules' finding, waiting for confirmation
    key = next(
        finding_key(f) for f in automatic_findings(inspection, user=w.supervisor) if f.rule == "KG-NAME"
    )
    client.post(url, {"action": "confirm", "key": key, "major_hazard": ""})
    assert inspection.findings.get().rule == "KG-NAME"
    assert "no longer reported" in page(client.post(url, {"action": "confirm", "key": key}, follow=True))


def test_a_checklist_is_saved_whole_or_not_at_all(client, w):
    """One refused line (an unknown result) keeps every line of the submitted checklist as it was:
    no half-saved checklist, no finding from the good line, and the refusal shown on the page."""
    login(client, w.supervisor)
    client.post(
        f"{BASE}/inspections/", {"institution": w.m.kg_a.pk, "inspected_on": "2025-03-10", "kind": "routine"}
    )
    inspection = Inspection.objects.get()
    url = f"{BASE}/inspections/{inspection.pk}/"
    lines = list(inspection.checklist.all())
    good, bad = lines[0], lines[-1]
    before = {line.pk: (line.result, line.note) for line in lines}
    response = client.post(
        url,
        {
            "action": "checklist",
            f"result_{good.pk}": "fail",
            f"note_{good.pk}": "夜间无保安",
            f"result_{bad.pk}": "maybe",
            f"note_{bad.pk}": "",
        },
        follow=True,
    )
    assert "未知检查结果" in page(response)
    assert {line.pk: (line.result, line.note) for line in inspection.checklist.all()} == before
    assert not inspection.findings.exists()
    # The same checklist without the bad line is saved whole.
    client.post(url, {"action": "checklist", f"result_{good.pk}": "fail", f"note_{good.pk}": "夜间无保安"})
    assert inspection.checklist.get(pk=good.pk).result == "fail"
    assert inspection.findings.count() == 1
