"""A malformed return is refused with its place — file, sheet, row, column, what was expected — and
nothing is written: a column missing, a total that does not add up, an unknown code."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from eduplan.intake.models import BatchStatus
from eduplan.registry.models import Institution
from eduplan.returns.importing import import_returns
from eduplan.returns.layout import load_edition
from eduplan.returns.models import ReturnAggregate
from tests.returns.helpers import small_county
from tests.returns.sample import sample_workbook

pytestmark = pytest.mark.django_db


def refused(path) -> list:
    small_county()
    before = Institution.objects.count()
    result = import_returns([path], load_edition(2024))
    assert result.problems
    assert result.batch.status == BatchStatus.REJECTED
    assert Institution.objects.count() == before
    assert not ReturnAggregate.objects.exists()
    return result.problems


def test_a_missing_column_is_named(tmp_path):
    problems = refused(sample_workbook(tmp_path / "k.xlsx", drop_column="4岁"))
    [p] = [p for p in problems if p.code == "missing_column"]
    assert p.sheet == "基础基311" and p.row == 3
    assert p.column == "age_4" and "4岁" in p.zh


def test_a_total_that_does_not_add_up_is_refused_at_its_cell(tmp_path):
    def change(sheets):
        sheets["基础基311"][5][8] += 1  # 总计 row, 3岁 column: one more than its rows

    problems = refused(sample_workbook(tmp_path / "k.xlsx", change=change))
    checks = [p for p in problems if p.code == "check_failed"]
    assert checks
    row_total = next(p for p in checks if "合计行" in p.zh)
    assert (row_total.sheet, row_total.cell, row_total.column) == ("基础基311", "I6", "age_3")
    assert "01" in row_total.zh and "02+03+04+05+06" in row_total.zh


def test_an_unknown_row_code_is_refused(tmp_path):
    def change(sheets):
        sheets["基础基311"][7][2] = "07"  # 小班 given a code the table does not have

    problems = refused(sample_workbook(tmp_path / "k.xlsx", change=change))
    p = next(p for p in problems if p.code == "unknown_code")
    assert (p.sheet, p.cell, p.value) == ("基础基311", "C8", "07")
    assert "02 托班" in p.zh


def test_an_unknown_sponsor_code_is_refused(tmp_path):
    def change(sheets):
        sheets["基础基111"][3][4] = "99"

    problems = refused(sample_workbook(tmp_path / "k.xlsx", change=change))
    [p] = problems
    assert (p.code, p.sheet, p.cell, p.column) == ("unknown_code", "基础基111", "E4", "sponsor")
    assert "教育部门" in p.zh


def test_an_unknown_division_is_refused_and_the_command_writes_the_error_workbook(tmp_path):
    def change(sheets):
        sheets["基础基111"][3][7] = "530499999"

    path = sample_workbook(tmp_path / "k.xlsx", change=change)
    small_county()
    errors = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import-returns", str(path), "--errors-out", str(errors))
    assert errors.exists() and errors.stat().st_size > 0
    assert not Institution.objects.filter(code="5304020001").exists()
    assert not ReturnAggregate.objects.exists()
