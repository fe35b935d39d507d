"""Near a place by name: townships, villages and kindergartens as a gazetteer, pinyin included."""

import pytest

from eduplan.portal.places import find_places, map_layers
from eduplan.registry.choices import DivisionLevel
from tests.factories import make_division
from tests.portal.helpers import add_fenghuang, portal_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    c = portal_city()
    # 凤凰街道, next to 玉兴街道 (K1 at 24.3550, 102.5420); 江城镇 (K2) is 20 km away.
    add_fenghuang(c)
    make_division(
        "530403100001", "大营村", DivisionLevel.VILLAGE, c.m.town_b, latitude=24.2900, longitude=102.7400
    )
    return c


def test_places_by_name_and_pinyin_initials(city):
    assert find_places("fhjd")[0].name == "凤凰街道"
    assert find_places("FHJD")[0].name == "凤凰街道"
    assert find_places("凤凰")[0].kind == "township"
    assert find_places("大营")[0].name == "大营村"  # a village before a kindergarten of that name
    assert [p.name for p in find_places("玉兴街道中心幼儿园")] == ["玉兴街道中心幼儿园"]
    assert find_places("nowhere") == []


def test_directory_finds_kindergartens_near_a_township_typed_in_pinyin(client, city):
    page = client.get("/", {"place": "fhjd", "radius": "3"}).content.decode()
    assert "按此地点查找" in page and "凤凰街道(乡镇(街道),红塔区)" in page
    assert "玉兴街道中心幼儿园" in page and "江城镇中心幼儿园" not in page
    refused = client.get("/", {"place": "nowhere"}).content.decode()
    assert "没有找到地点「nowhere」" in refused


def test_the_map_gets_county_outlines_and_township_points(city):
    layers = map_layers()
    assert str(layers["boundaries"]).endswith("portal/boundaries/530400.geojson")
    assert ["凤凰街道", 24.3415, 102.545] in layers["townships"]


def test_the_map_layers_come_apart_from_the_directory_page(client, city):
    """Every search page would carry every township of a province (46 kB in Yunnan's) otherwise."""
    page = client.get("/").content.decode()
    assert '"src": "/map-layers.json"' in page and "24.3415" not in page
    layers = client.get("/map-layers.json")
    assert layers.status_code == 200 and layers["ETag"]
    assert ["凤凰街道", 24.3415, 102.545] in layers.json()["townships"]


def test_kindergarten_page_shows_full_address_and_public_telephone(client, city):
    from django.core.exceptions import ValidationError

    from eduplan.registry import actions

    actions.update_fields(city.m.kg_a, {"telephone": "0877-2021234"}, reason="公开电话")
    page = client.get(f"/kindergartens/{city.m.kg_a.code}/").content.decode()
    assert "红塔区玉兴街道 玉兴路1号" in page
    assert 'href="tel:0877-2021234"' in page
    with pytest.raises(ValidationError):
        actions.update_fields(city.m.kg_b, {"telephone": "<script>"})


def test_gcj02_outlines_are_brought_back_to_wgs84():
    from eduplan.portal.boundaries import gcj02_to_wgs84, wgs84_to_gcj02

    wgs = (102.5420, 24.3550)  # 玉溪, WGS-84
    gcj = wgs84_to_gcj02(*wgs)
    # The GCJ-02 offset in Yunnan is a few hundred metres; the inverse undoes it to the centimetre.
    assert 0.001 < abs(gcj[0] - wgs[0]) + abs(gcj[1] - wgs[1]) < 0.01
    back = gcj02_to_wgs84(*gcj)
    assert abs(back[0] - wgs[0]) < 1e-6 and abs(back[1] - wgs[1]) < 1e-6
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # outside China: unchanged


def test_the_shipped_outline_file_holds_the_nine_counties():
    import json

    from eduplan.portal.boundaries import outline_file

    data = json.loads(outline_file("530400").read_text(encoding="utf-8"))
    assert len(data["features"]) == 9
    assert {f["properties"]["name"] for f in data["features"]} >= {"红塔区", "江川区", "澄江市"}
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 101 < lon < 104 and 23 < lat < 25.5  # Yuxi, in degrees


def test_the_placeholders_examples_find_what_they_promise(client, city):
    import re

    from eduplan.portal.directory import directory, parse_query, search

    page = client.get("/").content.decode()
    place = re.search(r'id="place"[^>]*placeholder="如:([^"]+)"', page)
    assert place and place.group(1) == "凤凰街道 / fhjd"
    for example in place.group(1).split(" / "):
        assert find_places(example)[0].name == "凤凰街道"
    words = re.search(r'id="q"[^>]*placeholder="如:([^"]+)"', page)
    assert words
    name, initials_, township = words.group(1).split(" / ")
    for example in (name, initials_):
        query, _ = parse_query({"q": example})
        assert search(directory(), query).entries(1)[0].name == name
    query, _ = parse_query({"q": township})
    assert search(directory(), query).entries(1)[0].township_name == township


def test_the_full_address_does_not_repeat_the_township(client, city):
    from eduplan.registry import actions

    actions.update_fields(city.m.kg_a, {"address": "玉兴街道玉兴路18号"}, reason="门牌")
    page = client.get(f"/kindergartens/{city.m.kg_a.code}/").content.decode()
    assert '<dd id="full-address" lang="zh">红塔区玉兴街道 玉兴路18号</dd>' in page
