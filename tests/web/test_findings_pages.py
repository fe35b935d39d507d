"""Findings list, its export and the name-check page, within the user's scope."""

import io

import pytest
from openpyxl import load_workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    m = mini_city()
    # An oversize small class (limit 25) in each county's kindergarten.
    actions.record_class(m.kg_a, school_year=2024, name="小一班", age_group="small", boys=20, girls=12)
    actions.record_class(m.kg_b, school_year=2024, name="小一班", age_group="small", boys=20, girls=13)
    create_user_with_role("ca", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    return m


def test_findings_list_is_scoped_and_exports_what_is_shown(client, city):
    client.login(username="ca", password="pw-123456")
    page = client.get("/office/findings/").content.decode()
    assert "玉兴街道中心幼儿园" in page and "江城镇中心幼儿园" not in page
    response = client.get("/office/findings/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    codes = {r[header.index("代码 code")] for r in body}
    assert "K1" in codes and "K2" not in codes
    assert any("32" in str(r[header.index("问题 problem")]) for r in body)  # the 32-child class
    # Headers and values a reader understands: no field names, severities in words (issue 23).
    assert "entity_code" not in header and "message_zh" not in header and "规则 rule" in header
    assert {r[header.index("严重程度 severity")] for r in body} <= {
        "严重 high",
        "较重 medium",
        "一般 low",
        "提示 info",
    }


def test_findings_filter_by_rule_and_county(client, city):
    client.login(username="cityo", password="pw-123456")
    page = client.get("/office/findings/", {"division": "530403"}).content.decode()
    assert "江城镇中心幼儿园" in page and "玉兴街道中心幼儿园" not in page


def test_name_check_page_explains_the_verdict(client, city):
    client.login(username="cityo", password="pw-123456")
    page = client.get(
        "/office/name-check/", {"name": "阳光国际幼儿园", "ownership": "private"}
    ).content.decode()
    assert "国际" in page and "PRE-4.2.4" in page and "需更名" in page
    ok = client.get("/office/name-check/", {"name": "阳光幼儿园"}).content.decode()
    assert "未发现不规范用语" in ok


def test_findings_list_is_paginated_with_counts_and_a_rectification_column(client, city, monkeypatch):
    from eduplan.web import findings

    monkeypatch.setattr(findings, "PAGE_SIZE", 1)
    client.login(username="cityo", password="pw-123456")
    first = client.get("/office/findings/").content.decode()
    from django.contrib.auth import get_user_model

    total = len(findings.findings_for(get_user_model().objects.get(username="cityo")))
    assert total > 1
    assert f"第 1/{total} 页" in first and f"共 {total} 条" in first
    assert "page=2" in first and "整改状态" in first and "未下达整改" in first
    second = client.get("/office/findings/", {"page": 2}).content.decode()
    assert f"第 2/{total} 页" in second
    none = client.get("/office/findings/", {"order": "closed"}).content.decode()
    assert "共 0 条" in none
