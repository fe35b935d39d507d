"""The public directory: who is listed, search (name, pinyin initials, township, former name,
distance), filters, the kindergarten page, the map's data — and that a registry write shows up."""

import datetime as dt

import pytest

from eduplan.portal.directory import directory, distance_km, parse_query, search
from eduplan.registry import actions
from tests.factories import make_kindergarten
from tests.portal.helpers import STAFF, portal_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return portal_city()


def names(params):
    query, errors = parse_query(params)
    assert not errors
    return [h.entry.name for h in search(directory(), query, page_size=100).page_hits]


def test_lists_licensed_kindergartens_and_teaching_points_only(city):
    listed = names({})
    assert set(listed) == {
        "玉兴街道中心幼儿园",
        "江城镇中心幼儿园",
        "春蕾幼儿园",
        "阳光幼儿园",
        "大营村办园点",
    }
    assert "无证看护点" not in listed and "玉溪第一中学" not in listed


def test_search_by_name_initials_township_and_former_name(city):
    assert names({"q": "春蕾"}) == ["春蕾幼儿园"]
    assert names({"q": "yxjd"}) == ["玉兴街道中心幼儿园"]  # 玉兴街道… pinyin initials
    assert names({"q": "ＣＬ"}) == ["春蕾幼儿园"]  # full-width letters from a Chinese IME
    assert set(names({"q": "江城镇"})) == {"江城镇中心幼儿园", "大营村办园点"}  # township
    assert names({"q": "双语"}) == ["阳光幼儿园"]  # found by its former name
    # The best match comes first: a name match before a township match.
    assert names({"q": "玉兴"})[0] == "玉兴街道中心幼儿园"
    assert names({"q": "no such"}) == []


def test_filters(city):
    assert set(names({"public": "1"})) == {"玉兴街道中心幼儿园", "江城镇中心幼儿园", "大营村办园点"}
    assert "春蕾幼儿园" in names({"inclusive": "1"}) and "阳光幼儿园" not in names({"inclusive": "1"})
    assert names({"grade": "first"}) == ["玉兴街道中心幼儿园"]
    assert names({"grade": "2-1"}) == ["春蕾幼儿园"]
    # 春蕾 has 60 seats and 60 children: no seat left.
    assert "春蕾幼儿园" not in names({"seats": "1"}) and "阳光幼儿园" in names({"seats": "1"})
    assert names({"county": "530403", "public": "1", "q": "办园点"}) == ["大营村办园点"]


def test_near_a_point_orders_by_distance_within_the_radius(city):
    here = {"lat": "24.3560", "lon": "102.5430"}
    assert names({**here, "radius": "3"}) == ["玉兴街道中心幼儿园", "春蕾幼儿园"]
    assert names({**here, "radius": "50"})[-1] == "江城镇中心幼儿园"
    hit = search(directory(), parse_query({**here, "radius": "3"})[0]).page_hits[0]
    assert hit.distance_km == pytest.approx(distance_km((24.356, 102.543), (24.355, 102.542)), abs=1e-6)


def test_malformed_input_gives_messages_not_errors(client, city):
    query, errors = parse_query({"lat": "north", "lon": "1", "grade": "x", "page": "-3", "radius": "9999"})
    assert query.near is None and query.grade == "" and query.page == 1 and len(errors) == 3
    page = client.get("/", {"lat": "abc", "lon": "1e999", "page": "99"})
    assert page.status_code == 200 and "纬度" in page.content.decode()


def test_directory_page_search_and_paging(client, city, portal_settings):
    portal_settings(page_size=2)
    page = client.get("/", {"q": "园"}).content.decode()
    assert "找到 5 所幼儿园" in page and "第 1/3 页" in page and 'href="?q=%E5%9B%AD&amp;page=3"' in page
    page = client.get("/", {"q": "jczzx"}).content.decode()
    # The results list (the search box's placeholder names an example kindergarten from the data).
    results = page.split('<ul class="results">', 1)[1].split("</ul>", 1)[0]
    assert "江城镇中心幼儿园" in results and "春蕾幼儿园" not in results
    assert "2024年检" in client.get("/", {"q": "玉兴街道"}).content.decode()


def test_kindergarten_page_shows_public_facts_only(client, city):
    page = client.get("/kindergartens/K1/").content.decode()
    assert "玉兴街道中心幼儿园" in page and "玉兴路1号" in page and "450" in page
    assert "一级一等" in page and "合格" in page and "各项合格" in page  # grade, annual result
    assert "在岗教职工 4 人" in page and "持证率 66.7%(2/3)" in page  # 3 principal/teacher posts, 2 certified
    assert "3 个班" in page and "在园幼儿 82 人" in page
    for name, number, _, _ in STAFF:
        assert name not in page and number not in page and number[-4:] not in page
    assert "阳光双语幼儿园 → 阳光幼儿园" in client.get("/kindergartens/K4/").content.decode()
    assert client.get("/kindergartens/K6/").status_code == 404  # unlicensed
    assert client.get("/kindergartens/H1/").status_code == 404  # a high school
    assert client.get("/kindergartens/%FF%FE/").status_code == 404


def test_map_points_follow_the_search(client, city):
    data = client.get("/points.json", {"public": "1"}).json()
    assert data["total"] == 3
    assert [p[0] for p in data["points"]] == ["K1", "K2"]  # located ones; K5 has no coordinates
    assert data["points"][0][4] == "public"
    assert client.get("/points.json", {"q": "春蕾"}).json()["points"][0][4] == "inclusive"


def test_a_registry_write_shows_up_at_once(client, city):
    assert "新城幼儿园" not in client.get("/").content.decode()
    make_kindergarten("K9", "新城幼儿园", city.m.town_a)
    assert "新城幼儿园" in client.get("/").content.decode()
    actions.update_fields(city.m.kg_b, {"closed_on": dt.date(2025, 1, 1)})
    assert "江城镇中心幼儿园" not in client.get("/").content.decode()


def test_markup_in_registry_data_is_escaped(client, city):
    actions.update_fields(
        city.kg_inclusive, {"name": "<script>alert(1)</script>幼儿园", "address": "<b>x</b>"}
    )
    for url in ("/", "/kindergartens/K3/", "/lists/530402/"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
        assert "<b>x</b>" not in page


def test_english_is_available(client, city):
    client.cookies["django_language"] = "en"
    page = client.get("/", {"q": "春蕾"}).content.decode()
    assert "Kindergarten directory" in page and "1 kindergarten found" in page and "Inclusive" in page
    assert "Staff" in client.get("/kindergartens/K1/").content.decode()
