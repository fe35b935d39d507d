"""A parent on a phone finds a kindergarten near a township typed in pinyin, with the map (county
outlines drawn) above the results."""

import pytest

from tests.portal.helpers import add_fenghuang, portal_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    p = context.new_page()
    p.set_default_timeout(60_000)
    yield p
    context.close()


def test_near_a_township_by_pinyin_on_a_phone_with_boundaries(phone, live_server):
    c = portal_city()
    add_fenghuang(c)
    phone.goto(f"{live_server.url}/")
    phone.click("text=按位置查找")
    phone.fill("#place", "fhjd")
    phone.fill("#radius", "3")
    phone.click("form.filters button[type=submit]")
    phone.wait_for_url("**place=fhjd**")
    assert "凤凰街道" in phone.inner_text("#place-found")
    results = phone.inner_text("ul.results")
    assert "玉兴街道中心幼儿园" in results and "江城镇中心幼儿园" not in results
    # The map comes first on a phone, and draws the county outlines and the township.
    phone.wait_for_selector("#map path.county-outline", state="attached")
    assert phone.locator("#map path.county-outline").count() >= 2
    map_box = phone.locator("#map").bounding_box()
    list_box = phone.locator("ul.results").bounding_box()
    assert map_box and list_box and map_box["y"] < list_box["y"]
    assert "县(市、区)界" in phone.inner_text(".map-legend")
