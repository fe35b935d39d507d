"""The monthly notice (通报, PRE-5.4; HS-3.3): opens with python-docx, carries the indicator
records' own numbers, criticises by the stated rule, has a native chart and an xlsx twin."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from eduplan.supervision import notices, reports
from eduplan.supervision.incidents import record_incident
from eduplan.supervision.models import IncidentKind, Notice
from eduplan.supervision.render import tools

from .helpers import GOOD_VALUES, at, world
from .test_rectification import issued

MARCH = dt.date(2025, 3, 1)
AS_OF = dt.date(2025, 4, 12)
UNITS = {"preschool_ger": "%", "public_share": "%", "hs_big_classes": "个"}
NAMES = {
    "preschool_ger": "学前三年毛入园率",
    "public_share": "公办园在园幼儿占比",
    "hs_big_classes": "普通高中56人及以上大班额班数",
}
TARGETS = {"preschool_ger": (96.0, ">="), "public_share": (60.0, ">="), "hs_big_classes": (0, "<=")}
COUNTIES = [("530402", "红塔区"), ("530403", "江川区")]


def record(indicator: str, division: str, value: float | None, status: str, year: int = 2024) -> dict:
    target, comparison = TARGETS[indicator]
    name = {"530402": "红塔区", "530403": "江川区", "530400": "玉溪市"}[division]
    return {
        "indicator": indicator,
        "name_zh": NAMES[indicator],
        "name_en": indicator,
        "clause": {"preschool_ger": "PRE-T1", "public_share": "PRE-T3", "hs_big_classes": "HS-T5"}[indicator],
        "division": division,
        "division_name": name,
        "year": year,
        "value": value,
        "numerator": None if value is None else value * 10,
        "denominator": 1000 if UNITS[indicator] == "%" else None,  # a count has no denominator
        "target": target,
        "comparison": comparison,
        "met": value is not None and (value >= target if comparison == ">=" else value <= target),
        "forecast": None,
        "status": status,
    }


RECORDS = [
    record("preschool_ger", "530402", 97.4567, "on_track"),
    record("preschool_ger", "530403", 88.125, "off_track"),  # below the city: criticised
    record("preschool_ger", "530400", 93.0, "at_risk"),
    record("public_share", "530402", 55.5, "off_track"),  # off track but above the city: not criticised
    record("public_share", "530403", 61.0, "on_track"),
    record("public_share", "530400", 52.25, "off_track"),
    record("hs_big_classes", "530402", 3, "off_track"),  # worse (more) than the city's 2
    record("hs_big_classes", "530403", None, "no_data"),
    record("hs_big_classes", "530400", 2, "off_track"),
    record("preschool_ger", "530402", 50.0, "off_track", year=2023),  # an older year: ignored
]


def data(**kw) -> notices.NoticeData:
    chosen = [r for r in RECORDS if r["year"] == 2024]
    timeliness = [
        {
            "county": "530402",
            "county_name": "红塔区",
            "period": "2025-03",
            "due_on": dt.date(2025, 4, 5),
            "state": "approved",
            "reported": True,
            "on_time": True,
            "expected": True,
            "first_submitted_on": dt.date(2025, 4, 3),
            "days_late": 0,
            "timeliness": "on_time",
        },
        {
            "county": "530403",
            "county_name": "江川区",
            "period": "2025-03",
            "due_on": dt.date(2025, 4, 5),
            "state": "missing",
            "reported": False,
            "on_time": False,
            "expected": True,
            "first_submitted_on": None,
            "days_late": 7,
            "timeliness": "overdue",
        },
    ]
    fields = dict(
        period=MARCH,
        as_of=AS_OF,
        issued_on=AS_OF,
        city_code="530400",
        city_name="玉溪市",
        issuer="玉溪市教育体育局",
        number="玉教体督〔2025〕3号",
        title="关于2025年3月全市行动计划推进情况的通报",
        addressee="各县(市、区)教育体育局",
        counties=COUNTIES,
        records=chosen,
        units=UNITS,
        timeliness=timeliness,
        criticised=notices.criticised_counties(chosen, timeliness, city_code="530400", counties=COUNTIES),
        rule_text=notices.criticism_rule_text(),
        year=2024,
        draft=False,
    )
    fields.update(kw)
    return notices.NoticeData(**fields)


def reopen(blob: bytes):
    import docx

    return docx.Document(io.BytesIO(blob))


def test_criticism_rule():
    d = data()
    # Defaults ([notice]): two slow targets worse than the city average, or a late/missing report.
    assert [(c["county"], c["reasons"]) for c in d.criticised] == [("530403", ["月报逾期未报送"])]
    one = notices.criticised_counties(
        d.records, d.timeliness, city_code="530400", counties=COUNTIES, min_indicators=1
    )
    by = {c["county"]: c for c in one}
    assert by["530403"]["indicators"] == ["preschool_ger"]  # 88.1 < the city's 93.0
    # public_share: off track but above the city; hs_big_classes: a count is compared with the
    # counties' mean (3, only one county has a value), not with the city's sum.
    assert "530402" not in by
    counts = [
        r
        if (r["indicator"], r["division"]) != ("hs_big_classes", "530403")
        else record("hs_big_classes", "530403", 1, "on_track")
        for r in d.records
    ]
    by = {
        c["county"]: c
        for c in notices.criticised_counties(
            counts, [], city_code="530400", counties=COUNTIES, min_indicators=1
        )
    }
    assert by["530402"]["indicators"] == ["hs_big_classes"]  # 3 is worse than the mean of 3 and 1
    excluded = notices.criticised_counties(
        d.records, [], city_code="530400", counties=COUNTIES, min_indicators=1, exclude=["preschool_ger"]
    )
    assert excluded == []
    strict = notices.criticised_counties(
        d.records, d.timeliness, city_code="530400", counties=COUNTIES, min_indicators=2, late_report=False
    )
    assert strict == []
    # Without a city value, the counties' mean is the reference.
    no_city = [r for r in d.records if r["division"] != "530400"]
    mean = notices.criticised_counties(
        no_city, [], city_code="530400", counties=COUNTIES, min_indicators=1, late_report=False
    )
    assert [c["county"] for c in mean] == ["530402", "530403"]


def test_punctuation_in_chinese_text():
    assert (
        notices.zh_punct("华宁县(目标:一级高(完)中在校生占比,月报逾期报送);易门县")
        == "华宁县（目标：一级高（完）中在校生占比，月报逾期报送）；易门县"
    )
    assert notices.zh_punct("(draft, not issued)") == "(draft, not issued)"


def test_notice_numbers_equal_the_records(settings):
    d = data()
    blob = notices.notice_bytes(d)
    doc = reopen(blob)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert d.number in text and "玉溪市教育体育局" in text and "2025年4月12日" in text
    assert "各县（市、区）教育体育局：" in text  # full-width punctuation in the body
    matrix = doc.tables[0]
    header = [c.text for c in matrix.rows[0].cells]
    assert header[0] == "县（市、区）" and header[1].startswith("学前三年毛入园率") and "≥96%" in header[1]
    cells = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in matrix.rows[1:]}
    for code, name in [*COUNTIES, ("530400", "玉溪市（全市）")]:
        expected = [
            notices.format_value(
                next((r["value"] for r in d.records if r["division"] == code and r["indicator"] == i), None),
                UNITS[i],
            )
            for i in UNITS
        ]
        assert cells[name] == expected
    assert cells["红塔区"] == ["97.46%", "55.50%", "3"] and cells["江川区"][2] == "—"
    # City lines in the body carry the same numbers.
    assert "学前三年毛入园率（PRE-T1）：全市93.00%，目标≥96%，尚未达到目标值，存在风险。" in text
    assert "对以下县（市、区）予以通报批评：江川区（月报逾期未报送）。" in text
    timeliness = doc.tables[1]
    assert [c.text for c in timeliness.rows[2].cells] == ["江川区", "2025-04-05", "—", "未报送", "逾期未报"]


def test_notice_has_a_native_chart_with_the_same_numbers():
    blob = notices.notice_bytes(data())
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        names = z.namelist()
        chart = z.read("word/charts/chart1.xml").decode()
        assert "word/embeddings/Microsoft_Excel_Worksheet1.xlsx" in names
        assert (
            "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
            in z.read("[Content_Types].xml").decode()
        )
        fonts = z.read("word/fontTable.xml").decode()
    assert "仿宋_GB2312" in fonts and '<w:altName w:val="仿宋"/>' in fonts
    values = [float(v) for v in re.findall(r"<c:v>([0-9.]+)</c:v>", chart)]
    assert 97.4567 in values and 88.125 in values and 93.0 in values
    assert "红塔区" in chart and "玉溪市" in chart


def test_xlsx_has_the_same_unrounded_numbers():
    d = data()
    wb = load_workbook(io.BytesIO(notices.build_notice_xlsx(d)))
    sheet = wb["指标 indicators"]
    rows = list(sheet.iter_rows(values_only=True))
    cols = rows[0]
    got = {(r[cols.index("division")], r[cols.index("indicator")]): r[cols.index("value")] for r in rows[1:]}
    for r in d.records:
        assert got[(r["division"], r["indicator"])] == r["value"]
    crit = list(wb["通报批评 criticised"].iter_rows(values_only=True))
    assert [c[0] for c in crit[1:]] == ["530403"]


@pytest.mark.django_db
def test_collected_from_the_database_and_written_by_the_command(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world()
    r = reports.open_monthly_report(w.m.county_a, MARCH, user=w.county_a)
    reports.save_monthly_report(r, values=GOOD_VALUES, user=w.county_a)
    reports.submit_monthly_report(r, user=w.county_a, at=at(dt.date(2025, 4, 3)))
    reports.approve_monthly_report(r, user=w.city)
    order = issued(w)  # deadline 2025-04-10: overdue on AS_OF
    record_incident(
        w.m.county_b,
        kind=IncidentKind.TEACHER_ETHICS,
        occurred_on=dt.date(2025, 3, 20),
        title="师德问题",
        user=w.city,
    )
    d = notices.collect_notice_data(MARCH, city=w.m.city, records=RECORDS, as_of=AS_OF)
    assert d.year == 2024 and len(d.records) == 9  # the 2023 record is left out
    assert [t["timeliness"] for t in d.timeliness] == ["on_time", "overdue"]
    assert [o["code"] for o in d.overdue] == [order.code] and d.overdue[0]["days_overdue"] == 2
    assert d.banned == {"530403": dt.date(2027, 3, 20)} and len(d.incidents) == 1
    assert d.number == "玉教体督〔2025〕1号" and d.draft

    records_file = tmp_path / "records.json"
    records_file.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    out, xlsx = tmp_path / "n.docx", tmp_path / "n.xlsx"
    call_command(
        "report",
        "monthly",
        "--month",
        "2025-03",
        "--out",
        str(out),
        "--xlsx",
        str(xlsx),
        "--records",
        str(records_file),
        "--as-of",
        "2025-04-12",
    )
    text = "\n".join(p.text for p in reopen(out.read_bytes()).paragraphs)
    assert "逾期未整改问题1个" in text and "草稿" in text and "江川区（至2027年3月20日）" in text
    assert load_workbook(xlsx)["附表3 overdue"]["A2"].value == order.code
    call_command(
        "report",
        "monthly",
        "--month",
        "2025-03",
        "--out",
        str(out),
        "--records",
        str(records_file),
        "--as-of",
        "2025-04-12",
        "--issue",
    )
    call_command(
        "report",
        "monthly",
        "--month",
        "2025-03",
        "--out",
        str(out),
        "--records",
        str(records_file),
        "--as-of",
        "2025-04-12",
        "--issue",
    )
    assert list(Notice.objects.order_by("sequence").values_list("number", flat=True)) == [
        "玉教体督〔2025〕1号",
        "玉教体督〔2025〕2号",
    ]
    assert "玉教体督〔2025〕2号" in "\n".join(p.text for p in reopen(out.read_bytes()).paragraphs)
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command(
            "report", "monthly", "--month", "2025/03", "--out", str(out), "--records", str(records_file)
        )


@pytest.mark.django_db(transaction=True)  # the engine's SQLite handle commits the test transaction
def test_notice_numbers_equal_the_indicator_engine():
    from eduplan.metrics.indicators import compute_indicators
    from eduplan.registry import actions

    w = world()
    for inst, boys in ((w.m.kg_a, 20), (w.m.kg_b, 12)):
        actions.record_class(
            inst, school_year=2024, name="大一班", age_group="large", boys=boys, girls=10, age_5=boys + 10
        )
    for county in (w.m.county_a, w.m.county_b):
        for age in (3, 4, 5):
            for sex in "MF":
                actions.set_population(
                    county, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=30
                )
    engine = [r for r in compute_indicators(city="530400", sets=["targets"]) if r["year"] == 2024]
    d = notices.collect_notice_data(MARCH, city=w.m.city, as_of=AS_OF)
    assert d.year == 2024
    doc = reopen(notices.notice_bytes(d))
    compared = 0
    names = {"红塔区": "530402", "江川区": "530403", "玉溪市（全市）": "530400"}
    for table in doc.tables:
        header = [c.text.split("\n")[0] for c in table.rows[0].cells]
        indicator_names = {notices.zh_punct(r["name_zh"]) for r in engine}
        if header[0] != "县（市、区）" or len(header) < 2 or not set(header[1:]) <= indicator_names:
            continue  # not the indicator matrix (timeliness, overdue tasks, incentives …)
        for row in table.rows[1:]:
            division = names[row.cells[0].text]
            for name, cell in zip(header[1:], row.cells[1:], strict=True):
                rec = next(
                    (
                        r
                        for r in engine
                        if r["division"] == division and notices.zh_punct(r["name_zh"]) == name
                    ),
                    None,
                )
                expected = "—" if rec is None else notices.format_value(rec["value"], rec["unit"])
                assert cell.text == expected, (division, name)
                compared += 1
    ger = next(r for r in engine if r["division"] == "530400" and r["indicator"] == "preschool_ger")
    assert ger["value"] is not None and compared >= 3 * len(d.indicators())
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"学前三年毛入园率（PRE-T1）：全市{notices.format_value(ger['value'], '%')}" in text


@pytest.mark.django_db(transaction=True)
def test_without_engine_data_the_command_says_so(tmp_path):
    world()
    with pytest.raises(CommandError, match="no indicator data"):
        call_command("report", "monthly", "--month", "2025-03", "--out", str(tmp_path / "n.docx"))


@pytest.mark.skipif(
    None in tools().values(),
    reason="LibreOffice/pdftoppm not installed (apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk)",
)
def test_renders_with_libreoffice(tmp_path):
    from eduplan.supervision.render import render_notice

    path = tmp_path / "notice.docx"
    path.write_bytes(notices.notice_bytes(data()))
    out = render_notice(path, tmp_path / "render")
    assert out[0].suffix == ".pdf" and out[0].stat().st_size > 1000
    assert len(out) >= 3  # body pages and the annex
