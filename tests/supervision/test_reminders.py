"""To-do lists and the daily ``eduplan remind`` job: upcoming and missed deadlines per user."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from eduplan.common.todos import todos_for as todo_for
from eduplan.supervision import inspections, rectification, reports
from eduplan.supervision.models import OrderLevel, RectificationOrder

from .helpers import GOOD_VALUES, at, world
from .test_rectification import issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()


def titles(todos):
    return [t.title_zh for t in todos]


def test_county_officer_sees_reports_due_and_missed(w):
    soon = [t for t in todo_for(w.county_a, dt.date(2025, 3, 2)) if "2025年2月" in t.title_zh]
    assert (
        len(soon) == 1
        and soon[0].due_on == dt.date(2025, 3, 5)
        and soon[0].days_left == 3
        and not soon[0].overdue
    )
    # Not yet within the reminder window: March's report (due 2025-04-05) is not listed on 2025-03-02.
    assert not [t for t in todo_for(w.county_a, dt.date(2025, 3, 2)) if "2025年3月" in t.title_zh]
    late = [t for t in todo_for(w.county_a, dt.date(2025, 3, 10)) if "2025年2月" in t.title_zh]
    assert late[0].overdue and late[0].days_left == -5
    assert todo_for(w.county_a, dt.date(2025, 3, 10))[0].overdue  # overdue first
    r = reports.open_monthly_report(w.m.county_a, dt.date(2025, 2, 1), user=w.county_a)
    reports.save_monthly_report(r, values=GOOD_VALUES, user=w.county_a)
    reports.submit_monthly_report(r, user=w.county_a)
    assert not [t for t in todo_for(w.county_a, dt.date(2025, 3, 10)) if "2025年2月" in t.title_zh]
    # The city officer is asked to approve it; county B's officer never sees county A.
    assert any("审核红塔区2025年2月月报" in t for t in titles(todo_for(w.city, dt.date(2025, 3, 10))))
    assert not any("红塔区" in t for t in titles(todo_for(w.county_b, dt.date(2025, 3, 10))))
    reports.return_monthly_report(r, "请补充", user=w.city)
    assert any("被退回" in t for t in titles(todo_for(w.county_a, dt.date(2025, 3, 10))))


def test_rectification_reminders_by_role(w):
    order = issued(w)  # deadline 2025-04-10, kg_a
    principal = todo_for(w.principal, dt.date(2025, 4, 1))
    assert [t.kind for t in principal] == ["order_report"] and principal[0].days_left == 9
    assert todo_for(w.principal_b, dt.date(2025, 4, 1)) == []
    assert [t.kind for t in todo_for(w.county_a, dt.date(2025, 4, 5)) if t.kind.startswith("order")] == [
        "order_due"
    ]
    assert not [
        t for t in todo_for(w.county_a, dt.date(2025, 3, 20)) if t.kind.startswith("order")
    ]  # not yet due soon
    assert any(t.kind == "inspection_open" for t in todo_for(w.supervisor, dt.date(2025, 4, 1)))
    assert [t.kind for t in todo_for(w.supervisor, dt.date(2025, 4, 12)) if t.kind.startswith("order")] == [
        "order_overdue"
    ]
    rectification.escalate_overdue_orders(dt.date(2025, 4, 12))
    city = [t for t in todo_for(w.city, dt.date(2025, 4, 12)) if t.kind == "order_escalated"]
    assert len(city) == 1 and city[0].overdue and order.code in city[0].title_zh
    rectification.report_rectification(order, text="done", user=w.principal)
    assert [t.kind for t in todo_for(w.supervisor, dt.date(2025, 4, 12)) if t.kind.startswith("order")] == [
        "order_verify"
    ]
    assert todo_for(w.viewer, dt.date(2025, 4, 12)) == []


def test_remind_command_lists_and_escalates(w):
    issued(w)
    out, err = io.StringIO(), io.StringIO()
    call_command("remind", "--today", "2025-04-12", "--escalate", "--format", "json", stdout=out, stderr=err)
    assert "escalated to the city: 1" in err.getvalue()
    rows = json.loads(out.getvalue())
    assert {"sup", "pa", "cityo", "ca"} <= {r["user"] for r in rows}
    assert all(set(r) >= {"user", "role", "kind", "due_on", "days_left", "overdue", "title_zh"} for r in rows)
    assert RectificationOrder.objects.get().level == OrderLevel.CITY
    out = io.StringIO()
    call_command("remind", "--today", "2025-04-12", "--user", "pa", stdout=out)
    assert "报送整改情况" in out.getvalue()


def test_open_inspection_listed_until_completed(w):
    inspection = inspections.record_inspection(w.m.kg_a, inspected_on=dt.date(2025, 3, 1), user=w.supervisor)
    assert any(t.kind == "inspection_open" for t in todo_for(w.supervisor, dt.date(2025, 3, 2)))
    for item in inspection.checklist.all():
        inspections.record_check(item, "na", user=w.supervisor, at=at(dt.date(2025, 3, 1)))
    inspections.complete_inspection(inspection, user=w.supervisor)
    assert not any(t.kind == "inspection_open" for t in todo_for(w.supervisor, dt.date(2025, 3, 2)))
