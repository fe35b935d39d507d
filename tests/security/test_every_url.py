"""Every URL in the URL configuration, tried as an attacker would (issue 22, "a standing attack
suite"): anonymous, no page but the public ones answers 200 and none answers 500; and a POST
without a CSRF token is refused 403 by every view, so no state-changing form can be driven from
another site. The URL list is built from the URL configuration itself, so a new page is covered the
day it is added."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

#: Sample values for path converters: they reach the view (which may then say 404).
SAMPLES = {
    "int": "1",
    "str": "K1",
    "slug": "k1",
    "path": "a/b.csv",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
#: Pages anyone may read: the public portal, signing in, the language switch, the API's schema.
PUBLIC = re.compile(
    r"^/(|kindergartens/.*|lists/.*|complaints/.*|stats/|points\.json|map-layers\.json|office/login/|i18n/.*|"
    r"office/password/reset/.*|admin/login/|api/(schema|docs|openapi\.json).*)$"
)
#: Views that take no session (token-authenticated API calls) may skip the CSRF check: a browser
#: cannot add the ``Authorization`` header for another site. Each is listed with the reason.
CSRF_EXEMPT_PREFIXES = ("/api/",)


@dataclass(frozen=True)
class Url:
    path: str
    name: str


def _walk(patterns, prefix: str = "", names: tuple[str, ...] = ()) -> list[Url]:
    out: list[Url] = []
    for p in patterns:
        if isinstance(p.pattern, RoutePattern):
            route = str(p.pattern)
            route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), route)
        else:  # a regular expression: its sample is its literal text, when it has no groups
            regex = p.pattern.regex.pattern
            if "(" in regex:
                continue
            route = regex.lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(p, URLResolver):
            ns = (*names, p.namespace) if p.namespace else names
            out += _walk(p.url_patterns, prefix + route, ns)
        elif isinstance(p, URLPattern):
            out.append(Url("/" + prefix + route, ":".join((*names, p.name or "?"))))
    return out


def every_url() -> list[Url]:
    seen: dict[str, Url] = {}
    for url in _walk(get_resolver().url_patterns):
        if url.path.startswith("/admin/") and url.path.count("/") > 3:
            continue  # the Django admin's per-model pages: Django's own, behind staff login
        seen.setdefault(url.path, url)
    return sorted(seen.values(), key=lambda u: u.path)


URLS = every_url()


def test_the_url_list_covers_the_site():
    paths = {u.path for u in URLS}
    assert len(URLS) > 80, len(URLS)
    assert {"/", "/office/", "/office/import/", "/complaints/new/"} <= paths


@pytest.mark.parametrize("url", URLS, ids=lambda u: u.path)
def test_anonymous_gets_only_public_pages_and_never_a_500(client, url):
    response = client.get(url.path)
    assert response.status_code < 500, f"{url.path} ({url.name}): {response.status_code}"
    if response.status_code == 200 and not PUBLIC.match(url.path):
        pytest.fail(f"{url.path} ({url.name}) answers 200 to an anonymous visitor")


@pytest.fixture
def signed_in(django_user_model) -> Client:
    """A superuser whose browser sends no CSRF token: every view is open to it but for CSRF."""
    django_user_model.objects.create_superuser("root", "root@example.gov.cn", "Root-admin-password-1")
    client = Client(enforce_csrf_checks=True)
    client.login(username="root", password="Root-admin-password-1")
    return client


@pytest.mark.parametrize(
    "url", [u for u in URLS if not u.path.startswith(CSRF_EXEMPT_PREFIXES)], ids=lambda u: u.path
)
def test_a_post_without_csrf_token_is_refused(signed_in, url):
    response = signed_in.post(url.path, {"name": "攻击", "action": "answer"})
    if response.status_code == 405:
        return  # the view takes no POST at all
    assert response.status_code == 403, f"{url.path} ({url.name}): {response.status_code}"
    assert b"CSRF" in response.content, f"{url.path} ({url.name}) refused for another reason"


def test_the_api_takes_no_session_for_writes(signed_in):
    """The API is exempt from CSRF only because a session cookie alone does not authorise a
    write there: a signed-in browser's POST without a token is refused."""
    api = [u for u in URLS if u.path.startswith("/api/")]
    assert api
    for url in api:
        response = signed_in.post(url.path, {"name": "攻击"}, content_type="application/json")
        assert response.status_code in (401, 403, 404, 405), f"{url.path}: {response.status_code}"
