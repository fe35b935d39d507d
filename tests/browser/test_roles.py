"""Log in as each role in a real browser and check what each sees and cannot see."""

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from tests.browser.conftest import login
from tests.factories import mini_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def users():
    m = mini_city()
    create_user_with_role("city", "pw-123456", Role.CITY_OFFICER, division=m.city)
    create_user_with_role("county", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("principal", "pw-123456", Role.PRINCIPAL, institution=m.kg_b)
    return m


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("city", ["玉兴街道中心幼儿园", "江城镇中心幼儿园", "玉溪第一中学"], []),
        ("county", ["玉兴街道中心幼儿园", "玉溪第一中学"], ["江城镇中心幼儿园"]),
        ("principal", ["江城镇中心幼儿园"], ["玉兴街道中心幼儿园", "玉溪第一中学"]),
    ],
)
def test_each_role_sees_its_scope(page, live_server, users, username, visible, hidden):
    login(page, live_server, username)
    page.goto(f"{live_server.url}/office/institutions/")
    text = page.inner_text("main")
    for name in visible:
        assert name in text
    for name in hidden:
        assert name not in text


def test_county_officer_cannot_open_another_county_by_url(page, live_server, users):
    login(page, live_server, "county")
    response = page.goto(f"{live_server.url}/office/institutions/K2/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/office/institutions/K1/")
    assert response.status == 200 and "玉兴街道中心幼儿园" in page.inner_text("h1")


def test_wrong_password_is_refused_with_a_message(page, live_server, users):
    page.goto(f"{live_server.url}/office/login/")
    page.fill("#id_username", "city")
    page.fill("#id_password", "wrong")
    page.click("form.login button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("main")
