"""In a real browser: a county officer edits an institution's capacity with a reason and sees the
change in its history; a principal edits a class of their own school; a viewer sees no edit button;
and the drill-down goes from the county to a township to an institution."""

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from eduplan.registry.models import Institution, SchoolClass
from tests.browser.conftest import login
from tests.factories import mini_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def users():
    m = mini_city()
    m.cls = actions.record_class(
        m.kg_a, school_year=2024, name="中一班", age_group="middle", boys=10, girls=12
    )
    for town in (m.town_a, m.town_b):
        for age in range(0, 8):
            for sex in ("M", "F"):
                actions.set_population(
                    town, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=10
                )
    create_user_with_role("county", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("principal", "pw-123456", Role.PRINCIPAL, institution=m.kg_a)
    create_user_with_role("viewer", "pw-123456", Role.VIEWER, division=m.county_a)
    return m


def test_county_officer_edits_capacity_and_sees_it_in_history(page, live_server, users):
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/office/institutions/K1/")
    page.click("text=编辑机构信息")
    page.fill("input[name=seats]", "240")
    page.click("form.edit button[type=submit]")  # no reason yet: refused, with the error on that field
    assert "这个字段是必填项" in page.inner_text("#field-reason")
    page.fill("input[name=reason]", "新建教学楼投入使用")
    page.click("form.edit button[type=submit]")
    page.wait_for_url("**/office/institutions/K1/**")
    history = page.inner_text("table.history")
    assert "新建教学楼投入使用" in history and "180 → 240" in history and "county" in history
    assert Institution.objects.get(code="K1").seats == 240


def test_principal_edits_a_class_of_own_school(page, live_server, users):
    login(page, live_server, "principal")
    page.goto(f"{live_server.url}/office/institutions/K1/")
    assert page.locator("text=编辑机构信息").count() == 0  # a principal does not edit the school's fields
    page.locator("#classes ~ div table a.edit-link").first.click()
    page.fill("input[name=girls]", "13")
    page.fill("input[name=reason]", "转入一名幼儿")
    page.click("form.edit button[type=submit]")
    page.wait_for_url("**/office/institutions/K1/**")
    assert "转入一名幼儿" in page.inner_text("table.history")
    assert SchoolClass.objects.get(pk=users.cls.pk).girls == 13


def test_viewer_sees_no_edit_button_and_is_refused_by_url(page, live_server, users):
    login(page, live_server, "viewer")
    page.goto(f"{live_server.url}/office/institutions/K1/")
    assert page.locator("a.edit-link").count() == 0 and page.locator("text=编辑机构信息").count() == 0
    response = page.goto(f"{live_server.url}/office/institutions/K1/edit/")
    assert response.status == 403


def test_drill_down_from_county_to_township_to_institution(page, live_server, users):
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/office/indicators/preschool_ger/530402/2024/")
    assert "玉兴街道" in page.inner_text("table.breakdown.township")
    page.locator("table.breakdown.township a").first.click()
    page.wait_for_url("**/office/indicators/preschool_ger/530402001/2024/")
    page.locator("table.breakdown.institution a").first.click()
    page.wait_for_url("**/office/institutions/K1/")
    assert "玉兴街道中心幼儿园" in page.inner_text("h1")
