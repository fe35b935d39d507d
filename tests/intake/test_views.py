"""The officers' import and export pages: scoped like every other page."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from eduplan.intake.models import ImportBatch
from eduplan.registry.models import SchoolClass
from tests.intake.helpers import class_row, full_city, kind_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.intake.urls")]


@pytest.fixture
def county_a(client):
    full_city()
    client.login(username="county_a", password="pw-123456")
    return client


def test_pages_need_a_login(client):
    full_city()
    for url in ("/office/import/", "/office/export/", "/office/import/templates/classes.xlsx"):
        assert client.get(url).status_code == 302


def test_upload_imports_and_shows_the_result(county_a, tmp_path):
    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="网页班")])
    page = county_a.get("/office/import/")
    assert page.status_code == 200 and "导入数据" in page.content.decode()
    with f.open("rb") as fh:
        response = county_a.post("/office/import/", {"file": fh, "kind": ""})
    assert response.status_code == 302
    result = county_a.get(response["Location"]).content.decode()
    assert "已导入" in result and SchoolClass.objects.filter(name="网页班").exists()
    batch = ImportBatch.objects.get()
    assert batch.source == "web" and batch.user.username == "county_a"


def test_rejected_upload_lists_every_problem_and_offers_the_marked_workbook(county_a, tmp_path):
    rows = [class_row(name="甲", boys="多"), class_row(code="K2", name="乙")]  # K2: another county
    f = kind_sheet(tmp_path / "c.xlsx", "classes", rows)
    with f.open("rb") as fh:
        response = county_a.post("/office/import/", {"file": fh})
    page = county_a.get(response["Location"]).content.decode()
    assert "2 个错误" in page and "应为整数" in page and "不在您的管辖范围内" in page
    errors = county_a.get(f"/office/import/{ImportBatch.objects.get().pk}/errors.xlsx")
    assert errors.status_code == 200
    wb = load_workbook(__import__("io").BytesIO(errors.content))
    assert wb["班级 classes"]["E3"].comment is not None
    assert not SchoolClass.objects.filter(name__in=["甲", "乙"]).exists()


def test_another_users_batch_is_not_found(county_a, client, tmp_path):
    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="甲", boys="多")])
    with f.open("rb") as fh:
        county_a.post("/office/import/", {"file": fh})
    pk = ImportBatch.objects.get().pk
    client.logout()
    client.login(username="county_b", password="pw-123456")
    assert client.get(f"/office/import/{pk}/").status_code == 404
    assert client.get(f"/office/import/{pk}/errors.xlsx").status_code == 404


def test_export_download_is_scoped(county_a):
    response = county_a.get("/office/export/", {"kind": "kindergartens", "format": "csv"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert "K1" in text and "K2" not in text
    xlsx = county_a.get("/office/export/", {"kind": "all", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "CSV" in county_a.get("/office/export/", {"kind": "all", "format": "csv"}).content.decode()


def test_template_download(county_a):
    response = county_a.get("/office/import/templates/staff.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert county_a.get("/office/import/templates/pupils.xlsx").status_code == 404
