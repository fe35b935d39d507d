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
