"""Monthly reports (PRE-5.4 月报制): every legal transition, every illegal one refused, who may do
what, validation on submission, deadlines, completeness and timeliness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eduplan.common.workflow import TransitionError
from eduplan.supervision import reports
from eduplan.supervision.models import MonthlyReport, ReportState

from .helpers import GOOD_VALUES, at, world

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)


@pytest.fixture
def w():
    return world()


def make_report(w, state: str, period: dt.date = MARCH, county=None, officer=None) -> MonthlyReport:
    county, officer = county or w.m.county_a, officer or w.county_a
    r = reports.open_monthly_report(county, period, user=officer)
    reports.save_monthly_report(r, values=GOOD_VALUES, user=officer)
    if state == ReportState.DRAFT:
        return r
    reports.submit_monthly_report(r, user=officer, at=at(dt.date(2025, 4, 3)))
    if state == ReportState.RETURNED:
        reports.return_monthly_report(r, "数据有误", user=w.city)
    elif state == ReportState.APPROVED:
        reports.approve_monthly_report(r, user=w.city)
    r.refresh_from_db()
    assert r.state == state
    return r


def test_every_legal_transition_in_order(w):
    r = reports.open_monthly_report(w.m.county_a, MARCH, user=w.county_a)
    assert r.state == ReportState.DRAFT and r.tasks.count() > 10
    reports.save_monthly_report(
        r,
        values=GOOD_VALUES,
        note="推进顺利",
        tasks={"PRE-4.1.2": {"status": "in_progress", "progress": "新建2所"}},
        user=w.county_a,
    )
    reports.submit_monthly_report(r, user=w.county_a)  # draft → submitted
    reports.return_monthly_report(r, "公办园人数与上月不符", user=w.city)  # submitted → returned
    assert r.state == ReportState.RETURNED and r.return_reason == "公办园人数与上月不符"
    reports.save_monthly_report(r, values={"children_public": "710"}, user=w.county_a)  # returned → edit
    reports.submit_monthly_report(r, user=w.county_a)  # returned → submitted
    reports.approve_monthly_report(r, user=w.city)  # submitted → approved
    assert r.locked and r.approved_by == w.city
    reports.unlock_monthly_report(r, "发现录入错误", user=w.city)  # approved → returned
    assert r.state == ReportState.RETURNED and r.approved_by is None
    reports.submit_monthly_report(r, user=w.county_a2)
    reports.approve_monthly_report(r, user=w.city2)
    r.refresh_from_db()
    assert r.state == ReportState.APPROVED
    assert r.values["children_public"] == 710 and r.note == "推进顺利"
    assert r.tasks.get(clause="PRE-4.1.2").progress == "新建2所"
    events = list(r.events.values_list("action", "from_state", "to_state", "actor__username", "reason"))
    assert [e[0] for e in events] == [
        "create",
        "submit",
        "return",
        "submit",
        "approve",
        "unlock",
        "submit",
        "approve",
    ]
    assert events[2] == ("return", "submitted", "returned", "cityo", "公办园人数与上月不符")
    assert events[5] == ("unlock", "approved", "returned", "cityo", "发现录入错误")
    # The history keeps every version with who changed it.
    assert r.history.filter(history_user=w.city, history_change_reason="解锁 unlocked").exists()


ACTIONS = {
    "edit": lambda r, w: reports.save_monthly_report(r, values={"new_seats_ytd": "1"}),
    "submit": lambda r, w: reports.submit_monthly_report(r),
    "approve": lambda r, w: reports.approve_monthly_report(r),
    "return": lambda r, w: reports.return_monthly_report(r, "x"),
    "unlock": lambda r, w: reports.unlock_monthly_report(r, "x"),
}


@pytest.mark.parametrize("state", [s.value for s in ReportState])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_state_machine_refuses_every_illegal_transition(w, state, action):
    r = make_report(w, state)
    legal = (state, action) in reports.TRANSITIONS
    if legal:
        ACTIONS[action](r, w)  # the system (no user) may, if the state allows
        return
    with pytest.raises(TransitionError) as exc:
        ACTIONS[action](r, w)
    assert "/" in str(exc.value)  # Chinese and English
    r.refresh_from_db()
    assert r.state == state


def test_named_illegal_cases(w):
    draft = make_report(w, ReportState.DRAFT)
    with pytest.raises(TransitionError, match="审核通过"):
        reports.approve_monthly_report(draft, user=w.city)  # approving a draft
    locked = make_report(w, ReportState.APPROVED, period=dt.date(2025, 2, 1))
    with pytest.raises(TransitionError, match="cannot edit"):
        reports.save_monthly_report(
            locked, values={"children_enrolled": "1"}, user=w.county_a
        )  # editing a locked report
    locked.refresh_from_db()
    assert locked.values["children_enrolled"] == 1200


def test_county_officer_cannot_approve_own_report(w):
    r = make_report(w, ReportState.SUBMITTED)
    with pytest.raises(PermissionDenied, match="city"):
        reports.approve_monthly_report(r, user=w.county_a)
    with pytest.raises(PermissionDenied):
        reports.return_monthly_report(r, "x", user=w.county_a)
    assert MonthlyReport.objects.get(pk=r.pk).state == ReportState.SUBMITTED


def test_nobody_approves_what_they_submitted(w, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456")
    r = reports.open_monthly_report(w.m.county_a, MARCH, user=admin)
    reports.save_monthly_report(r, values=GOOD_VALUES, user=admin)
    reports.submit_monthly_report(r, user=admin)
    with pytest.raises(PermissionDenied, match="submitted yourself"):
        reports.approve_monthly_report(r, user=admin)
    reports.approve_monthly_report(r, user=w.city)


def test_roles_and_areas(w):
    r = make_report(w, ReportState.DRAFT)
    for outsider in (w.county_b, w.supervisor, w.principal, w.viewer, w.city):
        with pytest.raises(PermissionDenied):
            reports.save_monthly_report(r, values={"new_seats_ytd": "5"}, user=outsider)
    with pytest.raises(PermissionDenied, match="own county"):
        reports.open_monthly_report(w.m.county_b, MARCH, user=w.county_a)
    with pytest.raises(PermissionDenied):
        reports.open_monthly_report(w.m.county_a, dt.date(2025, 4, 1), user=w.city)
    submitted = make_report(w, ReportState.SUBMITTED, period=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        reports.approve_monthly_report(submitted, user=w.viewer)
    # County B's officer does not even see county A's reports.
    assert not reports.reports_for(w.county_b).filter(pk=r.pk).exists()
    assert reports.reports_for(w.city).filter(pk=r.pk).exists()


def test_reasons_are_required(w):
    r = make_report(w, ReportState.SUBMITTED)
    with pytest.raises(ValidationError, match="reason"):
        reports.return_monthly_report(r, "  ", user=w.city)
    reports.approve_monthly_report(r, user=w.city)
    with pytest.raises(ValidationError, match="reason"):
        reports.unlock_monthly_report(r, "", user=w.city)


def test_values_checked_when_saved(w):
    r = make_report(w, ReportState.DRAFT)
    with pytest.raises(ValidationError) as exc:
        reports.save_monthly_report(
            r,
            values={"children_enrolled": "many", "new_seats_ytd": "-4", "hs_big_classes": "2.5", "nope": "1"},
            user=w.county_a,
        )
    text = " ".join(exc.value.messages)
    assert "在园幼儿数" in text and "is not a number" in text
    assert "合理范围" in text and "plausible range" in text
    assert "whole number" in text and "unknown item" in text
    r.refresh_from_db()
    assert r.values["new_seats_ytd"] == 90  # nothing of the refused input was kept


def test_submission_validation_rules(w):
    r = make_report(w, ReportState.DRAFT)
    reports.save_monthly_report(r, values={**GOOD_VALUES, "children_public": "1300"}, user=w.county_a)
    with pytest.raises(ValidationError) as exc:
        reports.submit_monthly_report(r, user=w.county_a)
    text = " ".join(exc.value.messages)
    assert "公办园在园幼儿数不能超过在园幼儿总数" in text and "cannot exceed all children" in text
    assert r.state == ReportState.DRAFT
    reports.save_monthly_report(
        r, values={"children_public": "", "children_inclusive": "900"}, user=w.county_a
    )
    with pytest.raises(ValidationError, match="required"):
        reports.submit_monthly_report(r, user=w.county_a)


def test_large_change_needs_a_comment(w):
    feb = make_report(w, ReportState.APPROVED, period=dt.date(2025, 2, 1))
    assert feb.values["new_seats_ytd"] == 90
    r = make_report(w, ReportState.DRAFT)
    reports.save_monthly_report(r, values={**GOOD_VALUES, "new_seats_ytd": "200"}, user=w.county_a)
    with pytest.raises(ValidationError, match="add a comment"):
        reports.submit_monthly_report(r, user=w.county_a)
    reports.save_monthly_report(r, comments={"new_seats_ytd": "新园开学"}, user=w.county_a)
    reports.submit_monthly_report(r, user=w.county_a)
    assert r.state == ReportState.SUBMITTED


def test_warnings_recorded_not_blocking(w):
    r = make_report(w, ReportState.DRAFT)
    reports.save_monthly_report(
        r,
        values={**GOOD_VALUES, "children_enrolled": "0", "children_public": "0", "children_inclusive": "0"},
        user=w.county_a,
    )
    reports.submit_monthly_report(r, user=w.county_a)
    assert [x["importance"] for x in r.warnings] == ["warning"]


def test_deadlines_and_timeliness(w):
    assert reports.due_date(w.m.county_a, MARCH) == dt.date(2025, 4, 5)
    reports.set_reporting_deadline(
        w.m.city, dt.date(2025, 1, 1), dt.date(2025, 2, 12), reason="春节", user=w.city
    )
    assert reports.due_date(w.m.county_a, dt.date(2025, 1, 1)) == dt.date(2025, 2, 12)
    with pytest.raises(PermissionDenied):
        reports.set_reporting_deadline(w.m.city, MARCH, dt.date(2025, 4, 9), user=w.county_a)

    on_time = reports.open_monthly_report(w.m.county_a, MARCH, user=w.county_a)
    reports.save_monthly_report(on_time, values=GOOD_VALUES, user=w.county_a)
    reports.submit_monthly_report(on_time, user=w.county_a, at=at(dt.date(2025, 4, 5), 23))
    # Returned and resubmitted late: the first submission counts (docs/supervision.md).
    reports.return_monthly_report(on_time, "补充说明", user=w.city)
    reports.submit_monthly_report(on_time, user=w.county_a, at=at(dt.date(2025, 4, 20)))

    before = {r["county"]: r for r in reports.reporting_status(MARCH, as_of=dt.date(2025, 4, 4))}
    assert before["530403"]["timeliness"] == "pending" and not before["530403"]["expected"]
    rows = {r["county"]: r for r in reports.reporting_status(MARCH, as_of=dt.date(2025, 4, 10))}
    assert rows["530402"]["timeliness"] == "on_time"
    assert rows["530403"]["timeliness"] == "overdue" and rows["530403"]["days_late"] == 5

    late = make_report(w, ReportState.DRAFT, county=w.m.county_b, officer=w.county_b)
    reports.save_monthly_report(late, values=GOOD_VALUES, user=w.county_b)
    reports.submit_monthly_report(late, user=w.county_b, at=at(dt.date(2025, 4, 8)))
    rows = {r["county"]: r for r in reports.reporting_status(MARCH, as_of=dt.date(2025, 4, 10))}
    assert rows["530403"]["timeliness"] == "late" and rows["530403"]["days_late"] == 3


def test_completeness_and_rate_indicators(w):
    # Jan: A on time, B missing; Feb: A late, B on time; Mar not yet due on 2025-04-02.
    for county, officer, period, day in (
        (w.m.county_a, w.county_a, dt.date(2025, 1, 1), dt.date(2025, 2, 3)),
        (w.m.county_a, w.county_a, dt.date(2025, 2, 1), dt.date(2025, 3, 9)),
        (w.m.county_b, w.county_b, dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
    ):
        r = reports.open_monthly_report(county, period, user=officer)
        reports.save_monthly_report(r, values=GOOD_VALUES, user=officer)
        reports.submit_monthly_report(r, user=officer, at=at(day))
    rows = {
        r["division"]: r
        for r in reports.completeness([dt.date(2025, m, 1) for m in (1, 2, 3)], as_of=dt.date(2025, 4, 2))
    }
    assert (rows["530402"]["expected"], rows["530402"]["reported"], rows["530402"]["on_time"]) == (2, 2, 1)
    assert rows["530403"]["reporting_rate"] == 50.0 and rows["530403"]["on_time_rate"] == 50.0
    assert (rows["530400"]["expected"], rows["530400"]["reported"], rows["530400"]["on_time"]) == (4, 3, 2)
    records = reports.reporting_indicators(2025, as_of=dt.date(2025, 4, 2))
    city_on_time = next(
        r for r in records if r["division"] == "530400" and r["indicator"] == "monthly_on_time_rate"
    )
    assert (city_on_time["value"], city_on_time["numerator"], city_on_time["denominator"]) == (50.0, 2, 4)
    assert city_on_time["clause"] == "PRE-5.4" and city_on_time["status"] == "off_track"
    # A county officer's rates cover their county only.
    mine = reports.completeness([dt.date(2025, 1, 1)], user=w.county_b, as_of=dt.date(2025, 4, 2))
    assert [r["division"] for r in mine] == ["530403"]
