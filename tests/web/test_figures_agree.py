"""One figure, one value: the county's gross enrollment rate for a school year reads the same on
the city dashboard (grid and ranking), its drill-down, the planning allocation page (last year's
rate), the monthly notice and the API — each at the precision it prints."""

import datetime as dt
import re

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db

IND, COUNTY, YEAR = "preschool_ger", "530402", 2024


@pytest.fixture
def city():
    m = mini_city()
    for kg, n in ((m.kg_a, 20), (m.kg_b, 10)):
        actions.record_class(kg, school_year=YEAR, name="中一班", age_group="middle", boys=n, girls=n)
    for town in (m.town_a, m.town_b):
        for year in (YEAR - 1, YEAR, YEAR + 1):
            for age in range(0, 8):
                for sex in ("M", "F"):
                    for basis in ("resident", "registered"):
                        actions.set_population(
                            town, year=year, age_min=age, age_max=age, sex=sex, basis=basis, count=10 + age
                        )
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    return m


def _number(text: str) -> float:
    match = re.search(r"-?\d+(?:\.\d+)?", text)
    assert match, f"no number in {text!r}"
    return float(match.group())


def test_the_same_indicator_and_year_agree_everywhere(client, city):
    from eduplan.supervision.notices import collect_notice_data, format_value

    client.login(username="cityo", password="pw-123456")
    api = client.get(f"/api/indicators?year={YEAR}&county={COUNTY}&indicator={IND}").json()
    value = next(r["value"] for r in api["items"] if r["division"] == COUNTY)
    assert value is not None

    dashboard = client.get(f"/office/?year={YEAR}").content.decode()
    cell = re.search(
        rf'<tr data-division="{COUNTY}">.*?href="/office/indicators/{IND}/{COUNTY}/{YEAR}/">([^<]+)<',
        dashboard,
        re.S,
    )
    assert cell, "the grid has no cell for the county's enrollment rate"
    assert _number(cell.group(1)) == round(value, 1)
    ranking = re.search(
        rf'href="/office/indicators/{IND}/{COUNTY}/{YEAR}/">([^<]+)</a></td><td class="num" data-sort',
        dashboard,
    )
    assert ranking and _number(ranking.group(1)) == round(value, 1)

    drill = client.get(f"/office/indicators/{IND}/{COUNTY}/{YEAR}/").content.decode()
    shown = re.search(r"<dd><strong>([^<]+)</strong>", drill)
    assert shown and _number(shown.group(1)) == round(value, 1)

    notice = collect_notice_data(dt.date(YEAR + 1, 6, 1), city=city.city)
    record = notice.record(COUNTY, IND)
    assert record is not None and record["year"] == YEAR
    assert _number(format_value(record["value"], "%")) == round(value, 2)

    planning = client.get(f"/office/planning/allocation/?year={YEAR + 1}").content.decode()
    row = re.search(rf'data-division="{COUNTY}".*?data-last-rate="([^"]+)"', planning, re.S)
    assert row, "the allocation page has no row for the county"
    assert round(float(row.group(1)), 1) == round(value, 1)


def test_a_target_reads_the_same_on_every_page_the_notice_and_the_api(client, city):
    """One target, one text (``metrics.figures.target_figure``): a county target of 60 adopted by
    the city is "60" on the county card, the city grid and ranking, the drill-down, the planning
    page's targets in force and in the notice — never "60.0" on one and "60" on another — and 60 in
    the API."""
    from django.contrib.auth import get_user_model

    from eduplan.metrics.figures import target_figure
    from eduplan.metrics.progress import target_label
    from eduplan.planning.allocation import adopt
    from eduplan.planning.allocation.adopted_models import AdoptionOrigin
    from eduplan.supervision.notices import collect_notice_data, format_target

    officer = get_user_model().objects.get(username="cityo")
    adopt.adopt(
        IND,
        YEAR + 1,
        {COUNTY: 60.0},
        user=officer,
        reason="县目标",
        origin=AdoptionOrigin.FILE,
        file_name="targets.xlsx",
    )
    client.login(username="cityo", password="pw-123456")
    api = client.get(f"/api/indicators?year={YEAR}&county={COUNTY}&indicator={IND}").json()
    row = next(r for r in api["items"] if r["division"] == COUNTY)
    assert row["target_origin"] == "adopted" and row["target"] == 60
    shown = target_figure(row["target"])
    assert shown == "60"

    def text(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    county_page = client.get(f"/office/county/{COUNTY}/?year={YEAR}").content.decode()
    card = re.search(rf'data-indicator="{IND}"(.*?)<div class="spark"', county_page, re.S)
    assert card and f"县目标 {shown}%（市分解）" in text(card.group(1))
    dashboard = client.get(f"/office/?year={YEAR}").content.decode()
    cell = re.search(
        rf'href="/office/indicators/{IND}/{COUNTY}/{YEAR}/">[^<]+</a><br><small>([^<]+)</small>', dashboard
    )
    assert cell and cell.group(1).split()[-1] == shown
    assert f"县目标 {shown}%（市分解）" in dashboard  # the ranking's target column
    drill = text(client.get(f"/office/indicators/{IND}/{COUNTY}/{YEAR}/").content.decode())
    assert f"县目标（市分解） {shown}%" in drill
    planning = client.get(f"/office/planning/allocation/?year={YEAR + 1}").content.decode()
    in_force = re.search(
        rf'<td>[^<]*{COUNTY}</td><td class="num">{YEAR + 1}</td><td class="num">([^<]+)</td>', planning
    )
    assert in_force and in_force.group(1) == shown
    notice = collect_notice_data(dt.date(YEAR + 1, 6, 1), city=city.city)
    record = notice.record(COUNTY, IND)
    assert record is not None and target_label(record) == f"县目标 {shown}%（市分解）"
    assert format_target(">=", row["target"], "%") == f"≥{shown}%"
    assert "60.0" not in text(card.group(1)) + cell.group(1) + in_force.group(1)
