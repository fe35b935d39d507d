"""No dead end (issue 23): the menu shows a role only what it may use, and every menu link answers
200 for that role; 403, 404 and 500 pages are Chinese (English on English pages), in the site
layout, scaled for a phone, with a way back home."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.supervision.helpers import PASSWORD, world

pytestmark = pytest.mark.django_db
HEADER = re.compile(r'<header class="top">(.*?)</header>', re.S)


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()


def menu(client) -> list[str]:
    response = client.get("/office/", follow=True)
    page = response.content.decode()
    header = HEADER.search(page)
    assert header, (
        "no site header on the home page",
        response.status_code,
        response.get("Location"),
        page[:300],
    )
    return [h for h in re.findall(r'href="([^"]+)"', header.group(1)) if h.startswith("/office/")]


def test_every_menu_link_works_for_every_role(client, w):
    seen = {}
    for name in ("city", "county_a", "supervisor", "principal", "viewer"):
        user = getattr(w, name)
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        links = menu(client)
        seen[name] = set(links)
        for link in links:
            response = client.get(link, follow=True)
            assert response.status_code == 200, (name, link, response.status_code)
    # Only the roles that may use them are offered planning, complaints and imports.
    assert "/office/planning/" in seen["city"] and "/office/planning/" in seen["county_a"]
    for name in ("principal", "supervisor", "viewer"):
        assert "/office/planning/" not in seen[name] and "/office/complaints/" not in seen[name]
    assert "/office/import/" in seen["principal"] and "/office/import/" not in seen["viewer"]


def test_forbidden_page_is_chinese_in_the_layout_with_a_way_home(client, w):
    assert client.login(username=w.principal.username, password=PASSWORD)
    response = client.get("/office/planning/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "您的角色无权使用此页面" in page and "规划工具仅供市、县教育局干部使用" in page
    assert '<header class="top">' in page and 'href="/office/">返回首页' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "403 Forbidden" not in page
    client.cookies["django_language"] = "en"
    english = client.get("/office/planning/")
    assert english.status_code == 403 and "Your role may not use this page" in english.content.decode()


def test_not_found_page_is_chinese_with_english_available(client, w):
    response = client.get("/office/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page and "返回首页" in page and '<header class="top">' in page
    client.cookies["django_language"] = "en"
    english = client.get("/office/no-such-page/").content.decode()
    assert "This page was not found" in english and "Back to the home page" in english


def test_server_error_page_renders_without_a_request_context():
    request = RequestFactory().get("/office/")
    with translation.override("zh-hans"):
        page = server_error(request).content.decode()
    assert "系统出错了" in page and 'href="/">返回首页' in page and '<header class="top">' in page
