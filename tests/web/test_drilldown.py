"""Drill-down below the county: an indicator's numerator and denominator by township and by
institution, adding up to the county's figures, within each user's scope, and exported."""

import csv
import io

import pytest
from openpyxl import load_workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.metrics.cached import all_indicator_records
from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, DivisionType, Ownership, Role, Sponsor
from tests.factories import make_division, make_kindergarten, mini_city

pytestmark = pytest.mark.django_db

YEAR = 2024
PW = "pw-123456"


@pytest.fixture
def city():
    m = mini_city()
    # A second township in county A with a private inclusive kindergarten, and one township-less
    # population cell held at county level.
    town_a2 = make_division(
        "530402002", "春和街道", DivisionLevel.TOWNSHIP, m.county_a, type=DivisionType.SUBDISTRICT
    )
    kg_a2 = make_kindergarten(
        "K3",
        "春和街道明德幼儿园",
        town_a2,
        ownership=Ownership.PRIVATE_NONPROFIT,
        sponsor=Sponsor.PRIVATE,
        inclusive=True,
        inclusive_since="2020-01-01",
    )
    for kg, name, n in (
        (m.kg_a, "中一班", 20),
        (m.kg_a, "大一班", 12),
        (kg_a2, "小一班", 15),
        (m.kg_b, "中一班", 10),
    ):
        group = "large" if name.startswith("大") else "middle" if name.startswith("中") else "small"
        actions.record_class(kg, school_year=YEAR, name=name, age_group=group, boys=n, girls=n)
    for name, n in (("高一(1)班", 30), ("高一(2)班", 20)):
        actions.record_class(m.hs_a, school_year=YEAR, name=name, age_group="g10", boys=n, girls=n)
    for town, count in ((m.town_a, 10), (town_a2, 7), (m.town_b, 9), (m.county_a, 2)):
        for age in range(0, 18):
            for sex in ("M", "F"):
                actions.set_population(
                    town, year=YEAR, age_min=age, age_max=age, sex=sex, basis="resident", count=count
                )
    create_user_with_role("cityo", PW, Role.CITY_OFFICER, division=m.city)
    create_user_with_role("ca", PW, Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("cb", PW, Role.COUNTY_OFFICER, division=m.county_b)
    create_user_with_role("pa", PW, Role.PRINCIPAL, institution=m.kg_a)
    m.town_a2 = town_a2
    m.kg_a2 = kg_a2
    return m


def _county_record(indicator, county="530402"):
    return next(
        r
        for r in all_indicator_records()
        if r["indicator"] == indicator and r["division"] == county and r["year"] == YEAR
    )


def _drill(user, indicator, county="530402"):
    from django.contrib.auth import get_user_model

    from eduplan.web.drilldown import drilldown

    return drilldown(get_user_model().objects.get(username=user), indicator, county, YEAR)


@pytest.mark.parametrize(
    "indicator",
    ["preschool_ger", "inclusive_coverage", "public_share", "high_school_ger", "hs_big_class_share"],
)
def test_township_and_institution_rows_add_up_to_the_county(city, indicator):
    record = _county_record(indicator)
    drill = _drill("ca", indicator)
    assert drill is not None and drill["by_township"]
    assert sum(r["numerator"] for r in drill["by_township"]) == pytest.approx(record["numerator"], abs=1e-3)
    assert sum(r["denominator"] for r in drill["by_township"]) == pytest.approx(
        record["denominator"], abs=1e-3
    )
    assert sum(r["numerator"] for r in drill["by_institution"]) == pytest.approx(
        record["numerator"], abs=1e-3
    )


def test_enrolment_by_institution_and_population_by_township(city):
    drill = _drill("ca", "preschool_ger")
    by_inst = {r["code"]: r for r in drill["by_institution"]}
    assert by_inst["K1"]["numerator"] == 64 and by_inst["K3"]["numerator"] == 30
    assert by_inst["K1"]["denominator"] is None  # population has no institution
    assert "K2" not in by_inst  # another county
    towns = {r["name"]: r for r in drill["by_township"]}
    assert towns["玉兴街道"]["numerator"] == 64 and towns["春和街道"]["numerator"] == 30
    # Population 3–5 of each single-age cell: 10 per sex and age → 60 children aged 3, 4, 5.
    assert towns["玉兴街道"]["denominator"] == pytest.approx(60, abs=1e-3)
    assert towns["春和街道"]["denominator"] == pytest.approx(42, abs=1e-3)
    assert any(r["code"] == "" for r in drill["by_township"])  # the cells held at county level


def test_county_page_links_townships_and_institutions(client, city):
    client.login(username="ca", password=PW)
    page = client.get(f"/office/indicators/preschool_ger/530402/{YEAR}/").content.decode()
    assert f'href="/office/indicators/preschool_ger/530402002/{YEAR}/"' in page
    assert 'href="/office/institutions/K3/"' in page
    township = client.get(f"/office/indicators/preschool_ger/530402002/{YEAR}/")
    assert township.status_code == 200
    text = township.content.decode()
    assert "春和街道明德幼儿园" in text and "玉兴街道中心幼儿园" not in text


def test_other_county_officer_cannot_open_township_or_export(client, city):
    client.login(username="cb", password=PW)
    assert client.get(f"/office/indicators/preschool_ger/530402002/{YEAR}/").status_code == 404
    assert client.get(f"/office/indicators/preschool_ger/530402/{YEAR}/?format=csv").status_code == 404
    assert client.get(f"/office/indicators/preschool_ger/530403100/{YEAR}/").status_code == 200


def test_principal_sees_only_own_institution_and_no_township_sums(client, city):
    drill = _drill("pa", "preschool_ger")
    assert [r["code"] for r in drill["by_institution"]] == ["K1"]
    assert drill["by_township"] == []
    client.login(username="pa", password=PW)
    assert client.get(f"/office/indicators/preschool_ger/530402002/{YEAR}/").status_code == 404
    page = client.get(f"/office/indicators/preschool_ger/530402/{YEAR}/").content.decode()
    assert "玉兴街道中心幼儿园" in page and "春和街道明德幼儿园" not in page


def test_export_csv_and_xlsx_hold_the_rows_the_user_sees(client, city):
    client.login(username="ca", password=PW)
    response = client.get(f"/office/indicators/preschool_ger/530402/{YEAR}/?format=csv&by=institution")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["code"]: int(r["numerator"]) for r in rows} == {"K1": 64, "K3": 30}
    response = client.get(f"/office/indicators/preschool_ger/530402/{YEAR}/?format=xlsx&by=township")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][1] == "乡镇 township"
    assert {"玉兴街道", "春和街道"} <= {row[1] for row in values[1:]}


def test_principal_export_holds_only_own_institution(client, city):
    client.login(username="pa", password=PW)
    response = client.get(f"/office/indicators/preschool_ger/530402/{YEAR}/?format=csv&by=township")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == ["K1"]  # no township sums: the institution rows instead
