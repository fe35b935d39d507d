"""The dashboards are cached per scope, language and data version: what users see must still change
the moment the data does, and one user's view must never be served to another scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from eduplan.registry import actions
from eduplan.supervision import periods, reports
from eduplan.web.pagecache import scope_signature
from tests.supervision.helpers import GOOD_VALUES, PASSWORD, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world()
    for kg, n in ((w.m.kg_a, 20), (w.m.kg_b, 10)):
        actions.record_class(kg, school_year=2024, name="中一班", age_group="middle", boys=n, girls=n)
    for town in (w.m.town_a, w.m.town_b):
        for age in range(0, 8):
            for sex in ("M", "F"):
                actions.set_population(
                    town, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=10
                )
    return w


def card_value(page: str, indicator: str) -> str:
    card = re.search(rf'data-indicator="{indicator}".*?<div class="value">([^<]*)<', page, re.S)
    assert card, f"no card for {indicator}"
    return card.group(1).strip()


def test_a_registry_write_shows_at_once_on_the_cached_dashboard(client, w):
    client.login(username="ca", password=PASSWORD)
    before = card_value(client.get("/office/county/530402/").content.decode(), "preschool_ger")
    assert card_value(client.get("/office/county/530402/").content.decode(), "preschool_ger") == before
    actions.record_class(w.m.kg_a, school_year=2024, name="中二班", age_group="middle", boys=10, girls=10)
    after = card_value(client.get("/office/county/530402/").content.decode(), "preschool_ger")
    assert after != before and float(after) > float(before)


def test_a_submitted_report_leaves_the_cached_to_do_list_at_once(client, w):
    today = timezone.localdate()
    last = periods.add_months(periods.month_start(today), -1)
    item = f"红塔区{periods.label_zh(last)}月报"
    client.login(username="ca", password=PASSWORD)
    assert item in client.get("/office/county/530402/").content.decode()
    report = reports.open_monthly_report(w.m.county_a, last, user=w.county_a)
    reports.save_monthly_report(report, values=GOOD_VALUES, user=w.county_a)
    reports.submit_monthly_report(report, user=w.county_a)
    assert item not in client.get("/office/county/530402/").content.decode()
    # … and it lands at once on the city officer's list, who had their page cached before.
    client.logout()
    client.login(username="cityo", password=PASSWORD)
    assert f"审核{item}" in client.get("/office/").content.decode()


def test_each_language_has_its_own_cached_page(client, w):
    client.login(username="ca", password=PASSWORD)
    chinese = client.get("/office/county/530402/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/office/county/530402/").content.decode()
    # The cards come from the cached part of the page: each language gets its own.
    assert "目标 ≥" in chinese and "Target ≥" not in chinese
    assert "Target ≥" in english and "目标 ≥" not in english


def test_cached_parts_are_kept_apart_by_scope(client, w):
    signatures = {
        scope_signature(u) for u in (w.county_a, w.county_b, w.city, w.supervisor, w.principal, w.principal_b)
    }
    assert len(signatures) == 6  # no two of these scopes share a cached page
    assert scope_signature(w.county_a) == scope_signature(w.county_a2)  # the same county shares
    assert scope_signature(w.city) == scope_signature(w.city2)
    # The principal of kg_a opens county A's dashboard after the county officer: the to-do list is
    # the principal's own, not the county officer's cached one.
    client.login(username="ca", password=PASSWORD)
    assert "月报" in client.get("/office/county/530402/").content.decode()
    client.logout()
    client.login(username="pa", password=PASSWORD)
    page = client.get("/office/county/530402/").content.decode()
    assert "月报待报送" not in page


def test_due_dates_in_one_query_match_one_by_one(w, django_assert_max_num_queries):
    months = periods.months_between(dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    reports.set_reporting_deadline(w.m.city, dt.date(2024, 2, 1), dt.date(2024, 3, 15), user=w.city)
    with django_assert_max_num_queries(1):
        batch = reports.due_dates(w.m.county_a, months)
    assert batch == {m: reports.due_date(w.m.county_a, m) for m in months}
    assert batch[dt.date(2024, 2, 1)] == dt.date(2024, 3, 15)
