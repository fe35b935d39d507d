"""Imports: upserts by key, all or nothing, every problem at once, the user's scope, staff identity
numbers, and a crash mid-write leaving the database as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from eduplan.intake.exporter import export
from eduplan.intake.importer import import_file
from eduplan.intake.models import BatchStatus, ImportBatch
from eduplan.registry.models import Division, Institution, SchoolClass, StaffMember
from eduplan.registry.queries import registry_counts
from tests.intake.helpers import (
    bad_checksum,
    class_row,
    full_city,
    id_number,
    kind_sheet,
    staff_row,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


def user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def codes(result):
    return sorted({p.code for p in result.problems})


def test_creates_then_reimport_changes_nothing(tmp_path):
    m = full_city()
    f = kind_sheet(
        tmp_path / "c.xlsx", "classes", [class_row(name="中二班", age_group="中班", age_3=0, age_4=22)]
    )
    first = import_file(f)
    assert first.ok, [p.message for p in first.problems]
    assert first.counts["classes"] == {"created": 1, "updated": 0, "unchanged": 0}
    cls = SchoolClass.objects.get(institution=m.kg_a, name="中二班")
    assert (cls.age_group, cls.boys, cls.girls, cls.age_4) == ("middle", 10, 12, 22)
    before = registry_counts()
    again = import_file(f)
    assert again.ok and again.counts["classes"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert registry_counts() == before
    assert again.batch.status == BatchStatus.SUCCEEDED and again.batch.file_name == "c.xlsx"


def test_update_by_key_keeps_history_with_the_batch(tmp_path):
    m = full_city()
    f = kind_sheet(
        tmp_path / "k.xlsx",
        "kindergartens",
        [
            {
                "code": "K1",
                "name": "玉兴街道中心幼儿园",
                "division_code": "530402001",
                "ownership": "公办",
                "sponsor": "教育部门办",
                "seats": 400,
            }
        ],
    )
    result = import_file(f, user=user("county_a"))
    assert result.ok, [p.message for p in result.problems]
    assert result.counts["kindergartens"]["updated"] == 1
    m.kg_a.refresh_from_db()
    assert m.kg_a.seats == 400
    assert m.kg_a.is_central  # a column absent from the file keeps its value
    last = m.kg_a.history.latest()
    assert last.history_change_reason.startswith(f"导入 import #{result.batch.pk}")
    assert last.history_user.username == "county_a"


def test_one_bad_row_writes_nothing_and_every_problem_is_reported(tmp_path):
    full_city()
    rows = [
        class_row(name="新一班"),
        class_row(name="新二班", boys="十"),  # not a number
        class_row(name="新三班", age_group="特长班"),  # unknown code
        class_row(code="NOPE", name="新四班"),  # unknown institution
        class_row(name="新五班", minority=40),  # model rule: minority > headcount
        class_row(name="新一班"),  # duplicate key
    ]
    f = kind_sheet(tmp_path / "c.xlsx", "classes", rows)
    before = registry_counts()
    result = import_file(f)
    assert not result.ok
    assert codes(result) == ["bad_int", "duplicate_key", "invalid", "unknown_code", "unknown_reference"]
    assert registry_counts() == before
    by_code = {p.code: p for p in result.problems}
    bad = by_code["bad_int"]
    assert (bad.sheet, bad.row, bad.column, bad.letter, bad.value) == ("班级 classes", 4, "boys", "E", "十")
    assert "应为整数" in bad.message and "expected a whole number" in bad.message
    assert by_code["duplicate_key"].row == 8 and "row 3" in by_code["duplicate_key"].en
    assert "小班" in by_code["unknown_code"].zh  # the allowed values are listed
    assert by_code["invalid"].column == "minority"
    assert result.batch.status == BatchStatus.REJECTED and result.batch.error_count == 5


def test_error_workbook_marks_bad_cells(tmp_path):
    full_city()
    f = kind_sheet(
        tmp_path / "c.xlsx",
        "classes",
        [class_row(name="甲", boys=-1), class_row(name="乙", school_year="明年")],
    )
    result = import_file(f)
    path = tmp_path / "errors.xlsx"
    path.write_bytes(result.error_workbook)
    wb = load_workbook(path)
    errors = list(wb["错误 errors"].values)
    assert len(errors) == 3 and errors[1][1] == 3 and errors[2][1] == 4
    data = wb["班级 classes"]
    assert data["E3"].fill.fgColor.rgb.endswith("FFC7CE") and "不能为负数" in data["E3"].comment.text
    assert data["B4"].comment is not None and data["A3"].comment is None
    assert bytes(ImportBatch.objects.get(pk=result.batch.pk).error_workbook) == result.error_workbook


def test_dry_run_checks_but_writes_nothing(tmp_path):
    full_city()
    before = registry_counts()
    result = import_file(kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="试")]), dry_run=True)
    assert result.ok and result.counts["classes"]["created"] == 1
    assert registry_counts() == before and result.batch.status == BatchStatus.DRY_RUN


def test_workbook_creates_parents_and_children_together(tmp_path):
    """A new township, a kindergarten in it (whose central kindergarten comes later in the file),
    and its classes — all in one file, in any order of rows."""
    full_city()
    from tests.intake.helpers import header_rows

    div_keys = ["code", "name", "level", "parent_code"]
    kg_keys = ["code", "name", "division_code", "ownership", "sponsor", "central_code", "is_central"]
    cls_keys = ["institution_code", "school_year", "name", "age_group", "boys", "girls"]
    path = write_xlsx(
        tmp_path / "all.xlsx",
        {
            "班级 classes": [*header_rows("classes", cls_keys), ["K21", 2024, "小一班", "小班", 5, 5]],
            "幼儿园 kindergartens": [
                *header_rows("kindergartens", kg_keys),
                ["K21", "新村幼儿园", "530402009", "公办", "教育部门办", "K20", "否"],
                ["K20", "新镇中心幼儿园", "530402009", "公办", "教育部门办", None, "是"],
            ],
            "行政区划 divisions": [
                *header_rows("divisions", div_keys),
                ["530402009", "新镇", "乡镇(街道)", "530402"],
            ],
        },
    )
    result = import_file(path, user=user("county_a"))
    assert result.ok, [p.message for p in result.problems]
    k21 = Institution.objects.get(code="K21")
    assert k21.central.code == "K20" and k21.county.code == "530402"
    assert Division.objects.get(code="530402009").county.code == "530402"
    assert SchoolClass.objects.filter(institution=k21).count() == 1


def test_county_officer_imports_only_their_county(tmp_path):
    m = full_city()
    rows = [class_row(code="K1", name="甲"), class_row(code="K2", name="乙")]  # K2 is in county B
    result = import_file(kind_sheet(tmp_path / "c.xlsx", "classes", rows), user=user("county_a"))
    assert codes(result) == ["not_permitted"] and result.permission_denied
    assert result.problems[0].row == 4 and result.problems[0].column == "institution_code"
    assert not SchoolClass.objects.filter(name__in=["甲", "乙"]).exists()
    # An existing record of the other county, even unchanged, is refused too.
    export("classes", "xlsx", tmp_path / "city.xlsx")
    assert import_file(tmp_path / "city.xlsx", user=user("county_b")).permission_denied
    # Moving one's own institution into another county is refused.
    moved = kind_sheet(
        tmp_path / "m.xlsx",
        "kindergartens",
        [
            {
                "code": "K1",
                "name": m.kg_a.name,
                "division_code": "530403100",
                "ownership": "公办",
                "sponsor": "教育部门办",
            }
        ],
    )
    assert import_file(moved, user=user("county_a")).permission_denied


@pytest.mark.parametrize(
    ("who", "kind", "row", "allowed"),
    [
        ("principal", "classes", class_row(code="K1", name="园长班"), True),
        ("principal", "classes", class_row(code="K3", name="别园班"), False),
        (
            "principal",
            "kindergartens",
            {
                "code": "K1",
                "name": "改名",
                "division_code": "530402001",
                "ownership": "公办",
                "sponsor": "教育部门办",
            },
            False,
        ),
        ("viewer", "classes", class_row(code="K1", name="看班"), False),
        ("city", "classes", class_row(code="K2", name="市班"), True),
    ],
)
def test_roles(tmp_path, who, kind, row, allowed):
    full_city()
    result = import_file(kind_sheet(tmp_path / "f.xlsx", kind, [row]), user=user(who))
    assert result.ok is allowed, [p.message for p in result.problems]


def test_staff_identity_numbers_are_hashed_and_never_stored(tmp_path):
    m = full_city()
    number = id_number(77)
    result = import_file(kind_sheet(tmp_path / "s.xlsx", "staff", [staff_row(seq=77)]))
    assert result.ok, [p.message for p in result.problems]
    member = StaffMember.objects.get(name="教师77")
    assert member.id_last4 == number[-4:] and len(member.id_hash) == 64
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("registry_staffmember", "registry_historicalstaffmember", "intake_importbatch"):
            cur.execute(f"SELECT * FROM {table}")
            assert number not in repr(cur.fetchall())
    # The export shows it masked, with the hash; importing the export finds the same person.
    export("staff", "xlsx", tmp_path / "staff.xlsx")
    wb = load_workbook(tmp_path / "staff.xlsx")
    values = [c for row in wb["教职工 staff"].values for c in row]
    assert number not in values and "**************" + number[-4:] in values
    again = import_file(tmp_path / "staff.xlsx")
    assert again.ok and again.counts["staff"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert StaffMember.objects.filter(institution=m.kg_a).count() == 2


def test_staff_identity_problems(tmp_path):
    full_city()
    rows = [
        staff_row(seq=81, identity_number=bad_checksum(id_number(81))),
        staff_row(seq=82, identity_number="**************1234"),  # masked without the export's hash
        staff_row(seq=83, identity_number=None),
        staff_row(seq=84, identity_number=id_number(84), id_hash="0" * 64),  # number and hash disagree
    ]
    result = import_file(kind_sheet(tmp_path / "s.xlsx", "staff", rows))
    assert codes(result) == ["bad_identity", "identity_mismatch", "masked_identity", "required"]
    checksum = next(p for p in result.problems if p.code == "bad_identity")
    assert "校验位" in checksum.zh and id_number(81) not in checksum.message
    # An identity number typed as a number has lost its last digits: refused as such.
    f = kind_sheet(tmp_path / "n.xlsx", "staff", [staff_row(seq=85, identity_number=530402199001010085)])
    assert codes(import_file(f)) == ["identity_not_text"]


def test_a_crash_while_writing_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    full_city()
    rows = [class_row(name=f"班{i}") for i in range(5)]
    f = kind_sheet(tmp_path / "c.xlsx", "classes", rows)
    before = registry_counts()
    from django.db import DatabaseError

    from eduplan.intake import importer

    calls = {"n": 0}
    real = importer.Importer._bulk

    def crash_after_first(self, kind, creates, *args, **kwargs):
        real(self, kind, creates[:2], *args, **kwargs)  # some rows are written …
        calls["n"] += 1
        raise DatabaseError("disk I/O error")  # … then the disk fails

    monkeypatch.setattr(importer.Importer, "_bulk", crash_after_first)
    result = import_file(f)
    assert calls["n"] == 1 and codes(result) == ["database"]
    assert registry_counts() == before
    assert result.batch.status == BatchStatus.FAILED
    assert "nothing was written" in result.problems[0].en


def test_dates_in_every_form_people_type(tmp_path):
    m = full_city()
    rows = [
        {"institution_code": "K1", "checked_on": dt.date(2024, 3, 1)},
        {"institution_code": "K1", "checked_on": 45383},  # Excel serial of 2024-04-01
        {"institution_code": "K1", "checked_on": "2024/5/1"},
        {"institution_code": "K1", "checked_on": "2024年6月1日"},
        {"institution_code": "K1", "checked_on": "20240701"},
        {"institution_code": "K1", "checked_on": "2024.8.1"},
    ]
    result = import_file(kind_sheet(tmp_path / "s.xlsx", "safety_records", rows))
    assert result.ok, [p.message for p in result.problems]
    days = set(m.kg_a.safety_records.values_list("checked_on", flat=True))
    assert {dt.date(2024, mo, 1) for mo in range(3, 9)} <= days


def test_a_tampered_masked_number_is_refused(tmp_path):
    full_city()
    export("staff", "csv", tmp_path / "staff.csv")
    text = (tmp_path / "staff.csv").read_text(encoding="utf-8-sig")
    line = next(row for row in text.splitlines() if row.startswith("K1,"))
    masked = line.split(",")[1]
    tampered = text.replace(line, line.replace(masked, "*" * 14 + "9999"))
    (tmp_path / "staff.csv").write_text(tampered, encoding="utf-8-sig")
    assert codes(import_file(tmp_path / "staff.csv")) == ["identity_mismatch"]


def test_junior_middle_classes_import_with_their_chinese_grade_names(tmp_path):
    full_city()
    from eduplan.registry import actions

    town = Division.objects.get(code="530402001")
    junior = actions.create_institution(
        code="J1",
        name="玉兴中学",
        kind="junior_middle",
        division=town,
        ownership="public",
        sponsor="education",
    )
    rows = [
        class_row("J1", "初一(1)班", age_group="初一", boys=24, girls=22, minority=5, age_3=None),
        class_row("J1", "初三(1)班", age_group="初三 Grade 9", boys=25, girls=23, minority=4, age_3=None),
        class_row("J1", "初二(1)班", age_group="g8", boys=20, girls=20, minority=0, age_3=None),
    ]
    result = import_file(kind_sheet(tmp_path / "j.xlsx", "classes", rows))
    assert result.ok, [p.message for p in result.problems]
    grades = dict(SchoolClass.objects.filter(institution=junior).values_list("name", "age_group"))
    assert grades == {"初一(1)班": "g7", "初二(1)班": "g8", "初三(1)班": "g9"}
    # A junior grade is a school grade: refused for a kindergarten, like the high school ones.
    bad = import_file(
        kind_sheet(tmp_path / "k.xlsx", "classes", [class_row("K1", "初一班", age_group="初一")])
    )
    assert not bad.ok and codes(bad) == ["invalid"]
    assert bad.problems[0].column == "age_group"
