"""A small hand-built city whose indicator values were computed by hand (tests/metrics/test_golden.py
writes the arithmetic next to each assertion).

Divisions (GB/T 2260-like codes; D and E are made up):

    530400 玉溪市
      530402 红塔区 A   — township 530402001
      530403 江川区 B   — township 530403100; no children aged 3–6 (a population of zero)
      530422 澄江市 C   — township 530422100; valid until 2023-06-01, then split into
      530491 澄江东 D   — township 530491100 (valid from 2023-06-01)
      530492 澄江西 E   — township 530492100 (valid from 2023-06-01)

School years with data: 2021, 2022 and 2024 (none in 2023). Population rows are year-end single
ages, the same count at ages 3, 4, 5 and 6 (or 15–18), so the cut-off shift cancels out: the 3–5
population on 31 August is f·P3 + P4 + P5 + (1−f)·P6 = 3·P whatever f is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eduplan.programmes import actions as programme_actions
from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, DivisionType, Ownership, Sponsor
from eduplan.registry.models import Division, Institution

D = dt.date
SPLIT_ON = D(2023, 6, 1)
YEARS = (2021, 2022, 2024)


@dataclass
class Golden:
    city: Division
    a: Division
    b: Division
    c: Division
    d: Division
    e: Division
    inst: dict[str, Institution]


def _division(code: str, name: str, level: str, parent: Division | None, **kw) -> Division:
    return actions.create_division(code=code, name=name, level=level, parent=parent, **kw)


def _population(township: Division, year: int, ages: range, per_age: int) -> None:
    for age in ages:
        boys = per_age // 2
        for sex, count in (("M", boys), ("F", per_age - boys)):
            actions.set_population(
                township, year=year, age_min=age, age_max=age, sex=sex, basis="resident", count=count
            )


def _institution(code: str, name: str, kind: str, township: Division, **kw) -> Institution:
    public = kw.get("ownership", Ownership.PUBLIC) == Ownership.PUBLIC
    fields = {
        "ownership": Ownership.PUBLIC,
        "sponsor": Sponsor.EDUCATION_DEPT if public else Sponsor.PRIVATE,
        "established_on": D(2000, 9, 1),
    }
    if kind == "kindergarten":
        fields.update(licence_status="licensed", service_type="full_day")
    fields.update(kw)
    return actions.create_institution(code=code, name=name, kind=kind, division=township, **fields)


def _classes(inst: Institution, year: int, *classes: tuple[str, int, bool]) -> None:
    """``(age group or grade, headcount, new intake)`` per class."""
    for i, (group, size, new) in enumerate(classes):
        boys = size // 2
        actions.record_class(
            inst,
            school_year=year,
            name=f"{group}-{i}",
            age_group=group,
            boys=boys,
            girls=size - boys,
            is_new_intake=new,
        )


def _staff(
    inst: Institution, n: int, role: str, cert: str, start: dt.date, end: dt.date | None = None
) -> None:
    for _ in range(n):
        _staff.counter += 1  # type: ignore[attr-defined]
        serial = f"{_staff.counter:03d}"  # type: ignore[attr-defined]
        actions.add_staff_member(
            inst,
            identity_number=_id_number(serial),
            name=f"职工{serial}",
            sex="F",
            role=role,
            certificate=cert,
            employment="establishment",
            start_date=start,
            end_date=end,
        )


_staff.counter = 0  # type: ignore[attr-defined]


def _id_number(serial: str) -> str:
    """A valid GB 11643 number (check digit computed) for synthetic staff."""
    body = f"53040219900101{serial[-3:]}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def build() -> Golden:
    _staff.counter = 0  # type: ignore[attr-defined]
    city = _division("530400", "玉溪市", DivisionLevel.CITY, None, type=DivisionType.CITY)
    a = _division("530402", "红塔区", DivisionLevel.COUNTY, city, type=DivisionType.DISTRICT)
    b = _division("530403", "江川区", DivisionLevel.COUNTY, city, type=DivisionType.DISTRICT)
    c = _division("530422", "澄江市", DivisionLevel.COUNTY, city, type=DivisionType.COUNTY_CITY)
    ta = _division("530402001", "玉兴街道", DivisionLevel.TOWNSHIP, a, type=DivisionType.SUBDISTRICT)
    tb = _division("530403100", "江城镇", DivisionLevel.TOWNSHIP, b, type=DivisionType.TOWN)
    tc = _division("530422100", "凤麓街道", DivisionLevel.TOWNSHIP, c, type=DivisionType.SUBDISTRICT)
    # C splits: it and its township end on SPLIT_ON, D and E (and their townships) start then.
    d, e = actions.retire_division(
        c,
        on=SPLIT_ON,
        successors=[
            {"code": "530491", "name": "澄江东", "level": DivisionLevel.COUNTY},
            {"code": "530492", "name": "澄江西", "level": DivisionLevel.COUNTY},
        ],
    )
    actions.update_fields(tc, {"valid_to": SPLIT_ON})
    td = _division("530491100", "东城镇", DivisionLevel.TOWNSHIP, d, valid_from=SPLIT_ON)
    te = _division("530492100", "西城镇", DivisionLevel.TOWNSHIP, e, valid_from=SPLIT_ON)

    # Population (resident, year-end single ages).
    for y in (2021, 2022):
        _population(ta, y, range(3, 7), 100)  # A: 3–5 → 300
        _population(tb, y, range(3, 7), 0)  # B: 3–5 → 0
        _population(tc, y, range(3, 7), 60)  # C: 3–5 → 180
    _population(ta, 2024, range(3, 7), 40)  # A 2024: 3–5 → 120
    _population(tb, 2024, range(3, 7), 0)
    _population(td, 2024, range(3, 7), 40)  # D: 120
    _population(te, 2024, range(3, 7), 20)  # E: 60
    for y in (2021, 2022, 2024):
        _population(ta, y, range(15, 19), 200)  # A: 15–17 → 600
        _population(tb, y, range(15, 19), 50)  # B: 150
    for y in (2021, 2022):
        _population(tc, y, range(15, 19), 100)  # C: 300
    _population(td, 2024, range(15, 19), 60)  # D: 180
    _population(te, 2024, range(15, 19), 40)  # E: 120
    # Births of A only (the cohort forecast of A's denominator).
    for y, n in ((2018, 100), (2019, 100), (2020, 100), (2021, 100), (2022, 70)):
        actions.set_births(ta, year=y, count=n)

    kg, att, hs, voc = "kindergarten", "attached", "high_school", "vocational"
    inst: dict[str, Institution] = {}
    inst["KA1"] = _institution(
        "KA1", "红塔区第一幼儿园", kg, ta, grade="1-1", grade_year=2019, is_demonstration=True
    )
    # PRE-T7 counts the designation register (in force on the census day), not the flag.
    programme_actions.designate(inst["KA1"], "demo_kindergarten", designated_on=dt.date(2019, 6, 1))
    inst["KA2"] = _institution(
        "KA2",
        "玉兴普惠幼儿园",
        kg,
        ta,
        ownership=Ownership.PRIVATE_NONPROFIT,
        inclusive=True,
        inclusive_since=D(2022, 3, 1),
        grade="2-1",
        grade_year=2023,
    )
    inst["KA3"] = _institution(
        "KA3", "无证看护点", kg, ta, ownership=Ownership.PRIVATE_FORPROFIT, licence_status="unlicensed"
    )
    inst["KA4"] = _institution("KA4", "玉兴老幼儿园", kg, ta, grade="1-3", closed_on=D(2022, 7, 1))
    inst["AA1"] = _institution("AA1", "玉兴小学附设幼儿班", att, ta)
    inst["HA1"] = _institution(
        "HA1",
        "玉溪一中",
        hs,
        ta,
        rating="p1-1",
        is_county_high_school=True,
        network_connected=True,
        seats=2000,  # large, but built long before the plan
    )
    inst["VA1"] = _institution("VA1", "玉溪工业学校", voc, ta)
    inst["KB1"] = _institution("KB1", "江城镇中心幼儿园", kg, tb)
    inst["HB1"] = _institution("HB1", "江川一中", hs, tb, is_county_high_school=True)
    inst["KC1"] = _institution("KC1", "澄江幼儿园", kg, tc, grade="1-2", grade_year=2020)
    inst["HC1"] = _institution(
        "HC1",
        "澄江新区高中",
        hs,
        tc,
        rating="p1-2",
        is_new_build=True,
        network_connected=True,
        established_on=D(2021, 3, 1),  # approved in the plan period
        seats=120,  # design scale
    )

    # Kindergarten classes: (age group, headcount, new intake).
    _classes(inst["KA1"], 2021, ("small", 20, True), ("middle", 30, False), ("large", 36, False))
    for y in (2022, 2024):
        _classes(inst["KA1"], y, ("small", 25, True), ("middle", 30, False), ("large", 35, False))
    for y in YEARS:
        _classes(inst["KA2"], y, ("mixed", 30, False))
        _classes(inst["KA3"], y, ("mixed", 20, False))
        _classes(inst["AA1"], y, ("large", 20, False))
    _classes(inst["KA4"], 2021, ("small", 10, True))
    _classes(inst["KB1"], 2021, ("small", 20, True))
    _classes(inst["KB1"], 2022, ("small", 22, True))
    _classes(inst["KB1"], 2024, ("small", 25, True))
    _classes(inst["KC1"], 2021, ("middle", 30, False))
    _classes(inst["KC1"], 2022, ("middle", 28, False))

    # High school classes.
    _classes(inst["HA1"], 2021, ("g10", 50, True), ("g11", 50, False), ("g12", 50, False))
    _classes(inst["HA1"], 2022, ("g10", 56, True), ("g11", 50, False), ("g12", 50, False))
    _classes(inst["HA1"], 2024, ("g10", 55, True), ("g11", 55, False), ("g12", 66, False))
    for y in YEARS:
        _classes(inst["VA1"], y, ("v1", 40, True))
    _classes(inst["HB1"], 2021, ("g10", 45, True), ("g11", 46, False))
    _classes(inst["HB1"], 2022, ("g10", 57, True), ("g11", 60, False))
    _classes(inst["HB1"], 2024, ("g10", 50, True), ("g11", 70, False))
    _classes(inst["HC1"], 2021, ("g10", 50, True), ("g11", 52, False))
    _classes(inst["HC1"], 2022, ("g10", 50, True), ("g11", 50, False))
    # HC1's design is cut to 90 seats with effect from August 2022 (the time model: 2021 keeps 120).
    actions.update_fields(inst["HC1"], {"seats": 90}, reason="设计规模调整", effective_from=D(2022, 8, 1))

    # After the split, C's institutions move to the successors' townships (their history keeps C).
    actions.update_fields(inst["KC1"], {"division": td})
    actions.update_fields(inst["HC1"], {"division": te})
    _classes(inst["KC1"], 2024, ("middle", 25, False))
    _classes(inst["HC1"], 2024, ("g10", 48, True), ("g11", 50, False))

    # Staff (census day 1 September).
    _staff(inst["KA1"], 1, "teacher", "kg_teacher", D(2015, 9, 1))  # T1
    _staff(inst["KA1"], 1, "teacher", "", D(2015, 9, 1), D(2022, 6, 30))  # T2, uncertified, left
    _staff(inst["KA1"], 1, "teacher", "kg_teacher", D(2022, 8, 1))  # T3
    _staff(inst["KA1"], 7, "teacher", "kg_teacher", D(2023, 1, 1))  # seven more from 2023
    _staff(inst["KA1"], 1, "principal", "principal", D(2010, 1, 1))  # P1
    _staff(inst["KA2"], 1, "teacher", "kg_teacher", D(2020, 1, 1))  # T4
    _staff(inst["KA2"], 1, "principal", "", D(2020, 1, 1), D(2023, 12, 31))  # P2, uncertified
    _staff(inst["KA2"], 1, "principal", "principal", D(2024, 1, 1))  # P3
    _staff(inst["KA3"], 1, "teacher", "", D(2020, 1, 1))  # unlicensed: not counted
    _staff(inst["KB1"], 1, "teacher", "kg_teacher", D(2010, 1, 1))

    # Trusteeship of A's county high school from January 2022.
    actions.create_pairing(
        kind="hs_trusteeship", supported=inst["HA1"], supporter_name="昆明一中", start_date=D(2022, 1, 1)
    )
    return Golden(city, a, b, c, d, e, inst)
