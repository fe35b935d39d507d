"""Officers' pages answer, and show only what the user's scope allows (404 outside it)."""

import datetime as dt

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    m = mini_city()
    actions.add_staff_member(
        m.kg_a,
        identity_number="11010519491231002X",
        name="李老师",
        sex="F",
        role="teacher",
        employment="establishment",
        start_date=dt.date(2020, 9, 1),
    )
    actions.record_class(m.kg_a, school_year=2024, name="小一班", age_group="small", boys=12, girls=11)
    create_user_with_role("ca", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    return m


def test_home_and_login_pages_answer(client, city):
    assert client.get("/").status_code == 200
    page = client.get("/office/login/")
    assert page.status_code == 200 and "登录" in page.content.decode()
    # The officers' app needs a login.
    assert client.get("/office/").status_code == 302


def test_login_and_county_officer_sees_only_own_county(client, city):
    assert client.post("/office/login/", {"username": "ca", "password": "pw-123456"}).status_code == 302
    listing = client.get("/office/institutions/").content.decode()
    assert "玉兴街道中心幼儿园" in listing and "江城镇中心幼儿园" not in listing
    assert client.get("/office/institutions/K1/").status_code == 200
    # Another county's institution by URL: 404, not a blank page.
    assert client.get("/office/institutions/K2/").status_code == 404


def test_institution_page_masks_identity_numbers(client, city):
    client.login(username="cityo", password="pw-123456")
    page = client.get("/office/institutions/K1/").content.decode()
    assert "李老师" in page and "**************002X" in page
    assert "11010519491231002X" not in page
    assert "23" in page  # class headcount 12 + 11


def test_search_by_pinyin_initials(client, city):
    client.login(username="cityo", password="pw-123456")
    page = client.get("/office/institutions/", {"q": "jczzx"}).content.decode()  # 江城镇中心… = j c z z x
    assert "江城镇中心幼儿园" in page and "玉兴街道中心幼儿园" not in page


def test_chinese_first_and_english_on_request(client, city):
    # A browser asking for English still gets Chinese until the user switches.
    page = client.get("/office/login/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "工作人员登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/office/login/"})
    page = client.get("/office/login/").content.decode()
    assert "Staff login" in page and "工作人员登录" not in page
