"""The hand-built city of the planning registry tests (PRE-4.1.1).

The fixture (numbers chosen so every expected value can be worked out by hand):

- 红塔区 530402: 玉兴街道 530402001 (resident 12 / registered 10 people per single age and sex,
  0–17; 18+ open band 10,000 men and 10,000 women) and 凤凰街道 530402002 (resident 6 /
  registered 5; 18+ 1,000 + 1,000); 江川区 530403: 江城镇 530403100 (resident 10 / registered 10;
  18+ 5,000 + 5,000; in 2025 its ages 0–2 are one band row of 30 per sex).
- Years 2024 and 2025; resident births 24, 12 and 20 a year; no registered births.
- Preschool institutions (school year 2024 classes → children):
  K1 public, 40 seats (45 in its 2025 snapshot), 43 children; K3 private, 30 seats, 30 children;
  K4 unlicensed, 60 seats, 20 children (neither counts); K5 public village kindergarten under K1 in
  凤凰街道, 10 seats, 8 children; K2 public, 30 seats, 30 children; A1 attached class, 10 seats,
  18 children; K6 opens 2025-03-01 in 江城镇, 10 seats.
"""

from __future__ import annotations

import datetime as dt

import pytest

from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, DivisionType, InstitutionKind, Ownership, Sponsor
from eduplan.registry.models import Births, InstitutionYear, PopulationCount
from tests.factories import make_division, make_kindergarten, mini_city

AGES = range(18)


def add_population(division, year, per_age, adults, basis="resident", band_0_2=None):
    """Rows for one division and year: ``per_age`` people of each sex at each single age 0–17
    (ages 0–2 as one band row of ``band_0_2`` when given) and ``adults`` of each sex aged 18+."""
    rows = []
    for sex in ("M", "F"):
        for age in AGES:
            if band_0_2 is not None and age <= 2:
                continue
            rows.append(
                PopulationCount(
                    division=division,
                    year=year,
                    age_min=age,
                    age_max=age,
                    sex=sex,
                    basis=basis,
                    count=per_age,
                )
            )
        if band_0_2 is not None:
            rows.append(
                PopulationCount(
                    division=division, year=year, age_min=0, age_max=2, sex=sex, basis=basis, count=band_0_2
                )
            )
        rows.append(
            PopulationCount(
                division=division, year=year, age_min=18, age_max=None, sex=sex, basis=basis, count=adults
            )
        )
    PopulationCount.objects.bulk_create(rows)


@pytest.fixture
def registry_city():
    m = mini_city()
    town_a2 = make_division(
        "530402002", "凤凰街道", DivisionLevel.TOWNSHIP, m.county_a, type=DivisionType.SUBDISTRICT
    )
    for year in (2024, 2025):
        add_population(m.town_a, year, 12, 10_000)
        add_population(town_a2, year, 6, 1_000)
        add_population(m.town_b, year, 10, 5_000, band_0_2=30 if year == 2025 else None)
        add_population(m.town_a, year, 10, 8_000, basis="registered")
        add_population(town_a2, year, 5, 800, basis="registered")
        add_population(m.town_b, year, 10, 4_000, basis="registered")
        for town, n in ((m.town_a, 24), (town_a2, 12), (m.town_b, 20)):
            Births.objects.create(division=town, year=year, count=n)

    actions.update_fields(m.kg_a, {"seats": 40})
    actions.update_fields(m.kg_b, {"seats": 30})
    InstitutionYear.objects.create(institution=m.kg_a, school_year=2025, seats=45)
    private = make_kindergarten(
        "K3", "凤凰幼儿园", town_a2, ownership=Ownership.PRIVATE_NONPROFIT, sponsor=Sponsor.PRIVATE, seats=30
    )
    unlicensed = make_kindergarten(
        "K4",
        "无证看护点",
        town_a2,
        ownership=Ownership.PRIVATE_FORPROFIT,
        sponsor=Sponsor.PRIVATE,
        licence_status="unlicensed",
        seats=60,
    )
    village = make_kindergarten("K5", "凤凰街道村幼儿园", town_a2, central=m.kg_a, seats=10)
    attached = actions.create_institution(
        code="A1",
        name="江城镇中心小学附设幼儿班",
        kind=InstitutionKind.ATTACHED_CLASS,
        division=m.town_b,
        ownership=Ownership.PUBLIC,
        sponsor=Sponsor.EDUCATION_DEPT,
        seats=10,
    )
    make_kindergarten("K6", "江城镇第二幼儿园", m.town_b, seats=10, established_on=dt.date(2025, 3, 1))
    classes = [
        (m.kg_a, "小一班", 13, 12),
        (m.kg_a, "中一班", 9, 9),
        (private, "小一班", 15, 15),
        (unlicensed, "混合班", 10, 10),
        (village, "混合班", 4, 4),
        (m.kg_b, "小一班", 15, 15),
    ]
    for inst, name, boys, girls in classes:
        actions.record_class(inst, school_year=2024, name=name, age_group="small", boys=boys, girls=girls)
    actions.record_class(attached, school_year=2024, name="学前班", age_group="large", boys=9, girls=9)
    m.town_a2 = town_a2
    return m
