"""The officers' siting page (PRE-4.1.1): city officers choose any county, a county officer only
their own (another county is "not found"), other roles get 403 and anonymous visitors the login
page. The page shows the command's numbers, a map fed by a json_script, and the same figures in
tables (useful without JavaScript). The city is ``siting_city`` of ``test_siting_registry.py``."""

from __future__ import annotations

import json
import re

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.planning.scenarios.store import save_scenario
from eduplan.planning.siting.registry import run_county_siting
from eduplan.registry.choices import Role
from tests.planning.test_siting_registry import siting_city  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.planning.urls")]

URL = "/office/planning/siting/"
PASSWORD = "pw-123456"
RUN = {"county": "530403", "year": 2025, "model": "pmedian", "p": 2, "radius": 3, "run": 1}


@pytest.fixture
def users(siting_city):  # noqa: F811
    create_user_with_role("cityo", PASSWORD, Role.CITY_OFFICER, division=siting_city.city)
    create_user_with_role("ca", PASSWORD, Role.COUNTY_OFFICER, division=siting_city.county_a)
    create_user_with_role("cb", PASSWORD, Role.COUNTY_OFFICER, division=siting_city.county_b)
    create_user_with_role("viewer", PASSWORD, Role.VIEWER, division=siting_city.city)
    return siting_city


def map_data(body: str) -> dict:
    found = re.search(r'<script id="siting-map-data" type="application/json">(.*?)</script>', body, re.S)
    assert found, "no map data"
    return json.loads(found.group(1))


def test_city_officer_runs_a_county(client, users):
    client.login(username="cityo", password=PASSWORD)
    page = client.get(URL, RUN)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="error"' not in body
    assert "红塔区" in body and "江川区" in body  # both counties to choose from
    for table in ("summary-table", "zones-table", "trends-table", "demand-table"):
        assert f'id="{table}"' in body, table
    assert "/static/vendor/leaflet/leaflet.js" in body and "/static/vendor/leaflet/leaflet.css" in body
    assert "unpkg" not in body and "cdn" not in body.lower()
    data = map_data(body)
    expected = run_county_siting("530403", 2025, "pmedian", p=2)
    assert sorted(s["id"] for s in data["sites"] if s["state"] == "open") == sorted(
        expected.result.open_sites
    )
    # one place per village or township (parts of a split point merged), lines to its kindergartens
    for demand, site in expected.result.assignment.items():
        place = next(p for p in data["points"] if p["id"] == demand.split("#")[0])
        assert site in place["sites"]
    assert sum(p["children"] for p in data["points"]) == pytest.approx(
        expected.instance.children.sum(), abs=0.5
    )
    assert data["tiles"]["url"] == ""  # no tiles configured: the map draws on a blank background
    assert all(p["lat"] and p["lon"] and p["children"] > 0 for p in data["points"])
    assert " s</td>" in body  # the solver's time


def test_page_shows_closed_and_new_sites_and_the_zone_table(client, users):
    client.login(username="cityo", password=PASSWORD)
    body = client.get(
        URL, {**RUN, "county": "530402", "model": "close", "p": 1, "radius": 2}
    ).content.decode()
    # closing needs seats for everyone, which 红塔区 lacks: the page says so, with the form kept
    assert 'class="error"' in body and "seats" in body and 'name="county"' in body
    body = client.get(URL, {**RUN, "new_sites": 1, "p": 3}).content.decode()
    data = map_data(body)
    states = {s["id"]: s["state"] for s in data["sites"]}
    assert set(states.values()) <= {"open", "closed", "new"}
    assert all(not s.startswith("NEW-") or states[s] == "new" for s in states)


def test_page_tiles_from_settings(client, users, settings):
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "本地底图 local tiles"
    client.login(username="cityo", password=PASSWORD)
    data = map_data(client.get(URL, RUN).content.decode())
    assert data["tiles"] == {"url": "/tiles/{z}/{x}/{y}.png", "attribution": "本地底图 local tiles"}


def test_form_without_run_solves_nothing(client, users):
    client.login(username="cityo", password=PASSWORD)
    body = client.get(URL).content.decode()
    assert 'id="siting-form"' in body and 'id="zones-table"' not in body


def test_scenario_flags_on_the_page(client, users):
    low = {y: 0.0 for y in range(2026, 2031)}
    save_scenario("low", division=users.county_b, births="series", births_series=low, end_year=2030)
    client.login(username="cb", password=PASSWORD)
    body = client.get(URL, {**RUN, "model": "zones", "scenario": "low"}).content.decode()
    assert 'class="error"' not in body
    assert "生源萎缩 empties out" in body and "2030*" in body


def test_county_officer_sees_only_their_county(client, users):
    client.login(username="cb", password=PASSWORD)
    page = client.get(URL, RUN)
    assert page.status_code == 200
    body = page.content.decode()
    assert "江川区" in body and "红塔区" not in body
    assert client.get(URL, {**RUN, "county": "530402"}).status_code == 404
    client.logout()
    client.login(username="ca", password=PASSWORD)
    assert client.get(URL, RUN).status_code == 404


def test_other_roles_refused_and_anonymous_sent_to_login(client, users):
    page = client.get(URL, RUN)
    assert page.status_code == 302 and page["Location"].startswith("/office/login/")
    client.login(username="viewer", password=PASSWORD)
    assert client.get(URL, RUN).status_code == 403


def test_planning_layout_links_to_the_siting_page(client, users):
    client.login(username="cityo", password=PASSWORD)
    assert f'href="{URL}"' in client.get("/office/planning/seats/").content.decode()


def test_too_large_for_the_page_points_to_the_command(client, users, monkeypatch):
    from eduplan.planning.siting import registry as sr

    cfg = sr.siting_defaults()
    monkeypatch.setattr(sr, "siting_defaults", lambda: sr.replace(cfg, page_max_pairs=4))
    monkeypatch.setattr("eduplan.planning.siting.page.siting_defaults", sr.siting_defaults)
    client.login(username="cityo", password=PASSWORD)
    body = client.get(URL, RUN).content.decode()
    assert "eduplan plan site --county 530403" in body and 'class="error"' in body
