"""A county officer submits the monthly report after one typo without retyping (issue 23)."""

import pytest

from eduplan.supervision.models import MonthlyReport, ReportState
from tests.browser.conftest import login
from tests.supervision.helpers import GOOD_VALUES, world

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_typo_then_submit_without_retyping(page, live_server):
    world()
    login(page, live_server, "ca")
    page.goto(f"{live_server.url}/office/supervision/reports/?month=2025-03")
    page.click("form.inline button[type=submit]")  # 填报: open the report
    for key, value in GOOD_VALUES.items():
        page.fill(f"input[name=value_{key}]", "3.5" if key == "children_enrolled" else value)
    page.fill("textarea[name=note]", "三月工作按计划推进")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()

    # Everything typed is still there; the message is at the wrong field, reachable from the summary.
    for key, value in GOOD_VALUES.items():
        expected = "3.5" if key == "children_enrolled" else value
        assert page.input_value(f"input[name=value_{key}]") == expected, key
    assert page.input_value("textarea[name=note]") == "三月工作按计划推进"
    field = page.locator("#value_children_enrolled")
    assert field.get_attribute("aria-invalid") == "true"
    assert "应为整数" in page.inner_text("#error_children_enrolled")
    assert "为必填项" not in page.inner_text("main")
    page.click("#form-errors a[href='#value_children_enrolled']")

    # Only the typo is corrected; the report goes through.
    page.fill("#value_children_enrolled", "1200")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    assert "已报送" in page.inner_text("main")
    report = MonthlyReport.objects.get()
    assert report.state == ReportState.SUBMITTED
    assert report.values["children_enrolled"] == 1200 and report.values["hs_students"] == 5000
    assert report.note == "三月工作按计划推进"
