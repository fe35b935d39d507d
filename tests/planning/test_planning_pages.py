"""Planning pages (PRE-4.1.1): city officers see every county, a county officer only their own,
other roles get 403 and anonymous visitors are sent to the login page. The numbers on a page are
the CLI's (the ``registry_city`` fixture of ``conftest.py``)."""

from __future__ import annotations

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.planning.urls")]

PAGES = ["/office/planning/", "/office/planning/seats/", "/office/planning/allocation/?year=2025"]
PASSWORD = "pw-123456"


@pytest.fixture
def users(registry_city):
    create_user_with_role("cityo", PASSWORD, Role.CITY_OFFICER, division=registry_city.city)
    create_user_with_role("cb", PASSWORD, Role.COUNTY_OFFICER, division=registry_city.county_b)
    create_user_with_role("viewer", PASSWORD, Role.VIEWER, division=registry_city.city)
    create_user_with_role("sup", PASSWORD, Role.SUPERVISOR, supervised=[registry_city.kg_a])
    return registry_city


def test_city_officer_sees_every_county(client, users):
    client.login(username="cityo", password=PASSWORD)
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        assert "红塔区" in body and "江川区" in body, url
        assert 'class="error"' not in body, url
        assert "/static/vendor/plotly/plotly.min.js" in body
        assert "<table" in body  # the chart's numbers, readable without JavaScript


def test_population_page_shows_the_pyramid_numbers(client, users):
    client.login(username="cityo", password=PASSWORD)
    body = client.get("/office/planning/", {"county": "530403", "year": "2030"}).content.decode()
    assert 'id="pyramid-table"' in body and 'data-chart="pyramid"' in body
    assert "江川区 人口金字塔" in body


def test_allocation_page_method_choice(client, users):
    client.login(username="cityo", password=PASSWORD)
    body = client.get(
        "/office/planning/allocation/", {"year": 2025, "method": "uniform", "target": 97}
    ).content.decode()
    assert "统一目标" in body and "97.00" in body and "530400" in body


def test_county_officer_cannot_see_another_county(client, users):
    client.login(username="cb", password=PASSWORD)
    for url in PAGES:
        page = client.get(url, {"county": "530402"})
        assert page.status_code == 200, url
        body = page.content.decode()
        assert "江川区" in body, url
        assert "红塔区" not in body, url
        # the code appears only where the page echoes the request's own URL (the language switch)
        assert "530402" not in body.replace("county=530402", ""), url


def test_county_officer_allocation_hides_city_totals(client, users):
    client.login(username="cb", password=PASSWORD)
    body = client.get("/office/planning/allocation/", {"year": 2025}).content.decode()
    assert 'id="allocation-table"' in body
    # the city target is shown, the city's totals (150 registered children aged 3–5) are not
    assert "96" in body and ">150<" not in body


def test_other_roles_are_refused_and_anonymous_sent_to_login(client, users):
    for username in ("viewer", "sup"):
        client.login(username=username, password=PASSWORD)
        for url in PAGES:
            assert client.get(url).status_code == 403, (username, url)
        client.logout()
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/office/login/"), url
