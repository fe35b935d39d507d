"""Public lists of public and inclusive kindergartens per county, their downloads (xlsx, csv), and
the counties' indicators in plain language."""

import csv
import io

import openpyxl
import pytest
from django.core.cache import caches

from eduplan.portal import disclosure
from eduplan.registry import actions
from tests.portal.helpers import portal_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return portal_city()


def test_lists_page_counts_per_county(client, city):
    page = client.get("/lists/").content.decode()
    assert "红塔区" in page and "江川区" in page
    county = client.get("/lists/530402/").content.decode()
    public, inclusive = county.split('id="inclusive"')
    assert "玉兴街道中心幼儿园" in public and "春蕾幼儿园" not in public
    assert "春蕾幼儿园" in inclusive and "阳光幼儿园" not in county  # for-profit, not inclusive
    assert client.get("/lists/999999/").status_code == 404


def test_downloads(client, city):
    response = client.get("/lists/530402/inclusive.csv")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese readably
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][3] == "名称 name" and {r[3] for r in rows[1:]} == {"玉兴街道中心幼儿园", "春蕾幼儿园"}
    k1 = next(r for r in rows if r[3] == "玉兴街道中心幼儿园")
    assert "合格" in k1[14] and k1[13] == "2024"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/lists/all/public.xlsx").content))
    sheet = book.active
    names = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"玉兴街道中心幼儿园", "江城镇中心幼儿园", "大营村办园点"}
    assert client.get("/lists/530402/everything.csv").status_code == 404
    assert client.get("/lists/530402/public.pdf").status_code == 404


def test_downloads_cannot_carry_spreadsheet_formulas(client, city):
    actions.update_fields(city.kg_inclusive, {"address": '=HYPERLINK("http://x")'})
    text = client.get("/lists/530402/inclusive.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/lists/530402/inclusive.xlsx").content))
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


RECORD = {
    "indicator": "preschool_ger",
    "set": "targets",
    "group": "preschool",
    "name_zh": "学前三年毛入园率",
    "name_en": "Preschool gross enrollment rate",
    "division": "530402",
    "division_name": "红塔区",
    "level": "county",
    "year": 2024,
    "value": 93.5,
    "unit": "%",
    "target": 96,
    "comparison": ">=",
    "deadline": "2025-12-31",
    "met": False,
    "status": "off_track",
    "note": "",
}


def test_indicator_sentences():
    s = disclosure.statement(RECORD)
    assert s.zh == "2024–2025学年 红塔区 学前三年毛入园率 93.5%,目标不低于96%(2025年底):进度滞后"
    assert s.en.endswith("target at least 96% by end of 2025: behind schedule")
    met = disclosure.statement({**RECORD, "value": 97.04, "met": True, "status": "on_track"})
    assert met.zh.endswith("97.0%,目标不低于96%(2025年底):已达到目标")
    count = disclosure.statement(
        {**RECORD, "unit": "个", "value": 3, "target": 0, "comparison": "<=", "deadline": "2025-06-30"}
    )
    assert "3个,目标不超过0个(2025年6月30日)" in count.zh
    plain = disclosure.statement({**RECORD, "target": None, "unit": "所", "value": 2})
    assert plain.zh == "2024–2025学年 红塔区 学前三年毛入园率 2所"


def test_county_page_shows_indicators_and_survives_their_failure(client, city, monkeypatch):
    monkeypatch.setattr(
        "eduplan.metrics.cached.all_indicator_records",
        lambda: [RECORD, {**RECORD, "year": 2023, "value": 90}],
    )
    page = client.get("/lists/530402/").content.decode()
    assert "学前三年毛入园率 93.5%" in page and "90%" not in page  # the latest year only

    def broken():
        raise RuntimeError("no plan file")

    monkeypatch.setattr("eduplan.metrics.cached.all_indicator_records", broken)
    caches["pages"].clear()  # else the page kept from the first visit is served, figures and all
    response = client.get("/lists/530402/")
    assert response.status_code == 200 and "指标暂时无法计算" in response.content.decode()
    assert response["Cache-Control"] == "no-store"  # neither a browser nor the server keeps it

    monkeypatch.setattr("eduplan.metrics.cached.all_indicator_records", lambda: [RECORD])
    assert "学前三年毛入园率 93.5%" in client.get("/lists/530402/").content.decode()
