"""The files county bureaus really send: each malformed one is refused with messages that say what
is wrong and where, and nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from eduplan.intake.importer import import_file
from eduplan.intake.models import BatchStatus
from eduplan.registry.queries import registry_counts
from tests.factories import mini_city
from tests.intake.helpers import (
    bad_checksum,
    class_row,
    header_rows,
    id_number,
    kind_sheet,
    staff_row,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

CLASS_KEYS = ["institution_code", "school_year", "name", "age_group", "boys", "girls"]


def _wrong_headers(tmp: Path) -> Path:
    return write_xlsx(
        tmp / "f.xlsx",
        {"班级 classes": [["机构代码", "学年", "班级人数", "年龄组/年级"], ["K1", 2024, 30, "小班"]]},
    )


def _title_row_and_merged_cells(tmp: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "班级 classes"
    ws.append(["2024年班级统计表"])
    ws.merge_cells("A1:F1")
    for row in [*header_rows("classes", CLASS_KEYS)[:1], ["K1", 2024, "小一班", "小班", 10, 10]]:
        ws.append(row)
    wb.save(tmp / "f.xlsx")
    return tmp / "f.xlsx"


def _merged_data_cells(tmp: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "班级 classes"
    for row in [
        *header_rows("classes", CLASS_KEYS),
        ["K1", 2024, "小一班", "小班", 10, 10],
        [None, 2024, "小二班", "小班", 9, 9],
    ]:
        ws.append(row)
    ws.merge_cells("A3:A4")  # "the same kindergarten" for two rows: row 4 would read as empty
    wb.save(tmp / "f.xlsx")
    return tmp / "f.xlsx"


def _empty_workbook(tmp: Path) -> Path:
    return write_xlsx(tmp / "f.xlsx", {"班级 classes": []})


def _header_only(tmp: Path) -> Path:
    return write_xlsx(tmp / "f.xlsx", {"班级 classes": header_rows("classes", CLASS_KEYS)})


def _wrong_types(tmp: Path) -> Path:
    return kind_sheet(
        tmp / "f.xlsx",
        "classes",
        [
            class_row(name="甲", boys="十二", is_boarding="也许", school_year=2024.5),
            class_row(name="乙", girls=3.7),
        ],
    )


def _unknown_codes(tmp: Path) -> Path:
    return kind_sheet(
        tmp / "f.xlsx",
        "kindergartens",
        [
            {
                "code": "K8",
                "name": "新园",
                "division_code": "530402001",
                "ownership": "国营",
                "sponsor": "教育部门办",
                "grade": "五星",
            }
        ],
    )


def _bad_checksum(tmp: Path) -> Path:
    return kind_sheet(tmp / "f.xlsx", "staff", [staff_row(seq=5, identity_number=bad_checksum(id_number(5)))])


def _duplicate_codes(tmp: Path) -> Path:
    row = {
        "code": "K8",
        "name": "新园",
        "division_code": "530402001",
        "ownership": "公办",
        "sponsor": "教育部门办",
    }
    return kind_sheet(tmp / "f.xlsx", "kindergartens", [row, {**row, "name": "新园二"}])


def _gbk_csv_with_errors(tmp: Path) -> Path:
    text = "机构代码,学年(起始年),班级名称,年龄组/年级,男,女\r\nK1,2024,小一班,大大班,10,10\r\n"
    (tmp / "f.csv").write_bytes(text.encode("gbk"))
    return tmp / "f.csv"


def _zero_bytes(tmp: Path) -> Path:
    (tmp / "f.xlsx").write_bytes(b"")
    return tmp / "f.xlsx"


def _renamed_file(tmp: Path) -> Path:
    (tmp / "f.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
    return tmp / "f.xlsx"


def _zip_not_excel(tmp: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(tmp / "f.xlsx", "w") as zf:
        zf.writestr("readme.txt", "hello")
    return tmp / "f.xlsx"


def _formula_cell(tmp: Path) -> Path:
    rows = [*header_rows("classes", CLASS_KEYS), ["K1", 2024, "小一班", "小班", 10, "=E3+1"]]
    return write_xlsx(tmp / "f.xlsx", {"班级 classes": rows})


def _bad_dates(tmp: Path) -> Path:
    rows = [
        {"institution_code": "K1", "checked_on": "2024-02-30"},  # no such day
        {"institution_code": "K1", "checked_on": 2024},  # a year typed into a date column
        {"institution_code": "K1", "checked_on": "下个月"},
        {"institution_code": "K1", "checked_on": dt.datetime(2024, 9, 1, 14, 30)},  # a time of day
        {"institution_code": "K1", "checked_on": 45383.5},  # a serial with a time
    ]
    return kind_sheet(tmp / "f.xlsx", "safety_records", rows)


def _unknown_sheet_csv(tmp: Path) -> Path:
    (tmp / "f.csv").write_text("a,b,c\r\n1,2,3\r\n", encoding="utf-8")
    return tmp / "f.csv"


CASES: dict[str, tuple[Callable[[Path], Path], list[str], str]] = {
    "wrong headers": (_wrong_headers, ["missing_column", "unknown_column"], "班级人数"),
    "merged data cells": (_merged_data_cells, ["merged_cells", "required"], "A3:A4"),
    "empty sheet": (_empty_workbook, ["no_data"], "空"),
    "header only": (_header_only, ["no_rows"], "没有数据行"),
    "wrong types": (_wrong_types, ["bad_bool", "bad_int"], "应为整数"),
    "unknown codes": (_unknown_codes, ["unknown_code"], "国营"),
    "bad checksum": (_bad_checksum, ["bad_identity"], "校验位"),
    "duplicate codes": (_duplicate_codes, ["duplicate_key"], "与第3行重复"),
    "GBK CSV": (_gbk_csv_with_errors, ["unknown_code"], "大大班"),
    "0-byte file": (_zero_bytes, ["empty_file"], "0字节"),
    "not Excel renamed .xlsx": (_renamed_file, ["not_excel"], "不是有效的Excel文件"),
    "zip that is not a workbook": (_zip_not_excel, ["not_excel"], "不是Excel"),
    "formula cell": (_formula_cell, ["formula"], "=E3+1"),
    "dates": (_bad_dates, ["bad_date"], "日期不存在"),
    "unrecognisable CSV": (_unknown_sheet_csv, ["unknown_sheet"], "无法判断"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_file_is_refused_and_nothing_written(tmp_path, case):
    build, expected, words = CASES[case]
    mini_city()
    path = build(tmp_path)
    before = registry_counts()
    result = import_file(path)
    assert sorted({p.code for p in result.problems}) == expected, [p.message for p in result.problems]
    assert registry_counts() == before
    assert result.batch.status == BatchStatus.REJECTED
    text = "\n".join(p.message for p in result.problems)
    assert words in text, text
    for p in result.problems:  # every message in both languages, never a traceback
        assert p.zh and p.en and "Traceback" not in p.message


def test_every_bad_date_is_reported(tmp_path):
    mini_city()
    result = import_file(_bad_dates(tmp_path))
    rows = sorted(p.row for p in result.problems)
    assert rows == [3, 4, 5, 6, 7]
    year = next(p for p in result.problems if p.row == 4)
    assert "年份" in year.zh and "year" in year.en


def test_gbk_and_other_encodings_are_read(tmp_path):
    m = mini_city()
    header = "机构代码,学年(起始年),班级名称,年龄组/年级,男,女\r\n"
    for i, (encoding, prefix) in enumerate(
        [
            ("gbk", b""),
            ("gb18030", b""),
            ("utf-8", b""),
            ("utf-8", b"\xef\xbb\xbf"),
            ("utf-16-le", b"\xff\xfe"),
        ]
    ):
        text = header + f"K1,2024,小{i}班,小班,10,{i}\r\n"
        if encoding.startswith("utf-16"):
            text = text.replace(",", "\t")  # Excel's "Unicode text" is tab-separated
        path = tmp_path / f"f{i}.csv"
        path.write_bytes(prefix + text.encode(encoding))
        result = import_file(path, kind="classes")
        assert result.ok, (encoding, [p.message for p in result.problems])
    assert m.kg_a.classes.filter(name__startswith="小").count() == 5


def test_a_title_row_above_the_table_is_passed_over(tmp_path):
    """Statistics sheets often carry a merged title above the header: that is not data."""
    m = mini_city()
    result = import_file(_title_row_and_merged_cells(tmp_path))
    assert result.ok, [p.message for p in result.problems]
    assert m.kg_a.classes.filter(name="小一班").exists()
