"""Dashboards and the indicator drill-down, computed from a small registry, within scope."""

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    m = mini_city()
    # 2024: county A has 40 children in kindergarten and 50 children aged 3–5 (each single year,
    # both sexes) → gross enrollment 40 / 50 (before the age cut-off shift the engine applies).
    for kg, n in ((m.kg_a, 20), (m.kg_b, 10)):
        actions.record_class(kg, school_year=2024, name="中一班", age_group="middle", boys=n, girls=n)
    for town in (m.town_a, m.town_b):
        for age in range(0, 8):
            for sex in ("M", "F"):
                actions.set_population(
                    town, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=10
                )
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    create_user_with_role("ca", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    return m


def test_city_dashboard_shows_target_cards_and_counties(client, city):
    client.login(username="cityo", password="pw-123456")
    page = client.get("/office/").content.decode()
    assert "学前三年毛入园率" in page and "PRE-T1" in page
    assert "红塔区" in page and "江川区" in page  # tiles and rankings


def test_county_officer_lands_on_own_county_and_cannot_open_another(client, city):
    client.login(username="ca", password="pw-123456")
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].endswith("/office/county/530402/")
    assert client.get("/office/county/530402/").status_code == 200
    assert client.get("/office/county/530403/").status_code == 404
    assert client.get("/office/indicators/preschool_ger/530403/2024/").status_code == 404


def test_drill_down_city_numerator_is_the_sum_of_counties(client, city):
    client.login(username="cityo", password="pw-123456")
    from django.contrib.auth import get_user_model

    from eduplan.web.dashboard import indicator_breakdown

    user = get_user_model().objects.get(username="cityo")
    detail = indicator_breakdown(user, "preschool_ger", "530400", 2024)
    assert detail is not None
    assert detail["record"]["numerator"] == 60  # 40 + 20 children
    assert sum(p["numerator"] for p in detail["parts"]) == detail["record"]["numerator"]
    page = client.get("/office/indicators/preschool_ger/530400/2024/").content.decode()
    assert "红塔区" in page and "江川区" in page


def test_a_user_who_sees_no_county_opens_no_county_figures(client, city):
    """An empty scope is empty: a supervisor with no institutions assigned sees the city aggregate
    as a reference but no county's figures (it used to be read as 'every county')."""
    create_user_with_role("sup0", "pw-123456", Role.SUPERVISOR)
    client.login(username="sup0", password="pw-123456")
    assert client.get("/office/indicators/preschool_ger/530402/2024/").status_code == 404
    assert client.get("/office/indicators/preschool_ger/530403/2024/").status_code == 404
    assert client.get("/office/indicators/preschool_ger/530400/2024/").status_code == 200
