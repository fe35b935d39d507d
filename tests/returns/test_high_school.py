"""A general high school's return (基础教育学校(机构)统计报表(普通高中)), built by hand: classes and
students by grade and classes by size band carry the plan's big-class indicator; classes by size
must add up to the classes by grade, row by row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from eduplan.metrics.indicators import compute_indicators
from eduplan.returns.importing import import_returns
from eduplan.returns.layout import load_edition
from tests.returns.helpers import small_county

pytestmark = pytest.mark.django_db
CODE = "5304020100"
FORM = "基础教育学校(机构)统计报表(普通高中)"
BANDS = [
    "25人及以下",
    "26-30人",
    "31-35人",
    "36-40人",
    "41-45人",
    "46-50人",
    "51-55人",
    "56-60人",
    "61-65人",
    "66人及以上",
]
#: grade → (classes, students, girls, minority, classes by band)
GRADES = {
    "02": ("一年级", 10, 520, 260, 30, [0, 0, 0, 0, 0, 4, 6, 0, 0, 0]),
    "03": ("二年级", 10, 560, 280, 31, [0, 0, 0, 0, 0, 2, 5, 3, 0, 0]),
    "04": ("三年级", 10, 600, 300, 32, [0, 0, 0, 0, 0, 0, 4, 3, 2, 1]),
}


def workbook(path, *, size_total_off: bool = False):
    wb = Workbook()
    wb.remove(wb.active)
    basic = wb.create_sheet("普通高中 基础基111")
    basic.append([FORM])
    basic.append(
        ["学校(机构)标识码", "学校(机构)名称", "统计学年", "办学类型", "举办者", "办学性质", "所在地区划代码"]
    )
    basic.append([CODE, "江川区第一中学", 2024, "342", "11", "1", "530402100"])
    students = wb.create_sheet("普通高中 基础基312")
    students.append([FORM])
    students.append(["学校(机构)标识码", "项目", "编号", "班数", "在校生数", "其中:女", "少数民族"])
    rows = [(code, *g[:5]) for code, g in GRADES.items()]
    students.append([CODE, "总计", "01", *(sum(r[i] for r in rows) for i in range(2, 6))])
    for code, label, *figures in rows:
        students.append([None, label, code, *figures])
    sizes = wb.create_sheet("普通高中 基础基313")
    sizes.append([FORM])
    sizes.append(["学校(机构)标识码", "项目", "编号", "合计", *BANDS])
    bands = {code: g[5] for code, g in GRADES.items()}
    total = [sum(b[i] for b in bands.values()) for i in range(10)]
    sizes.append([CODE, "总计", "01", sum(total) + (1 if size_total_off else 0), *total])
    if size_total_off:  # one more class of 66+ than the grades have
        sizes.cell(3, 14).value = total[-1] + 1
    for code, (label, *_rest) in GRADES.items():
        sizes.append([None, label, code, sum(bands[code]), *bands[code]])
    wb.save(path)
    return path


def test_big_classes_are_counted_from_the_return(tmp_path):
    small_county()
    assert import_returns([workbook(tmp_path / "h.xlsx")], load_edition(2024)).problems == []
    rows = {r["indicator"]: r for r in compute_indicators(year=2024) if r["division"] == "530402"}
    assert rows["hs_big_classes"]["value"] == 3 + 3 + 2 + 1  # 56-60, 61-65 and 66+ of every grade
    assert (
        rows["hs_super_class_share"]["numerator"] == 1 and rows["hs_super_class_share"]["denominator"] == 30
    )
    assert rows["hs_new_intake_over_limit"]["value"] == 0  # the first grade has no class over 55


def test_classes_by_size_must_equal_classes_by_grade(tmp_path):
    small_county()
    result = import_returns([workbook(tmp_path / "h.xlsx", size_total_off=True)], load_edition(2024))
    same = [p for p in result.problems if "基础基312" in p.zh]
    assert same and (same[0].sheet, same[0].cell) == ("普通高中 基础基313", "D3")
    assert "班数" in same[0].zh
