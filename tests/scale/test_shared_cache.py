"""Two application servers, one database, one Redis (``EDUPLAN_CACHE_URL``): the cached
dashboard and the kept public pages are shared, and a write through one server shows on the other
at once, to officers and to parents."""

from __future__ import annotations

import re
import secrets
import urllib.request

import pytest
from django.test import Client

from eduplan.registry import actions
from tests.supervision.helpers import PASSWORD, world

from .services import Browser, app_servers, environment, redis_url, require_redis, use_server_keys

pytestmark = pytest.mark.django_db(transaction=True)

COUNTY_PAGE = "/office/county/530402/"
PUBLIC_PAGE = "/kindergartens/K1/"


def public_classes(base: str) -> int:
    """The number of classes a parent reads on the kindergarten's public page."""
    page = urllib.request.urlopen(base + PUBLIC_PAGE, timeout=60).read().decode()
    found = re.search(r"(\d+) 个班", page)
    assert found, "no class count on the public page"
    return int(found.group(1))


def card_value(page: str, indicator: str) -> float:
    card = re.search(rf'data-indicator="{indicator}".*?<div class="value">([^<]*)<', page, re.S)
    assert card, f"no card for {indicator}"
    return float(card.group(1).strip())


@pytest.fixture
def shared_redis():
    require_redis()
    import redis

    prefix = f"eduplan-test-{secrets.token_hex(4)}"
    yield prefix
    r = redis.Redis.from_url(redis_url())
    for key in r.scan_iter(f"{prefix}:*"):
        r.delete(key)


def test_a_write_through_one_server_shows_on_the_other_at_once(tmp_path, shared_redis, settings):
    import redis

    use_server_keys(settings)

    w = world()
    actions.record_class(w.m.kg_a, school_year=2024, name="中一班", age_group="middle", boys=20, girls=20)
    for age in range(0, 8):
        for sex in ("M", "F"):
            actions.set_population(
                w.m.town_a, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=10
            )
    client = Client()
    assert client.login(username="ca", password=PASSWORD)
    session = client.cookies["sessionid"].value
    env = environment(EDUPLAN_CACHE_URL=redis_url(), EDUPLAN_CACHE_PREFIX=shared_redis)

    with app_servers(2, env, tmp_path) as (one, two):
        a, b = Browser(one, session), Browser(two, session)
        before = card_value(b.get(COUNTY_PAGE), "preschool_ger")
        assert card_value(a.get(COUNTY_PAGE), "preschool_ger") == before
        # Both servers' caches are one: the entries are in Redis, under this test's prefix.
        keys = [k.decode() for k in redis.Redis.from_url(redis_url()).scan_iter(f"{shared_redis}:*")]
        assert any("eduplan:part:" in k for k in keys), keys
        assert any("eduplan:indicators:" in k for k in keys), keys
        # A parent's page rendered by one server is kept in Redis and served by the other.
        assert public_classes(one) == public_classes(two) == 1
        keys = [k.decode() for k in redis.Redis.from_url(redis_url()).scan_iter(f"{shared_redis}:pages:*")]
        assert any("eduplan:public-page:" in k for k in keys), keys

        a.post(
            "/office/institutions/K1/classes/add/",
            {
                "school_year": "2024",
                "name": "中二班",
                "age_group": "middle",
                "boys": "10",
                "girls": "10",
                **dict.fromkeys(("minority", "age_under3", "age_3", "age_4", "age_5", "age_over5"), "0"),
                "reason": "新开班",
            },
        )
        after = card_value(b.get(COUNTY_PAGE), "preschool_ger")
        assert after > before
        assert card_value(a.get(COUNTY_PAGE), "preschool_ger") == after
        assert public_classes(two) == public_classes(one) == 2
