"""Building workbooks and CSV files for intake tests, and a city with one record of every kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.intake.kinds import KINDS
from eduplan.registry import actions
from eduplan.registry.choices import Role
from eduplan.registry.identity import check_digit, make_number
from tests.factories import MiniCity, make_kindergarten, mini_city


def id_number(sequence: int, birth: dt.date = dt.date(1990, 1, 1)) -> str:
    return make_number("530402", birth, sequence)


def bad_checksum(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    assert check_digit(number[:17]) != wrong
    return number[:17] + wrong


def header_rows(kind_key: str, keys: list[str]) -> list[list[Any]]:
    kind = KINDS[kind_key]
    return [[kind.by_key[k].header for k in keys], keys]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def kind_sheet(path: Path, kind_key: str, rows: list[dict[str, Any]], *, sheet: str | None = None) -> Path:
    """One sheet for ``kind_key`` with the template's two header rows and ``rows``."""
    keys = list(dict.fromkeys(k for r in rows for k in r)) or [c.key for c in KINDS[kind_key].columns]
    data = header_rows(kind_key, keys) + [[r.get(k) for k in keys] for r in rows]
    return write_xlsx(path, {sheet or KINDS[kind_key].sheet: data})


def class_row(code: str = "K1", name: str = "小一班", **kw: Any) -> dict[str, Any]:
    row = {
        "institution_code": code,
        "school_year": 2024,
        "name": name,
        "age_group": "小班",
        "boys": 10,
        "girls": 12,
        "minority": 2,
        "age_3": 22,
    }
    row.update(kw)
    return row


def staff_row(code: str = "K1", seq: int = 1, **kw: Any) -> dict[str, Any]:
    row = {
        "institution_code": code,
        "identity_number": id_number(seq),
        "name": f"教师{seq}",
        "sex": "女",
        "role": "专任教师",
        "certificate": "幼儿园教师资格证",
        "employment": "在编",
        "start_date": "2020-09-01",
    }
    row.update(kw)
    return row


def full_city() -> MiniCity:
    """The mini city with at least one record of every kind, and users of each role."""
    m = mini_city()
    kg3 = make_kindergarten(
        "K3", "玉兴街道第二幼儿园", m.town_a, central=m.kg_a, grade="2-1", grade_year=2020
    )
    actions.update_fields(m.kg_a, {"is_central": True})
    actions.create_institution(
        code="V1",
        name="玉溪工业财贸学校",
        kind="vocational",
        division=m.town_b,
        ownership="public",
        sponsor="education",
        network_connected=True,
    )
    for kg in (m.kg_a, m.kg_b, kg3):
        actions.record_class(
            kg, school_year=2024, name="小一班", age_group="small", boys=10, girls=11, age_3=21
        )
        actions.record_class(
            kg, school_year=2024, name="大一班", age_group="large", boys=12, girls=9, minority=3
        )
    actions.record_class(
        m.hs_a, school_year=2024, name="高一(1)班", age_group="g10", boys=28, girls=27, is_new_intake=True
    )
    for i, kg in enumerate((m.kg_a, m.kg_b, kg3), start=1):
        actions.add_staff_member(
            kg,
            identity_number=id_number(i),
            name=f"教师{i}",
            sex="F",
            role="teacher",
            certificate="kg_teacher",
            employment="establishment",
            start_date=dt.date(2020, 9, 1),
            training_hours=40 + i,
        )
        actions.record_safety_check(
            kg, checked_on=dt.date(2024, 9, 1), full_time_guard=True, one_key_alarm=i % 2 == 0
        )
        actions.file_fee_standard(
            kg, monthly_fee="300.50", effective_on=dt.date(2024, 9, 1), filed_on=dt.date(2024, 7, 1)
        )
    for town in (m.town_a, m.town_b):
        for sex in ("M", "F"):
            actions.set_population(
                town, year=2024, age_min=3, age_max=3, sex=sex, basis="resident", count=120
            )
        actions.set_births(town, year=2023, count=95)
    from eduplan.registry.models import InstitutionYear

    actions.save_validated(
        InstitutionYear(
            institution=m.kg_a,
            school_year=2024,
            seats=180,
            entered=60,
            left=55,
            funding_per_student="600.00",
            info_published=True,
        )
    )
    actions.create_pairing(
        kind="kg_support",
        supporter=m.kg_a,
        supported=kg3,
        start_date=dt.date(2023, 9, 1),
        components=["管理", "教研"],
    )
    actions.create_pairing(
        kind="hs_trusteeship",
        supporter_name="昆明市第一中学",
        supported=m.hs_a,
        start_date=dt.date(2022, 9, 1),
    )
    actions.appoint_management_post(
        m.county_a, post="preschool_admin", person_name="赵敏", start_date=dt.date(2022, 1, 1)
    )
    actions.rename_institution(kg3, "玉兴街道第二幼儿园", on=dt.date(2023, 6, 1), reason="名称规范")
    create_user_with_role("city", "pw-123456", Role.CITY_OFFICER, division=m.city)
    create_user_with_role("county_a", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("county_b", "pw-123456", Role.COUNTY_OFFICER, division=m.county_b)
    create_user_with_role("principal", "pw-123456", Role.PRINCIPAL, institution=m.kg_a)
    create_user_with_role("viewer", "pw-123456", Role.VIEWER, division=m.city)
    return m
