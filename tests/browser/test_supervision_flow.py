"""In a real browser: a county submits its monthly report, the city returns it with a reason, the
county resubmits and the city approves (PRE-5.4); then the rectification loop from finding to
verified closure (PRE-4.2.4)."""

import datetime as dt

import pytest

from eduplan.supervision.models import MonthlyReport, OrderState, RectificationOrder, ReportState
from tests.browser.conftest import login
from tests.supervision.helpers import GOOD_VALUES, world

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/office/supervision"


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_monthly_report_submit_return_approve(page, live_server):
    world()
    _sign_in(page, live_server, "ca")
    page.goto(f"{live_server.url}{BASE}/reports/?month=2025-03")
    page.click("form.inline button[type=submit]")  # 填报: open the report
    for key, value in GOOD_VALUES.items():
        page.fill(f"input[name=value_{key}]", value)
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    assert "已报送" in page.inner_text("main")
    report = MonthlyReport.objects.get()
    assert report.state == ReportState.SUBMITTED

    _sign_in(page, live_server, "cityo")
    page.goto(f"{live_server.url}{BASE}/reports/{report.pk}/")
    page.fill("#return-reason", "请核对在建幼儿园数")
    page.click("button[name=action][value=return]")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    _sign_in(page, live_server, "ca")
    page.goto(f"{live_server.url}{BASE}/reports/{report.pk}/")
    assert "请核对在建幼儿园数" in page.inner_text("main")
    page.fill("input[name=value_kindergartens_under_construction]", "3")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()

    _sign_in(page, live_server, "cityo")
    page.goto(f"{live_server.url}{BASE}/reports/{report.pk}/")
    page.click("button[name=action][value=approve]")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert report.values["kindergartens_under_construction"] == 3


def test_rectification_loop(page, live_server):
    from eduplan.supervision import inspections, rectification

    w = world()
    inspection = inspections.record_inspection(w.m.kg_a, inspected_on=dt.date(2025, 3, 10), user=w.supervisor)
    finding = inspections.add_finding(
        inspection, message_zh="一键报警装置损坏", severity="high", user=w.supervisor
    )
    order = rectification.issue_rectification_order(finding, responsible_person="园长", user=w.supervisor)

    _sign_in(page, live_server, "pa")  # the principal reports what was done
    page.goto(f"{live_server.url}{BASE}/orders/{order.pk}/")
    page.fill("form.panel textarea[name=text]", "已更换报警装置并联网测试")
    page.click("form:has(input[name=action][value=report]) button[type=submit]")
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED

    _sign_in(page, live_server, "sup")  # the supervisor verifies and closes it
    page.goto(f"{live_server.url}{BASE}/orders/{order.pk}/")
    assert "已更换报警装置并联网测试" in page.inner_text("main")
    page.click("form:has(input[name=action][value=verify]) button[type=submit]")
    page.wait_for_load_state()
    assert RectificationOrder.objects.get(pk=order.pk).state == OrderState.CLOSED
