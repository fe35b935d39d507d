"""A small city for the portal tests: listed kindergartens of every kind (public, inclusive private,
private, a teaching point, a renamed one), one that is not listed (unlicensed), staff with names and
identity numbers (which must never show), fees, classes, a published annual result and officers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.test import Client

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions
from eduplan.registry.choices import Ownership, Role, Sponsor
from eduplan.registry.models import Institution
from eduplan.supervision import annual
from tests.factories import MiniCity, make_kindergarten, mini_city

PASSWORD = "pw-123456"
STAFF = [
    # name, identity number, role, certificate
    ("赵淑芬", "11010519491231002X", "principal", "principal"),
    ("钱晓红", "110105199001011232", "teacher", "kg_teacher"),
    ("孙丽娟", "11010519900202123X", "teacher", ""),
    ("李保育", "110105198503031239", "nursery", "nursery"),
]


@dataclass
class PortalCity:
    m: MiniCity
    kg_inclusive: Institution
    kg_private: Institution
    kg_point: Institution
    kg_unlicensed: Institution
    officer_a: Any
    officer_b: Any
    city: Any
    principal: Any


def portal_city() -> PortalCity:
    m = mini_city()
    actions.update_fields(m.kg_a, {"latitude": 24.3550, "longitude": 102.5420, "address": "玉兴路1号"})
    actions.update_fields(m.kg_b, {"latitude": 24.3000, "longitude": 102.7500})
    actions.update_fields(m.kg_a, {"grade": "1-1", "grade_year": 2021})
    private = {"ownership": Ownership.PRIVATE_NONPROFIT, "sponsor": Sponsor.PRIVATE}
    inclusive = make_kindergarten(
        "K3",
        "春蕾幼儿园",
        m.town_a,
        inclusive=True,
        inclusive_since=dt.date(2021, 9, 1),
        seats=60,
        latitude=24.3600,
        longitude=102.5500,
        grade="2-1",
        **private,
    )
    forprofit = make_kindergarten(
        "K4",
        "阳光双语幼儿园",
        m.town_a,
        seats=90,
        ownership=Ownership.PRIVATE_FORPROFIT,
        sponsor=Sponsor.PRIVATE,
    )
    actions.rename_institution(forprofit, "阳光幼儿园", on=dt.date(2024, 3, 1), reason="名称清理")
    point = make_kindergarten("K5", "大营村办园点", m.town_b, licence_status="teaching_point", seats=30)
    unlicensed = make_kindergarten("K6", "无证看护点", m.town_b, licence_status="unlicensed", **private)
    for name, number, role, cert in STAFF:
        actions.add_staff_member(
            m.kg_a,
            identity_number=number,
            name=name,
            sex="F",
            role=role,
            certificate=cert,
            employment="establishment",
            start_date=dt.date(2020, 9, 1),
        )
    for i, (group, boys, girls) in enumerate([("small", 12, 11), ("middle", 14, 14), ("large", 15, 16)]):
        actions.record_class(m.kg_a, school_year=2024, name=f"班{i}", age_group=group, boys=boys, girls=girls)
    actions.record_class(inclusive, school_year=2024, name="小一班", age_group="small", boys=30, girls=30)
    actions.file_fee_standard(
        m.kg_a, monthly_fee="450.00", effective_on=dt.date(2023, 9, 1), filed_on=dt.date(2023, 8, 1)
    )
    officer_a = create_user_with_role("ca", PASSWORD, Role.COUNTY_OFFICER, division=m.county_a).user
    officer_b = create_user_with_role("cb", PASSWORD, Role.COUNTY_OFFICER, division=m.county_b).user
    city = create_user_with_role(
        "cityo", PASSWORD, Role.CITY_OFFICER, division=m.city, full_name="周局长"
    ).user
    principal = create_user_with_role("pa", PASSWORD, Role.PRINCIPAL, institution=m.kg_a).user
    row = annual.record_annual_result(m.kg_a, 2024, "pass", reasons="各项合格", user=officer_a)
    annual.publish_annual_result(row, user=officer_a)
    return PortalCity(m, inclusive, forprofit, point, unlicensed, officer_a, officer_b, city, principal)


def solve(html: str) -> str:
    """The answer to the arithmetic check question on a rendered complaint form."""
    found = re.search(r"(\d+) 加 (\d+) 等于几", html)
    assert found, "no check question on the page"
    return str(int(found.group(1)) + int(found.group(2)))


def token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "no challenge token on the page"
    return found.group(1)


def complaint_post(client: Client, code: str, **fields: str) -> dict[str, str]:
    """A valid complaint form for kindergarten ``code`` (fetched, so the challenge is fresh)."""
    page = client.get("/complaints/new/", {"kindergarten": code}).content.decode()
    data = {
        "kindergarten": code,
        "category": "fees",
        "description": "本学期收取了未公示的兴趣班费用,每月200元。",
        "contact": "",
        "answer": solve(page),
        "token": token(page),
    }
    work = re.search(r'data-work-prefix="([^"]+)" data-work-bits="(\d+)"', page)
    if work:  # this address filed before: do what the page's script does (work.js)
        from eduplan.common.protection import solve_work

        data["work"] = solve_work(work.group(1), int(work.group(2)))
    data.update(fields)
    return data


def add_fenghuang(c: PortalCity) -> Any:
    """凤凰街道 beside 玉兴街道 (K1 at 24.3550, 102.5420), with coordinates: a place to search near
    (江城镇's K2 is 20 km away)."""
    from eduplan.registry.choices import DivisionLevel, DivisionType
    from tests.factories import make_division

    return make_division(
        "530402002",
        "凤凰街道",
        DivisionLevel.TOWNSHIP,
        c.m.county_a,
        type=DivisionType.SUBDISTRICT,
        latitude=24.3415,
        longitude=102.5450,
    )
