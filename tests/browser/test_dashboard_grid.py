"""The city dashboard's county × indicator grid, sorted by a target in the browser (no reload)."""

import pytest

from tests.browser.conftest import login
from tests.web.test_dashboard import city  # noqa: F401  (fixture: county A enrols more than B)

pytestmark = pytest.mark.django_db(transaction=True)


def _column_values(page, indicator):
    index = page.eval_on_selector(f'#county-grid th[data-indicator="{indicator}"]', "th => th.cellIndex")
    return page.eval_on_selector_all(
        "#county-grid tbody tr",
        f"rows => rows.map(r => [r.dataset.division, r.cells[{index}].dataset.sortValue])",
    )


def test_the_grid_sorts_by_a_target_without_reloading(page, live_server, city):  # noqa: F811
    login(page, live_server, "cityo")
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
