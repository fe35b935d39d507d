"""A kindergarten's return built by hand, cell by cell, from the layout of the published sample
forms — not from eduplan's exporter.

Source: "2018年基础教育学校(机构)统计报表(幼儿园)样表" (http://www.wendangku.net/doc/a65848019.html):
the form's heading 基础教育学校(机构)统计报表(幼儿园), table 基础基111 学校(机构)基本情况 with the
institution identifier (标识码), name, type (办学类型) and urban/rural type (城乡类型); counts as of
the census day 1 September; and the ministry's published cut of children by age (3岁以下, 3岁, 4岁,
5岁, 6岁及以上; "Number of Pre-school Education by Ages", cee.edu.cn). As the statistics software
and people write them: a heading above the table, header cells merged across and down, full-width
brackets and digits, a row of column numbers (甲 乙 丙 1 2 3 …), the identifier only on the first
row of its block, notes (说明, 填表人) below the table, and an instructions sheet (填表说明).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

CODE = "5304020001"
FORM = "基础教育学校（机构）统计报表（幼儿园）"

#: 基础基311 detail rows: (label, code, classes, girls, minority, under 3, 3, 4, 5, 6+)
CHILDREN = [
    ("托班", "02", 1, 8, 1, 18, 0, 0, 0, 0),
    ("小班", "０３", 2, 25, 3, 0, 48, 2, 0, 0),
    ("中班", "04", 2, 27, 2, 0, 3, 50, 1, 0),
    ("大班", "05", 2, 30, 4, 0, 0, 2, 55, 3),
    ("混合班", "06", 0, 0, 0, 0, 0, 0, 0, 0),
]
#: 基础基411 detail rows: role label, code, women, (establishment, purchased, contract), certificates
STAFF = [
    ("园长", "02", 1, (1, 0, 0), {"cert_principal": 1}),
    ("副园长", "03", 1, (1, 0, 0), {"cert_kg_teacher": 1}),
    ("专任教师", "04", 14, (8, 4, 2), {"cert_kg_teacher": 12, "cert_primary_teacher": 1, "cert_none": 1}),
    ("保育员", "05", 7, (0, 7, 0), {"cert_nursery": 7}),
    ("卫生保健人员", "06", 1, (0, 1, 0), {"cert_health": 1}),
    ("炊事员", "07", 2, (0, 0, 3), {"cert_cook": 3}),
    ("保安", "08", 0, (0, 2, 0), {"cert_security": 2}),
    ("行政人员", "09", 0, (0, 0, 0), {}),
    ("教辅人员", "10", 0, (0, 0, 0), {}),
    ("工勤人员", "11", 0, (0, 0, 0), {}),
]
CERTS = [
    "cert_kg_teacher",
    "cert_primary_teacher",
    "cert_secondary_teacher",
    "cert_principal",
    "cert_nursery",
    "cert_health",
    "cert_cook",
    "cert_security",
    "cert_other",
    "cert_none",
]
CERT_LABELS = [
    "幼儿园教师资格证",
    "小学教师资格证",
    "中学教师资格证",
    "园长任职资格证",
    "保育员证",
    "卫生保健资格",
    "厨师证",
    "保安员证",
    "其他证书",
    "无证书",
]
CHILDREN_TOTAL = sum(sum(r[5:]) for r in CHILDREN)  # 185


def sample_workbook(path: Path, *, year: int = 2024, drop_column: str = "", change=None) -> Path:
    """Write the hand-built return to ``path``. ``drop_column`` leaves one column of 基础基311 out;
    ``change(sheets)`` may edit the rows (lists) before they are written."""
    basic = [
        [FORM],
        ["基础基111  学校（机构）基本情况"],
        [
            "学校（机构）标识码",
            "学校（机构）名称",
            "统计学年",
            "办学类型",
            "举办者",
            "办学性质",
            "城乡分类",
            "所在地区划代码",
            "地址",
            "是否普惠性幼儿园",
        ],
        [
            CODE,
            "江川区第二幼儿园",
            year,
            "111",
            "教育部门",
            "1",
            "121",
            "530402100",
            "江川区大街街道12号",
            "否",
        ],
        [],
        ["填表人：张三    单位负责人：李四"],
    ]
    header = ["学校(机构)标识码", "项目", "编号", "班数", "幼儿数", None, None, None, None, None, None, None]
    sub = [
        None,
        None,
        None,
        None,
        "合计",
        "其中：女",
        "少数民族",
        "3岁以下",
        "３岁",
        "4岁",
        "5岁",
        "6岁及以上（注）",
    ]
    numbers = ["甲", "乙", "丙", 1, 2, 3, 4, 5, 6, 7, 8, 9]
    detail = []
    for label, code, classes, girls, minority, *ages in CHILDREN:
        detail.append([None, label, code, classes, sum(ages), girls, minority, *ages])
    total = [CODE, "总计", "01"] + [sum(r[i] for r in detail) for i in range(3, 12)]
    children = [
        [FORM],
        [
            "基础基311  幼儿园班数和分年龄幼儿数",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "单位：人",
        ],
        header,
        sub,
        numbers,
        total,
        *detail,
        ["说明：本表行关系 01=02+…+06;列关系 2=5+…+9。"],
    ]
    staff_rows = []
    for label, code, women, employment, certs in STAFF:
        count = sum(employment)
        staff_rows.append([None, label, code, count, women, *employment, *(certs.get(c, 0) for c in CERTS)])
    staff_total = [CODE, "合计", "01"] + [sum(r[i] for r in staff_rows) for i in range(3, 18)]
    staff = [
        [FORM],
        ["基础基411  教职工数"],
        [
            "学校（机构）标识码",
            "项目",
            "编号",
            "合计",
            "其中：女",
            "在编",
            "政府购买服务",
            "合同聘用",
            *CERT_LABELS,
        ],
        ["甲", "乙", "丙", *range(1, 16)],
        staff_total,
        *staff_rows,
    ]
    sheets = {"基础基111": basic, "基础基311": children, "基础基411": staff}
    if change:
        change(sheets)
    wb = Workbook()
    wb.active.title = "填表说明"  # the instructions sheet the forms come with: passed over
    wb.active.append(["幼儿园统计报表填报总体说明:统计时点为本学年初9月1日,9月20日前报出。"])
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        keep = None
        if name == "基础基311" and drop_column:
            keep = [i for i, v in enumerate(rows[3]) if v != drop_column]
        for row in rows:
            ws.append([row[i] for i in keep if i < len(row)] if keep is not None and len(row) > 3 else row)
        if name == "基础基311":
            width = 12 if not drop_column else 11
            ws.merge_cells("A1:L1" if width == 12 else "A1:K1")
            for col in "ABCD":
                ws.merge_cells(f"{col}3:{col}4")
            ws.merge_cells("E3:L3" if width == 12 else "E3:K3")
    wb.save(path)
    return path
