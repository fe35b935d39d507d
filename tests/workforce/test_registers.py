"""Import and export of the workforce registers: all rows or none, problems naming row and column,
identity numbers never in exports, re-import of an export changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.registry.identity import make_number
from eduplan.workforce import actions, registers
from eduplan.workforce.models import PerformancePay, TrainingRecord

from .helpers import staff, world

pytestmark = pytest.mark.django_db


def workbook(path, headers, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_training_import_is_all_or_nothing_with_row_and_column(tmp_path):
    w = world()
    number = make_number("530402", dt.date(1979, 5, 4), 77)
    staff(w.m.hs_a, "王老师", number=number)
    path = workbook(
        tmp_path / "t.xlsx",
        ["机构代码", "姓名", "身份证号", "培训层级", "培训项目", "学时", "开始日期", "结束日期"],
        [
            ["H1", "王老师", number, "国家级", "国培计划", 24, "2025-07-01", "2025-07-05"],
            ["H1", "王老师", number, "县级", "县级轮训", -3, "2025-08-01", "2025-08-02"],
        ],
    )
    out = registers.import_file("training", path)
    assert not out.ok and TrainingRecord.objects.count() == 0
    [p] = out.problems
    assert (p.row, p.column) == (3, "hours")
    assert number not in p.message  # identity numbers only masked in messages


def test_a_course_ending_before_it_starts_is_refused_on_its_end_date(tmp_path):
    w = world()
    number = make_number("530402", dt.date(1979, 5, 4), 78)
    staff(w.m.hs_a, "李老师", number=number)
    path = workbook(
        tmp_path / "t.xlsx",
        ["机构代码", "姓名", "身份证号", "培训层级", "培训项目", "学时", "开始日期", "结束日期"],
        [["H1", "李老师", number, "县级", "县级轮训", 12, "2025-08-05", "2025-08-01"]],
    )
    out = registers.import_file("training", path)
    assert not out.ok and TrainingRecord.objects.count() == 0
    [p] = out.problems
    assert (p.row, p.column) == (2, "end_date") and "结束日期不能早于开始日期" in p.message


def test_training_import_names_an_unknown_person(tmp_path):
    world()
    path = workbook(
        tmp_path / "t.xlsx",
        ["机构代码", "姓名", "身份证号", "培训层级", "培训项目", "学时", "开始日期", "结束日期"],
        [
            [
                "H1",
                "无此人",
                make_number("530402", dt.date(1990, 1, 1), 999),
                "国家级",
                "国培",
                24,
                "2025-07-01",
                "2025-07-05",
            ]
        ],
    )
    out = registers.import_file("training", path)
    assert [p.code for p in out.problems] == ["unknown_staff"]
    assert "staff sheet" in out.problems[0].message


def test_export_masks_identity_and_reimports_unchanged(tmp_path):
    w = world()
    actions.record_training(
        w.teacher,
        level="city",
        course="市级培训",
        hours=12,
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 3, 2),
    )
    out = tmp_path / "export.xlsx"
    call_command("workforce", "export", "training", "--out", str(out), stdout=StringIO())
    sheet = openpyxl.load_workbook(out).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("**************") for c in cells)
    assert not any(len(c) == 18 and c[:17].isdigit() for c in cells)
    before = TrainingRecord.history.count()
    result = registers.import_file("training", out)
    assert result.ok, [p.message for p in result.problems]
    assert TrainingRecord.objects.count() == 1 and TrainingRecord.history.count() == before


def test_pay_import_refuses_a_total_that_is_not_the_sum(tmp_path):
    world()
    path = workbook(
        tmp_path / "p.xlsx",
        [
            "学校代码",
            "年度",
            "绩效工资总额",
            "一线教师金额",
            "一线教师人数",
            "班主任金额",
            "班主任人数",
            "其他人员金额",
            "其他人员人数",
        ],
        [["H1", 2025, 999, 100, 1, 100, 1, 100, 1]],
    )
    out = registers.import_file("pay", path)
    assert [(p.row, p.column) for p in out.problems] == [(2, "total")]
    assert PerformancePay.objects.count() == 0


def test_cli_refuses_ethics_exports_to_roles_that_may_not_see_them(tmp_path):
    w = world()
    with pytest.raises(CommandError) as exc:
        call_command(
            "workforce",
            "export",
            "negative",
            "--out",
            str(tmp_path / "n.xlsx"),
            "--user",
            w.users["viewer_city"].username,
        )
    assert "restricted" in str(exc.value)


TRAINING_HEADERS = ["机构代码", "姓名", "身份证号", "培训层级", "培训项目", "学时", "开始日期", "结束日期"]


def test_a_bad_cell_and_an_unknown_person_are_both_listed_and_nothing_is_written(tmp_path):
    from eduplan.intake.models import BatchStatus, ImportBatch

    w = world()
    number = make_number("530402", dt.date(1979, 5, 4), 79)
    staff(w.m.hs_a, "赵老师", number=number)
    stranger = make_number("530402", dt.date(1990, 1, 1), 998)
    path = workbook(
        tmp_path / "t.xlsx",
        TRAINING_HEADERS,
        [
            ["H1", "赵老师", number, "县级", "县级轮训", -3, "2025-08-01", "2025-08-02"],
            ["H1", "无此人", stranger, "国家级", "国培", 24, "2025-07-01", "2025-07-05"],
            ["H1", "赵老师", number, "国家级", "国培计划", 24, "2025-07-01", "2025-07-05"],
        ],
    )
    out = registers.import_file("training", path)
    assert [(p.row, p.column) for p in out.problems] == [(2, "hours"), (3, "identity_number")]
    assert (out.rows, out.written) == (3, 0) and TrainingRecord.objects.count() == 0
    # the import is recorded like every import of the one pipeline
    batch = ImportBatch.objects.latest("started_at")
    assert batch.status == BatchStatus.REJECTED and batch.kinds == ["training"]


def test_a_dry_run_counts_what_it_would_write_and_writes_nothing(tmp_path):
    w = world()
    number = make_number("530402", dt.date(1979, 5, 4), 80)
    staff(w.m.hs_a, "钱老师", number=number)
    path = workbook(
        tmp_path / "t.xlsx",
        TRAINING_HEADERS,
        [["H1", "钱老师", number, "国家级", "国培计划", 24, "2025-07-01", "2025-07-05"]],
    )
    out = StringIO()
    call_command("workforce", "import", "training", str(path), "--dry-run", stdout=out)
    assert "would import 1/1 (training)" in out.getvalue()
    assert TrainingRecord.objects.count() == 0
    call_command("workforce", "import", "training", str(path), stdout=out)
    assert "imported 1/1 (training)" in out.getvalue() and TrainingRecord.objects.count() == 1
