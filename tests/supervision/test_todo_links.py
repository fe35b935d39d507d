"""No dead end on the to-do list (issue 23): every link a county officer's to-do list offers answers
a GET with a page (the monthly-report links answered HTTP 405), and the rectification buttons are
offered only to whom the action would accept (the reporter was offered "复查通过" and refused)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.common.todos import todos_for as todo_for
from eduplan.supervision import rectification
from eduplan.supervision.models import MonthlyReport, OrderState

from .helpers import world
from .test_rectification import issued
from .test_views import login

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.supervision.urls")]


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()


def test_every_todo_link_of_a_county_officer_answers_200(client, w):
    today = dt.date(2025, 7, 10)
    rectification_order = issued(w)  # kg_a, deadline 2025-04-10: overdue, on county A's list
    todos = todo_for(w.county_a, today)
    kinds = {t.kind for t in todos}
    assert {"monthly_report", "order_due"} <= kinds
    reports_due = [t for t in todos if t.kind == "monthly_report"]
    assert len(reports_due) >= 6  # January to June 2025, none begun
    login(client, w.county_a)
    for todo in todos:
        assert todo.url, todo
        response = client.get(todo.url, follow=True)
        assert response.status_code == 200, (todo.title_zh, todo.url, response.status_code)
    # The opening page names the county and month and offers the button that begins the report.
    first = reports_due[0]
    shown = client.get(first.url).content.decode()
    assert "红塔区" in shown and "开始填报</button>" in shown and 'method="post"' in shown
    assert MonthlyReport.objects.count() == 0  # a GET begins nothing
    opened = client.post(first.url)
    report = MonthlyReport.objects.get()
    assert opened.status_code == 302 and opened["Location"].endswith(f"/reports/{report.pk}/")
    # Once begun, the same link goes to the report itself.
    again = client.get(first.url)
    assert again.status_code == 302 and again["Location"].endswith(f"/reports/{report.pk}/")
    assert rectification_order.pk


def test_opening_page_offers_no_button_to_whom_may_not_report(client, w):
    login(client, w.city)
    shown = client.get("/office/supervision/reports/open/530402/2025-03/")
    assert shown.status_code == 200
    assert "开始填报</button>" not in shown.content.decode()
    login(client, w.county_b)  # another county: not in scope
    assert client.get("/office/supervision/reports/open/530402/2025-03/").status_code == 404


def test_verify_button_not_shown_to_who_reported_the_rectification(client, w):
    order = issued(w)
    # A county officer reports the rectification on the institution's behalf …
    photo = SimpleUploadedFile("整改.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    rectification.report_rectification(order, text="已整改", files=[photo], user=w.county_a)
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED
    url = f"/office/supervision/orders/{order.pk}/"
    # … and is not offered "复查通过" (the action would refuse: no one verifies their own report).
    assert "verify" not in rectification.allowed_actions(order, w.county_a)
    login(client, w.county_a)
    assert "复查通过" not in client.get(url).content.decode()
    # The supervisor and another officer of the county are offered it, and it works.
    assert "verify" in rectification.allowed_actions(order, w.county_a2)
    login(client, w.supervisor)
    assert "复查通过" in client.get(url).content.decode()
    client.post(url, {"action": "verify", "note": "复查合格"})
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
