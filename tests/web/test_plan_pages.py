"""The officers' assumptions page, the 依据 links and the plan API (issue 17)."""

from __future__ import annotations

import json

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    m = mini_city()
    actions.record_class(m.kg_a, school_year=2024, name="小一班", age_group="small", boys=20, girls=12)
    create_user_with_role("ca", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city, full_name="市教体局 张")
    return m


def test_a_city_officer_confirms_an_assumption_on_the_page(client, city):
    client.login(username="ca", password="pw-123456")
    page = client.get("/office/plan/assumptions/").content.decode()
    assert "notice-criticism-threshold" in page and "依据待确认" in page
    assert "确认</button>" not in page  # a county officer sees, never confirms
    denied = client.post(
        "/office/plan/assumptions/", {"assumption": "notice-criticism-threshold", "reason": "x"}
    )
    assert denied.status_code == 403
    client.login(username="cityo", password="pw-123456")
    refused = client.post(
        "/office/plan/assumptions/", {"assumption": "notice-criticism-threshold", "reason": ""}
    )
    assert "a reason is required" in refused.content.decode()
    done = client.post(
        "/office/plan/assumptions/",
        {"assumption": "notice-criticism-threshold", "value": "3", "reason": "市局会议审定"},
        follow=True,
    )
    html = done.content.decode()
    row = html[html.index('id="notice-criticism-threshold"') :].split("</tr>")[0]
    assert "市教体局 张" in row and "依据待确认" not in row and ">3<" in row.replace("\n", "")


def test_every_page_header_shows_the_plan_in_force(client, city):
    client.login(username="cityo", password="pw-123456")
    assert "玉教体联〔2022〕26号" in client.get("/office/findings/").content.decode()


def test_a_findings_basis_link_explains_the_finding(client, city):
    client.login(username="cityo", password="pw-123456")
    page = client.get("/office/findings/", {"rule": "KG-CLASS-SIZE"}).content.decode()
    link = page[page.index('class="basis" href="') + len('class="basis" href="') :].split('"')[0]
    explained = client.get(link.replace("&amp;", "&"))
    html = explained.content.decode()
    assert explained.status_code == 200
    assert "KG-CLASS-SIZE" in link and "PRE-4.1.2" in html and "公式或规则" in html


def test_the_api_lists_and_confirms_assumptions(client, city):
    client.login(username="cityo", password="pw-123456")
    rows = client.get("/api/plan/assumptions").json()
    assert {"id", "value", "reason", "used_by", "confirmed_by", "confirmed_at"} <= set(rows[0])
    response = client.post(
        "/api/plan/assumptions/kindergarten-funding-floor/confirm",
        data=json.dumps({"reason": "财政核定"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["confirmed_by"] == "市教体局 张"


def test_the_plan_api_stays_in_the_county(client, city):
    """A county officer reads the register, never confirms, and has explained only their county."""
    client.login(username="ca", password="pw-123456")
    rows = client.get("/api/plan/assumptions").json()
    assert rows and not {"530403", "江川区"} & {str(v) for r in rows for v in r.values()}
    refused = client.post(
        "/api/plan/assumptions/kindergarten-funding-floor/confirm",
        data=json.dumps({"reason": "县里想改"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    other = client.get("/api/plan/explain", {"what": "public_share", "division": "530403"})
    assert other.status_code == 403
    page = client.get("/office/plan/explain/", {"what": "KG-CLASS-SIZE", "division": "530403"})
    assert page.status_code == 403
    own = client.get("/api/plan/explain", {"what": "KG-CLASS-SIZE", "division": "530402"})
    assert own.status_code == 200 and own.json()["clauses"][0]["id"] == "PRE-4.1.2"
