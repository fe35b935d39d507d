"""The portal in a real browser (Debian's chromium through Playwright): a parent on a phone with
JavaScript off searches, filters, opens a kindergarten, files a complaint and follows it with the
code; the county officer answers it; the public statistics change. And the map, with JavaScript on,
draws the kindergartens from local files only (no CDN, no tiles configured)."""

import re

import pytest

from tests.portal.helpers import PASSWORD, portal_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    return portal_city()


@pytest.fixture
def phone(browser):
    """A small screen with JavaScript disabled: everything a parent needs must still work."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    p = context.new_page()
    p.set_default_timeout(60_000)
    yield p
    context.close()


def stats_row(p, base, county="530402"):
    p.goto(f"{base}/stats/")
    return [c.strip() for c in p.inner_text(f'#complaint-stats tr[data-county="{county}"]').split("\t")]


def test_parent_files_and_follows_a_complaint_and_the_officer_answers(city, live_server, phone, page):
    base = live_server.url
    assert stats_row(phone, base)[1:4] == ["0", "0", "0"]
    # Search by pinyin initials, then filter.
    phone.goto(f"{base}/")
    phone.fill("#q", "yxjd")
    phone.click("form.filters button[type=submit]")
    assert "找到 1 所幼儿园" in phone.inner_text("#result-count")
    phone.fill("#q", "")
    phone.check("input[name=inclusive]")
    phone.check("input[name=seats]")
    phone.click("form.filters button[type=submit]")
    results = phone.inner_text("ul.results")
    assert "玉兴街道中心幼儿园" in results and "春蕾幼儿园" not in results and "阳光幼儿园" not in results
    # The page fits a phone: no horizontal scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # Open the kindergarten and file a complaint.
    phone.click("text=玉兴街道中心幼儿园")
    assert phone.inner_text("h1") == "玉兴街道中心幼儿园" and "2024" in phone.inner_text("#annual")
    phone.click("text=投诉这所幼儿园")
    phone.select_option("#id_category", "fees")
    phone.fill("#id_description", "开学后另收“特色课程费”每月300元,没有公示。")
    phone.fill("#id_contact", "13800007777")
    a, b = re.findall(r"\d+", phone.inner_text("#challenge-question"))
    phone.fill("#id_answer", str(int(a) + int(b)))
    phone.click("form.complaint button[type=submit]")
    code = phone.inner_text("#tracking-code").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    # Follow it with the code.
    phone.goto(f"{base}/complaints/track/")
    phone.fill("#id_code", code.lower())
    phone.click("form.filters button[type=submit]")
    assert "已受理" in phone.inner_text("#complaint-status")
    assert "特色课程费" in phone.inner_text("#complaint-description")
    assert stats_row(phone, base)[1:3] == ["1", "0"]
    # The county officer answers it.
    page.goto(f"{base}/office/login/")
    page.fill("#id_username", "ca")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    page.goto(f"{base}/office/complaints/")
    assert "13800007777" not in page.inner_text("#complaints")  # contacts only on the complaint itself
    page.click("#complaints a")
    assert page.inner_text("#office-contact") == "13800007777"
    page.fill("#id_response", "经核查,该费用未经备案,已责令停止收取并退还。")
    page.click("#answer-form button[type=submit]")
    assert "已答复" in page.inner_text("#office-status")
    # The parent sees the answer; the statistics count it.
    phone.goto(f"{base}/complaints/track/")
    phone.fill("#id_code", code)
    phone.click("form.filters button[type=submit]")
    assert "已答复" in phone.inner_text("#complaint-status")
    assert "已责令停止收取并退还" in phone.inner_text("#complaint-response")
    assert "13800007777" not in phone.content()
    assert stats_row(phone, base)[1:5] == ["1", "1", "1", "100.0%"]


def test_map_draws_kindergartens_from_local_files(city, live_server, page):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/?public=1")
    page.wait_for_selector("#map .leaflet-interactive")
    page.wait_for_function("document.querySelectorAll('#map .leaflet-interactive').length === 2")
    assert not page.is_visible("#map .leaflet-tile")  # no tile server configured: a plain background
    assert all(u.startswith(live_server.url) for u in requests), [
        u for u in requests if not u.startswith(live_server.url)
    ]
    # A click on the map searches near that point.
    page.click("#map", position={"x": 200, "y": 150})
    page.wait_for_url(re.compile(r".*lat=.*lon=.*"))
    assert "km" in page.inner_text("ul.results") or "没有符合条件" in page.inner_text("ul.results")
