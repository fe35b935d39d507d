"""``eduplan indicators`` and ``eduplan export-parquet`` as a user runs them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from rich.cells import cell_len

pytestmark = pytest.mark.django_db

JSON_FIELDS = {
    "indicator",
    "name_zh",
    "name_en",
    "clause",
    "division",
    "division_name",
    "year",
    "value",
    "numerator",
    "denominator",
    "target",
    "comparison",
    "met",
    "forecast",
    "status",
}


def run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_json_is_a_list_of_records_with_the_contract_fields(city, django_db_blocker):
    with django_db_blocker.unblock():
        rows = json.loads(run("--format", "json", "--year", "all"))
    assert isinstance(rows, list) and rows
    assert set(rows[0]) >= JSON_FIELDS
    ger = [r for r in rows if r["indicator"] == "preschool_ger" and r["division"] == "530400"]
    assert [r["year"] for r in ger] == [2021, 2022, 2024]
    assert ger[0]["value"] == pytest.approx(196 / 480 * 100, abs=1e-4)


def test_default_is_the_latest_year_and_county_filter(city, django_db_blocker):
    with django_db_blocker.unblock():
        rows = json.loads(run("--format", "json", "--county", "530402"))
    assert {(r["division"], r["year"]) for r in rows} == {("530402", 2024)}


def test_table_aligns_chinese_text(city, django_db_blocker):
    with django_db_blocker.unblock():
        text = run("--set", "targets")
    lines = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    assert any("学前三年毛入园率" in line and "玉溪市" in line for line in lines)
    assert len({cell_len(line) for line in lines}) == 1  # every row as wide as the header
    assert "正常推进" in text or "明显滞后" in text


def test_xlsx_has_one_sheet_per_group_with_numerator_and_denominator(city, tmp_path, django_db_blocker):
    path = tmp_path / "indicators.xlsx"
    with django_db_blocker.unblock():
        run("--format", "xlsx", "--out", str(path), "--year", "all")
    book = load_workbook(path)
    assert book.sheetnames == ["学前教育 Preschool", "普通高中 High school", "普及普惠评估 County assessment"]
    header = [c.value for c in book["学前教育 Preschool"][1]]
    value = header.index("值")
    assert header[value + 2 : value + 4] == ["分子", "分母"]


def test_csv_header(city, django_db_blocker):
    with django_db_blocker.unblock():
        text = run("--format", "csv")
    assert text.splitlines()[0].startswith("indicator,set,group,name_zh,name_en,clause,division")


def test_user_errors_are_messages(city, django_db_blocker):
    with django_db_blocker.unblock():
        with pytest.raises(CommandError, match="--year"):
            run("--year", "soon")
        with pytest.raises(CommandError, match="--out"):
            run("--format", "xlsx")
        with pytest.raises(CommandError, match="no city"):
            run("--city", "999999")
        with pytest.raises(CommandError, match="export-parquet"):
            run("--parquet", "/nonexistent/dir")


def test_indicators_on_a_parquet_export_match(city, tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("export-parquet", str(tmp_path), stdout=io.StringIO())
        on_db = run("--format", "json", "--year", "all")
    assert json.loads(run("--format", "json", "--year", "all", "--parquet", str(tmp_path))) == json.loads(
        on_db
    )


def test_hyphenated_command_runs_from_the_console_script():
    script = Path(sys.executable).with_name("eduplan")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "eduplan.settings"}
    done = subprocess.run(
        [str(script), "export-parquet", "--help"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "DIR" in done.stdout and "--db" in done.stdout
