"""The duty registers (eduplan.duties) have the shape of the good registers: imports all or nothing
with row and column, the API scoped and checked like an import, pages with a form that writes through
the one save path (history with who), and exports of exactly what the list shows."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.api.models import create_token
from eduplan.duties.kinds import DUTY_KINDS, OUTFLOW, PARTY
from eduplan.duties.models import PartyCoverage, TalentOutflow
from eduplan.duties.transfer import export_duties, import_duties, import_duty_rows
from eduplan.intake import kinds as intake_kinds
from eduplan.registry.choices import Role
from tests.factories import make_kindergarten, mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    m = mini_city()
    m.users = {
        "city": create_user_with_role("d_city", "pw-123456", Role.CITY_OFFICER, division=m.city).user,
        "a": create_user_with_role("d_county_a", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a).user,
        "b": create_user_with_role("d_county_b", "pw-123456", Role.COUNTY_OFFICER, division=m.county_b).user,
        "viewer": create_user_with_role("d_view", "pw-123456", Role.VIEWER, division=m.city).user,
    }
    return m


OUT = {
    "county_code": "530402",
    "year": 2024,
    "top_candidates": 100,
    "top_admitted_outside": 12,
    "hs_teachers": 300,
    "teachers_to_city": 4,
}


def test_an_import_is_all_or_nothing_and_names_the_row_and_column(city):
    bad = {**OUT, "year": 2023, "top_admitted_outside": 120}  # more admitted outside than candidates
    result = import_duty_rows(OUTFLOW, [OUT, bad])
    assert not result.ok and TalentOutflow.objects.count() == 0
    problem = result.problems[0]
    assert (problem.row, problem.column) == (2, "top_admitted_outside") and "县外录取数120" in problem.zh
    result = import_duty_rows(OUTFLOW, [OUT, {**bad, "top_admitted_outside": 15}])
    assert result.ok, [p.message for p in result.problems]
    assert TalentOutflow.objects.count() == 2
    assert set(DUTY_KINDS).isdisjoint(intake_kinds.KINDS)  # never lent to the registry workbook


def test_a_workbook_round_trips_through_export_and_import(city, tmp_path):
    import_duty_rows(OUTFLOW, [OUT])
    data, counts = export_duties([OUTFLOW])
    assert counts.get(OUTFLOW.key, 1) >= 1
    path = tmp_path / "duties.xlsx"
    path.write_bytes(data)
    TalentOutflow.objects.all().delete()
    result = import_duties(path)
    assert result.ok, [p.message for p in result.problems]
    assert TalentOutflow.objects.get().top_admitted_outside == 12


def test_a_county_officer_imports_and_reads_only_own_county_through_the_api(city, client):
    token = create_token(city.users["a"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    rows = {"rows": [{**OUT, "county_code": "530403"}]}
    resp = client.post("/api/duties/talent-outflow", rows, content_type="application/json", **auth)
    assert resp.status_code == 403 and not TalentOutflow.objects.exists()
    resp = client.post("/api/duties/talent-outflow", {"rows": [OUT]}, content_type="application/json", **auth)
    assert resp.status_code == 200, resp.content
    import_duty_rows(OUTFLOW, [{**OUT, "county_code": "530403"}])  # the city's import of county B
    items = client.get("/api/duties/talent-outflow", **auth).json()["items"]
    assert [i["county_code"] for i in items] == ["530402"]
    city_token = create_token(city.users["city"])[1]
    assert (
        client.get("/api/duties/talent-outflow", HTTP_AUTHORIZATION=f"Bearer {city_token}").json()["count"]
        == 2
    )


def test_the_register_page_records_with_history_and_refuses_another_county(city, client):
    url = "/office/duties/party-coverage/"
    client.force_login(city.users["a"])
    page = client.get(url).content.decode()
    assert "新增记录" in page and "K1 玉兴街道中心幼儿园" in page and "江城镇中心幼儿园" not in page
    row = {
        "form": "joint",
        "organisation": "红塔区幼儿园联合党支部",
        "established_on": "2023-07-01",
        "document": "党〔2023〕1号",
    }
    assert client.post(url, {**row, "institution": city.kg_b.pk}).status_code == 403
    assert client.post(url, {**row, "institution": city.kg_a.pk}).status_code == 302
    saved = PartyCoverage.objects.get()
    assert saved.institution == city.kg_a and saved.history.first().history_user == city.users["a"]
    # A refusal of the model shows on its field and writes nothing.
    page = client.post(
        url, {**row, "institution": city.kg_a.pk, "established_on": "2024-01-01", "document": " "}
    ).content.decode()
    assert "批复文号" in page and PartyCoverage.objects.count() == 1
    resp = client.get(url, {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(resp.content))[PARTY.sheet]
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]] == ["K1"]


def test_a_viewer_sees_the_registers_but_no_form(city, client):
    client.force_login(city.users["viewer"])
    assert "职责落实" in client.get("/office/duties/").content.decode()
    page = client.get("/office/duties/party-coverage/").content.decode()
    assert "新增记录" not in page
    assert client.post("/office/duties/party-coverage/", {"institution": city.kg_a.pk}).status_code == 403


def test_every_register_page_offers_its_form_to_a_city_officer(city, client):
    from eduplan.duties.forms import FORMS
    from eduplan.registry.models import Institution

    Institution.objects.filter(pk=city.kg_a.pk).update(is_central=True)  # a central one to register
    make_kindergarten("K9", "江城镇民办园", city.town_b, ownership="private_nonprofit", sponsor="private")
    client.force_login(city.users["city"])
    for kind in DUTY_KINDS.values():
        page = client.get(f"/office/duties/{kind.url_name}/").content.decode()
        assert kind.key in FORMS and "新增记录" in page and "csrfmiddlewaretoken" in page, kind.key
