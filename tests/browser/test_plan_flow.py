"""In a real browser: a city officer confirms the notice's criticism rule on the assumptions page
and the notice turns from 依据待确认 into a criticism; a finding's 依据 link explains it (issue 17)."""

import io

import pytest
from docx import Document

from tests.browser.conftest import login
from tests.supervision.helpers import world

pytestmark = pytest.mark.django_db(transaction=True)


def _notice_text(page, live_server) -> str:
    response = page.request.get(f"{live_server.url}/office/supervision/notices/monthly/?month=2025-03")
    assert response.ok, response.status
    doc = Document(io.BytesIO(response.body()))
    return "\n".join(p.text for p in doc.paragraphs)


def test_confirming_the_criticism_rule_turns_the_notice_into_a_criticism(page, live_server):
    from eduplan.registry import actions

    w = world()
    actions.record_class(
        w.m.kg_a, school_year=2024, name="大一班", age_group="large", boys=20, girls=10, age_5=30
    )
    login(page, live_server, "cityo")
    before = _notice_text(page, live_server)
    assert "依据待确认" in before and "予以通报批评" not in before  # late reports, but the rule is ours

    page.goto(f"{live_server.url}/office/plan/assumptions/")
    row = page.locator("tr#notice-criticism-threshold")
    assert "依据待确认" in row.inner_text()
    row.locator("input[name=reason]").fill("市局办公会审定通报规则")
    row.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    assert "依据待确认" not in page.locator("tr#notice-criticism-threshold").inner_text()

    after = _notice_text(page, live_server)
    assert "予以通报批评" in after and "通报规则尚未经市级确认" not in after


def test_a_findings_basis_link_leads_to_its_explanation(page, live_server):
    from eduplan.registry import actions

    w = world()
    actions.record_class(w.m.kg_a, school_year=2024, name="小一班", age_group="small", boys=20, girls=12)
    login(page, live_server, "cityo")
    page.goto(f"{live_server.url}/office/findings/?rule=KG-CLASS-SIZE")
    page.locator("a.basis").first.click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "公式或规则" in text and "PRE-4.1.2" in text and "KG-CLASS-SIZE" in page.url
