"""Public pages are cacheable by browsers and a reverse proxy: an ETag tied to the data version,
``304 Not Modified`` while nothing changed, a new page at once after a write, never for pages that
carry a tracking code or a form token."""

import pytest

from eduplan.registry import actions
from tests.portal.helpers import portal_city

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/?q=春蕾", "/points.json", "/kindergartens/K1/", "/lists/", "/lists/530402/", "/stats/"]


@pytest.fixture
def city():
    return portal_city()


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_public_page_is_tagged_and_revalidated_with_304(client, city, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "public, no-cache"
    assert "Cookie" in first["Vary"]  # the language comes from a cookie
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_a_write_changes_the_tag_and_the_page_shows_it(client, city):
    first = client.get("/kindergartens/K3/")
    assert "新名字幼儿园" not in first.content.decode()
    actions.update_fields(city.kg_inclusive, {"name": "新名字幼儿园"})
    after = client.get("/kindergartens/K3/", headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "新名字幼儿园" in after.content.decode()


def test_each_query_and_language_has_its_own_tag(client, city):
    tags = {client.get("/", {"q": q})["ETag"] for q in ("春蕾", "阳光", "")}
    assert len(tags) == 3
    chinese = client.get("/lists/")["ETag"]
    client.cookies["django_language"] = "en"
    english = client.get("/lists/")
    assert english["ETag"] != chinese
    assert client.get("/lists/", headers={"if-none-match": chinese}).status_code == 200


def test_a_proxy_may_be_allowed_to_serve_for_a_while(client, city, settings):
    settings.PUBLIC_MAX_AGE = 30
    assert client.get("/lists/")["Cache-Control"] == "public, max-age=30, must-revalidate"


def test_pages_with_a_code_or_a_form_are_never_stored(client, city):
    for url in ("/complaints/track/", "/complaints/new/?kindergarten=K1"):
        response = client.get(url)
        assert "ETag" not in response
        assert "public" not in response.get("Cache-Control", "")


# -- pages kept by the application for the next visitor --------------------------------------------


def test_a_page_rendered_for_one_visitor_is_served_to_the_next_without_rendering(city, monkeypatch):
    from django.test import Client

    first = Client().get("/", {"q": "春蕾"})
    assert "春蕾" in first.content.decode()

    def no_search(*args, **kwargs):
        raise AssertionError("the kept page should have been served")

    monkeypatch.setattr("eduplan.portal.views.search", no_search)
    second = Client().get("/", {"q": "春蕾"})
    assert second.status_code == 200 and second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert second.content.count("春蕾".encode()) == first.content.count("春蕾".encode())


def test_each_visitor_of_a_kept_page_gets_a_form_token_of_their_own(city):
    """The language switch is a form: a kept page carries the new visitor's token, which works."""
    import re

    from django.test import Client

    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    Client().get("/lists/")  # kept for later visitors
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/lists/").content.decode()
    tokens = token.findall(page)
    assert tokens and "\x00" not in page
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/lists/", "csrfmiddlewaretoken": tokens[0]}
    )
    assert switched.status_code == 302
    assert '<html lang="en"' in visitor.get("/lists/").content.decode()


def test_a_signed_in_officers_page_is_neither_kept_nor_served_from_the_kept(city, django_user_model):
    from django.test import Client

    officer = Client()
    officer.force_login(django_user_model.objects.create_superuser("zhang-wei", "zw@example.com", "pw"))
    assert "zhang-wei" in officer.get("/lists/").content.decode()
    assert "zhang-wei" not in Client().get("/lists/").content.decode()  # not kept from the officer's
    assert "zhang-wei" in officer.get("/lists/").content.decode()  # nor the public's served to them


def test_a_write_is_shown_to_the_next_visitor_at_once(city):
    from django.test import Client

    assert "新名字幼儿园" not in Client().get("/kindergartens/K3/").content.decode()
    actions.update_fields(city.kg_inclusive, {"name": "新名字幼儿园"})
    assert "新名字幼儿园" in Client().get("/kindergartens/K3/").content.decode()


def test_a_kept_download_is_the_same_file(city):
    from django.test import Client

    first = Client().get("/lists/530402/public.csv")
    assert first.status_code == 200 and first["Content-Type"].startswith("text/csv")
    again = Client().get("/lists/530402/public.csv")
    assert again.content == first.content and again["Content-Disposition"] == first["Content-Disposition"]
