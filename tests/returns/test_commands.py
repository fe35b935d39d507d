"""The three commands as a bureau uses them: export one institution, import several files with
--dry-run and --user, reconcile in text."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import DivisionLevel, Role
from eduplan.returns.models import ReturnAggregate
from tests.factories import make_division
from tests.returns.helpers import small_county
from tests.returns.sample import CHILDREN_TOTAL, CODE, sample_workbook

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_export_one_institution_and_reconcile_it(tmp_path):
    small_county()
    run("import-returns", str(sample_workbook(tmp_path / "k.xlsx")))
    out = tmp_path / "one.xlsx"
    assert "1 institutions" in run(
        "export-returns", "--year", "2024", "--institution", CODE, "--out", str(out)
    )
    wb = load_workbook(out)
    assert [n for n in wb.sheetnames if not n.startswith("幼儿园")] == []  # one institution: no 汇总 sheets
    children = wb[next(n for n in wb.sheetnames if "基础基311" in n)]
    total = next(r for r in children.iter_rows(min_row=4, values_only=True) if r[2] == "01")
    assert total[:5] == (CODE, "总计", "01", 7, CHILDREN_TOTAL)
    assert "差异 0 处" in run("reconcile-returns", str(out), "--year", "2024")


def test_export_refuses_an_unknown_institution(tmp_path):
    small_county()
    with pytest.raises(CommandError, match="no institution"):
        run("export-returns", "--year", "2024", "--institution", "X", "--out", str(tmp_path / "x.xlsx"))


def test_dry_run_and_several_files(tmp_path):
    small_county()
    first = sample_workbook(tmp_path / "a.xlsx")

    def other(sheets):  # a second kindergarten, in its own file
        for rows in sheets.values():
            for row in rows:
                if row and row[0] == CODE:
                    row[0] = "5304020002"
        sheets["基础基111"][3][1] = "江川区第三幼儿园"

    second = sample_workbook(tmp_path / "b.xlsx", change=other)
    assert "dry run" in run("import-returns", str(first), str(second), "--dry-run")
    assert not ReturnAggregate.objects.exists()
    assert "returns: 2" in run("import-returns", str(first), str(second))
    assert ReturnAggregate.objects.values("institution").distinct().count() == 2


def test_a_county_officer_imports_only_their_county(tmp_path):
    towns = small_county()
    other = make_division("530403", "澄江市", DivisionLevel.COUNTY, towns["city"])
    create_user_with_role("other", "pw-123456", Role.COUNTY_OFFICER, division=other)
    with pytest.raises(CommandError, match="nothing was written"):
        run(
            "import-returns",
            str(sample_workbook(tmp_path / "k.xlsx")),
            "--user",
            "other",
            "--errors-out",
            str(tmp_path / "errors.xlsx"),
        )
    assert not ReturnAggregate.objects.exists()
