"""The command line: eduplan check, eduplan rules (and check-name in test_naming)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.rules.catalogue import catalogue

from .builders import clean_kindergarten


def check(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("check", *args, "--as-of", "2025-03-01", stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db
def test_check_json_has_the_finding_fields(city):
    clean_kindergarten(city, "K-X", "国际幼儿园", licence_status="unlicensed")
    records = json.loads(check("--format", "json"))
    assert {r["rule"] for r in records} >= {"KG-NAME", "KG-UNLICENSED"}
    for r in records:
        assert set(r) >= {
            "rule",
            "clause",
            "severity",
            "entity_type",
            "entity_code",
            "entity_name",
            "division",
            "message_zh",
            "message_en",
            "measured",
            "required",
        }


@pytest.mark.django_db
def test_check_filters_by_rule_county_and_severity(city):
    clean_kindergarten(city, "K-X", "国际幼儿园", licence_status="unlicensed")
    clean_kindergarten(city, "K-Y", "世界幼儿园", town=city.town_b)
    records = json.loads(check("--format", "json", "--rule", "KG-NAME", "--county", "530423"))
    assert [(r["rule"], r["entity_code"]) for r in records] == [("KG-NAME", "K-Y")]
    records = json.loads(check("--format", "json", "--severity", "high"))
    assert {r["severity"] for r in records} == {"high"}
    records = json.loads(check("--format", "json", "--rule", "KG-NAME,KG-UNLICENSED", "--year", "2024"))
    assert {r["rule"] for r in records} == {"KG-NAME", "KG-UNLICENSED"}
    records = json.loads(check("--format", "json", "--violations-only"))
    assert all(r["kind"] == "violation" for r in records)


@pytest.mark.django_db
def test_check_table_csv_and_xlsx(city, tmp_path):
    clean_kindergarten(city, "K-X", "国际幼儿园")
    table = check("--rule", "KG-NAME")
    assert "国际幼儿园" in table and "PRE-4.2.4" in table
    rows = list(csv.DictReader(io.StringIO(check("--rule", "KG-NAME", "--format", "csv"))))
    assert rows[0]["entity_code"] == "K-X" and rows[0]["clause"] == "PRE-4.2.4"
    out = tmp_path / "findings.xlsx"
    check("--rule", "KG-NAME", "--format", "xlsx", "--out", str(out))
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet.cell(1, 1).value == "严重程度 severity"
    assert [c.value for c in sheet[2]][4] == "K-X"


@pytest.mark.django_db
def test_check_errors_are_messages_not_tracebacks(city):
    for args in (
        ("--rule", "NOPE"),
        ("--county", "000000"),
        ("--severity", "urgent"),
        ("--format", "xlsx"),
    ):
        with pytest.raises(CommandError) as err:
            check(*args)
        assert "/" in str(err.value)  # Chinese / English
    with pytest.raises(CommandError):
        call_command("check", "--as-of", "2025-02-30")
    with pytest.raises(CommandError):
        call_command("check", "--user", "nobody")


@pytest.mark.django_db
def test_check_system_still_runs_djangos_checks():
    out = io.StringIO()
    call_command("check", "--system", stdout=out, stderr=io.StringIO())
    assert "System check identified no issues" in out.getvalue()
    # As Django's test runner calls it.
    out = io.StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=io.StringIO())
    assert "System check identified" in out.getvalue()


def test_rules_lists_the_catalogue_with_parameters_and_sources():
    out = io.StringIO()
    call_command("rules", "--format", "json", stdout=out)
    entries = json.loads(out.getvalue())
    assert [e["id"] for e in entries] == list(catalogue())
    size = next(e for e in entries if e["id"] == "KG-CLASS-SIZE")
    assert size["clause"] == "PRE-4.1.2"
    assert {p["name"]: p["value"] for p in size["parameters"]}["kindergarten_class_size.small"] == 25
    assert "幼儿园工作规程" in size["parameters"][0]["source"]
    out = io.StringIO()
    call_command("rules", "--rule", "KG-FUNDING", stdout=out)
    assert "KG-FUNDING" in out.getvalue() and "未核实" in out.getvalue()
    funding = next(e for e in entries if e["id"] == "KG-FUNDING")
    assert funding["parameters"][0]["verified"] is False
    with pytest.raises(CommandError):
        call_command("rules", "--rule", "NOPE")
