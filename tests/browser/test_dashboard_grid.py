"""The city dashboard's county × indicator grid, sorted by a target in the browser (no reload)."""

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from tests.browser.conftest import login
from tests.factories import mini_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    m = mini_city()
    # County A enrols far more of its children than county B.
    for kg, n in ((m.kg_a, 20), (m.kg_b, 4)):
        actions.record_class(kg, school_year=2024, name="中一班", age_group="middle", boys=n, girls=n)
    for town in (m.town_a, m.town_b):
        for age in range(0, 8):
            for sex in ("M", "F"):
                actions.set_population(
                    town, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=10
                )
    create_user_with_role("city", "pw-123456", Role.CITY_OFFICER, division=m.city)
    return m


def _column_values(page, indicator):
    index = page.eval_on_selector(f'#county-grid th[data-indicator="{indicator}"]', "th => th.cellIndex")
    return page.eval_on_selector_all(
        "#county-grid tbody tr",
        f"rows => rows.map(r => [r.dataset.division, r.cells[{index}].dataset.sortValue])",
    )


def test_the_grid_sorts_by_a_target_without_reloading(page, live_server, city):
    login(page, live_server, "city")
    page.goto(f"{live_server.url}/office/?year=2024")
    grid = page.locator("#county-grid")
    assert "红塔区" in grid.inner_text() and "江川区" in grid.inner_text()
    # The county's lagging targets are named on its tile.
    tile = page.locator(".tile", has_text="江川区")
    assert "学前三年毛入园率" in tile.locator(".lagging").inner_text()
    page.evaluate("window.__same_page = true")
    header = page.locator('#county-grid th[data-indicator="preschool_ger"] button.sort')
    header.click()
    ascending = _column_values(page, "preschool_ger")
    assert [code for code, _ in ascending] == ["530403", "530402"]
    assert float(ascending[0][1]) < float(ascending[1][1])
    header.click()
    descending = _column_values(page, "preschool_ger")
    assert [code for code, _ in descending] == ["530402", "530403"]
    assert page.get_attribute('#county-grid th[data-indicator="preschool_ger"]', "aria-sort") == "descending"
    assert page.evaluate("window.__same_page") is True  # sorted in place, not by a reload
    # Every figure links to its drill-down.
    page.click('#county-grid tr[data-division="530403"] a[href*="/preschool_ger/"]')
    page.wait_for_url("**/office/indicators/preschool_ger/530403/2024/")
