"""The monthly report keeps what was typed (issue 23): one invalid value no longer empties the
form; the message sits at its field; what was typed is kept as the officer's draft on the server
until a save succeeds, and only that officer gets it back."""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.accounts.models import FormDraft
from eduplan.supervision import reports
from eduplan.supervision.models import MonthlyReport

from .helpers import GOOD_VALUES, PASSWORD, world

pytestmark = pytest.mark.django_db
BASE = "/office/supervision"


@pytest.fixture
def report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world()
    r = reports.open_monthly_report(w.m.county_a, dt.date(2025, 3, 1), user=w.county_a)
    return w, r


def typed(**changes: str) -> dict[str, str]:
    return {f"value_{k}": v for k, v in GOOD_VALUES.items()} | changes


def test_one_typo_keeps_every_value_and_says_where(client, report):
    w, r = report
    assert client.login(username=w.county_a.username, password=PASSWORD)
    url = f"{BASE}/reports/{r.pk}/"
    response = client.post(url, typed(value_children_enrolled="3.5") | {"action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    # Every value typed is back in its field, the wrong one too.
    for key, value in GOOD_VALUES.items():
        if key != "children_enrolled":
            assert f'name="value_{key}" value="{value}"' in html, key
    assert 'name="value_children_enrolled" value="3.5"' in html
    # The message is at the field, linked to it, and nothing that was filled is called missing.
    assert 'aria-describedby="error_children_enrolled"' in html
    field_error = html.split('id="error_children_enrolled">', 1)[1].split("</span>", 1)[0]
    assert "应为整数" in field_error and "3.5" in field_error
    assert "为必填项" not in html
    r.refresh_from_db()
    assert r.values == {} or "children_enrolled" not in r.values  # nothing of the refused input saved
    # The typed values are the officer's draft: another visit brings them back, only for them.
    again = client.get(url).content.decode()
    assert 'name="value_children_enrolled" value="3.5"' in again and 'id="draft-restored"' in again
    client.logout()
    assert client.login(username=w.county_a2.username, password=PASSWORD)
    other = client.get(url).content.decode()
    assert 'value="3.5"' not in other and 'id="draft-restored"' not in other

    # Corrected, it submits; the draft is gone.
    client.logout()
    assert client.login(username=w.county_a.username, password=PASSWORD)
    client.post(url, typed() | {"action": "submit"})
    r.refresh_from_db()
    assert r.state == "submitted" and r.values["children_enrolled"] == 1200
    assert not FormDraft.objects.filter(key=f"monthly-report:{r.pk}").exists()


def test_submission_problems_are_shown_at_their_fields(client, report):
    w, r = report
    assert client.login(username=w.county_a.username, password=PASSWORD)
    url = f"{BASE}/reports/{r.pk}/"
    client.post(url, typed(value_children_public="1300") | {"action": "submit"})
    assert MonthlyReport.objects.get(pk=r.pk).state == "draft"
    html = client.get(url).content.decode()
    cell = html.split('id="error_children_public">', 1)[1].split("</span>", 1)[0]
    assert "1300" in cell


def test_a_refused_form_comes_back_with_what_was_typed(client, report):
    """Incident form with a wrong date: the title typed is still there, the message at the date."""
    w, _ = report
    assert client.login(username=w.city.username, password=PASSWORD)
    response = client.post(
        f"{BASE}/incidents/",
        {
            "action": "record",
            "county": w.m.county_a.pk,
            "kind": "teacher_ethics",
            "occurred_on": "2025/13/40",
            "title": "某园教师体罚幼儿",
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'value="某园教师体罚幼儿"' in html
    before, after = html.split('name="occurred_on"', 1)
    date_input = after.split(">", 1)[0]
    assert 'aria-invalid="true"' in date_input  # the date field is marked ...
    assert "errorlist" in before.rsplit('name="kind"', 1)[1]  # ... and its message sits just above it
