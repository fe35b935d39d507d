"""English mode complete (issue 23): every role, and the public, switch to English and the crawler
(tests/web/crawl.py) follows every link it can reach. No Chinese may remain in what they read
except data kept in Chinese — names of institutions, divisions and people, and elements marked
``lang="zh"`` — and downloads carry English headers. Chinese pages stay Chinese (test_crawl.py
checks them for raw codes, export headers included)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from tests.factories import memory_caches
from tests.web.crawl import (
    CJK,
    DEMO_PASSWORD,
    ROLES,
    Crawl,
    build_demo_world,
    chinese_on_english_page,
    crawl,
    pattern_key,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
generator = pytest.importorskip("eduplan.demo.generator")

#: The public crawls the portal from its home page, signed in as nobody.
PUBLIC = "public"
#: Downloads in the import templates' layout keep their header rows (required columns marked *):
#: importing reads them.
TEMPLATE_FORMAT = (
    "/office/export",
    "/office/import",
    "/office/programmes/export",
    "/office/duties/export",
    "/office/workforce/training/?format=",
)


def data_names() -> set[str]:
    """The registry's own Chinese: names of divisions, institutions, people and staff."""
    from django.contrib.auth import get_user_model

    from eduplan.registry.models import Division, Institution, StaffMember

    names = set(Division.objects.values_list("name", flat=True))
    names |= set(Institution.objects.values_list("name", flat=True))
    names |= set(StaffMember.objects.values_list("name", flat=True))
    for first, last in get_user_model().objects.values_list("first_name", "last_name"):
        names |= {first, last, f"{last}{first}", f"{first}{last}"}
    return {n for n in names if n}


@pytest.fixture(scope="module")
def english(django_db_setup, django_db_blocker, tmp_path_factory) -> tuple[dict[str, Crawl], set[str]]:
    """Every role's English crawl of the tiny demo, and the data names (rolled back afterwards)."""
    media = tmp_path_factory.mktemp("media")
    result: dict[str, Crawl] = {}
    with (
        django_db_blocker.unblock(),
        override_settings(
            CACHES=memory_caches(),
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        translation.override("en"),
        transaction.atomic(),
    ):
        from django.core.cache import cache

        from eduplan.common.cache import forget_local

        cache.clear()
        forget_local()
        build_demo_world()
        names = data_names()
        for role in (*ROLES, PUBLIC):
            client = Client()
            client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
            if role == PUBLIC:
                result[role] = crawl(client, role, start="/")
            else:
                assert client.login(username=role, password=DEMO_PASSWORD), role
                result[role] = crawl(client, role)
        transaction.set_rollback(True)
    return result, names


def test_the_check_finds_chinese_outside_names_and_marked_elements():
    page = (
        "<html><body><h1>Findings</h1><p>红塔区 530402 · 3 problems</p><p>问题清单</p>"
        "<p lang='zh'>玉教体联〔2022〕26号</p><button lang='zh'>中文</button>"
        "<script>var x = '中文';</script></body></html>"
    )
    assert chinese_on_english_page(page, {"红塔区"}) == ["问题清单"]


@pytest.mark.parametrize("role", (*ROLES, PUBLIC))
def test_english_pages_are_english(english, role):
    crawls, names = english
    pages = crawls[role].html_pages()
    assert len(pages) > 3, [p.url for p in pages]
    assert all('lang="en"' in p.html[:300] for p in pages if p.status < 400)
    found = {p.url: chinese_on_english_page(p.html, names) for p in pages if p.status < 400}
    found = {url: sorted(set(pieces))[:20] for url, pieces in found.items() if pieces}
    assert not found, found


@pytest.mark.parametrize("role", (*ROLES, PUBLIC))
def test_english_downloads_have_english_headers(english, role):
    crawls, names = english
    downloads = [p for p in crawls[role].pages if p.export_headers and not p.url.startswith(TEMPLATE_FORMAT)]
    found = {p.url: [h for h in p.export_headers if CJK.search(h)] for p in downloads}
    assert not {url: h for url, h in found.items() if h}, found


def test_the_supervision_tabs_have_distinct_english_names(english):
    crawls, _ = english
    page = next(p for p in crawls["city"].html_pages() if pattern_key(p.url).startswith("supervision:"))
    import lxml.html

    tabs = [a.text_content().strip() for a in lxml.html.fromstring(page.html).xpath("//nav[@class='sub']//a")]
    assert tabs and len(tabs) == len(set(tabs)), tabs
