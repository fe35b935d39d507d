"""Seat demand, gaps and the layout flags of PRE-4.1.1."""

from __future__ import annotations

import numpy as np
import pytest

from eduplan.planning.gaps.core import (
    TownshipProvisionSettings,
    ViabilitySettings,
    expected_children,
    merge_candidates,
    project_institution_children,
    seat_balance,
    sum_by_parent,
    townships_short_of_public_kindergartens,
)
from eduplan.planning.projection.core import (
    HIGH_SCHOOL_AGES,
    KINDERGARTEN_AGES,
    PlanningInputError,
    ProjectionSettings,
    project,
)


def test_expected_children_is_population_times_the_target_rate():
    demand = expected_children([[1000.0, 500.0], [900.0, 400.0]], 96.0)
    np.testing.assert_allclose(demand, [[960.0, 480.0], [864.0, 384.0]])
    by_year = expected_children([[1000.0], [1000.0]], [[90.0], [97.0]])
    np.testing.assert_allclose(by_year[:, 0], [900.0, 970.0])
    with pytest.raises(PlanningInputError, match="rate shape"):
        expected_children([[1.0, 2.0]], [1.0, 2.0, 3.0])


def test_gap_and_surplus_by_year_with_planned_seats_accumulating():
    demand = np.array([[100.2, 50.0], [110.0, 40.0], [120.0, 30.0]])
    balance = seat_balance(
        demand, [100.0, 60.0], added_seats=[[0.0, 0.0], [15.0, 0.0], [0.0, -20.0]], years=[2025, 2026, 2027]
    )
    np.testing.assert_allclose(balance.seats[:, 0], [100, 115, 115])
    assert balance.gap[:, 0].tolist() == [1, 0, 5]  # 0.2 of a child still needs a seat
    assert balance.surplus[:, 0].tolist() == [0, 5, 0]
    assert balance.gap[:, 1].tolist() == [0, 0, 0]
    assert balance.surplus[:, 1].tolist() == [10, 20, 10]  # 20 seats closed in 2027
    assert balance.first_gap_year() == [2025, None]
    assert balance.peak_gap().tolist() == [5, 0]
    rows = balance.records(units=["530402", "530403"], names=["红塔区", "江川区"])
    assert rows[0] == {
        "year": 2025,
        "division": "530402",
        "division_name": "红塔区",
        "demand": 100.2,
        "seats": 100.0,
        "gap": 1,
        "surplus": 0,
    }
    with pytest.raises(PlanningInputError, match="more seats closed"):
        seat_balance(demand, [10.0, 10.0], added_seats=[[0, -20.0], [0, 0], [0, 0]])


def test_county_totals_keep_township_gaps_visible():
    # one county, two townships: a surplus in one does not seat the other's children
    balance = seat_balance([[80.0, 120.0]], [100.0, 100.0])
    county = balance.by_parent([0, 0], 1)
    assert county.gap.tolist() == [[0]]
    assert county.within_gap.tolist() == [[20]]
    assert county.records()[0]["within_gap"] == 20
    np.testing.assert_allclose(sum_by_parent([[1.0, 2.0, 3.0]], [1, 0, 1], 2), [[2.0, 4.0]])
    with pytest.raises(PlanningInputError, match="indices"):
        sum_by_parent([[1.0, 2.0]], [0, 2], 2)


def test_townships_of_20000_with_fewer_than_two_public_kindergartens_are_flagged():
    population = [20_000, 19_999, 35_000, 25_000, 60_000]
    public = [1, 0, 2, 0, 1]
    flags = townships_short_of_public_kindergartens(population, public)
    assert flags.index.tolist() == [0, 3, 4]
    assert flags.missing.tolist() == [1, 2, 1]
    rows = flags.records(units=["a", "b", "c", "d", "e"])
    assert rows[1] == {
        "division": "d",
        "division_name": "",
        "population": 25000.0,
        "public_kindergartens": 0,
        "missing": 2,
    }
    stricter = townships_short_of_public_kindergartens(
        population, public, TownshipProvisionSettings(min_population=30_000, min_public_kindergartens=3)
    )
    assert stricter.index.tolist() == [2, 4]


def test_village_kindergartens_falling_and_staying_below_the_threshold_are_merge_candidates():
    years = [2025, 2026, 2027, 2028, 2029]
    children = np.array(
        [
            [20, 15, 9, 8, 6],  # falls below 10 in 2027 and stays: candidate
            [20, 9, 12, 14, 15],  # one-year dip: not a candidate
            [30, 28, 25, 20, 9],  # below only in the last year: too short to judge
            [5, 5, 5, 5, 5],  # below all along
        ],
        dtype=float,
    ).T
    found = merge_candidates(children, years, area_of=[3, 3, 4, 7])
    assert found.index.tolist() == [0, 3]
    assert found.first_year_below.tolist() == [2027, 2025]
    assert found.children_then.tolist() == [9.0, 5.0]
    assert found.children_at_horizon.tolist() == [6.0, 5.0]
    assert found.area.tolist() == [3, 7]
    assert found.records(names=["甲村", "乙村", "丙村", "丁村"])[0]["kindergarten"] == "甲村"
    eager = merge_candidates(children, years, ViabilitySettings(min_children=10, min_years_below=1))
    assert eager.index.tolist() == [0, 2, 3]


def test_kindergarten_children_follow_their_townships_population():
    township = np.array([[100.0, 0.0], [50.0, 0.0], [25.0, 10.0]])
    projected = project_institution_children([40.0, 20.0, 7.0], township, [0, 0, 1])
    np.testing.assert_allclose(projected[:, 0], [40, 20, 10])
    np.testing.assert_allclose(projected[:, 1], [20, 10, 5])
    np.testing.assert_allclose(projected[:, 2], [7, 7, 7])  # no base population: held constant


def test_falling_births_empty_kindergarten_seats_but_not_high_school_places_before_2035():
    # births fall by a quarter after the base year (Yunnan 2020–2022); seats sized on today's children
    base = np.full((1, 18, 2), 500.0)
    births = np.full((10, 1), 750.0)
    proj = project(base, 2025, births, settings=ProjectionSettings(migration="none"))
    kindergarten = seat_balance(
        expected_children(proj.band(KINDERGARTEN_AGES), 96.0), [2880.0], years=proj.years.tolist()
    )
    high_school = seat_balance(
        expected_children(proj.band(HIGH_SCHOOL_AGES), 97.0), [2910.0], years=proj.years.tolist()
    )
    surplus = dict(zip(proj.years.tolist(), kindergarten.surplus[:, 0].tolist(), strict=True))
    assert surplus[2028] < 10  # still the already-born cohorts
    assert surplus[2031] > 300  # three years of smaller births: about a quarter of the seats empty
    assert high_school.surplus[:, 0].max() < 10  # the 15–17 of 2035 were born by 2025


# ------------------------------------------------------------------ high-school stage (HS-T1)


@pytest.mark.django_db
def test_high_school_gaps_by_hand(registry_city):
    """15–17 on the cut-off day × 97% (HS-T1) against general + vocational seats, by county.

    红塔区: 18 people per single age and sex (12 + 6), age 18 only in the open 18+ band → taken as
    the cohort of 17-year-olds (18 per sex): 15–17 on the cut-off day = 108 in both years, demand
    104.76, seats 100 → gap 5. 江川区: 10 per age and sex → 60, demand 58.2; a vocational school
    of 50 seats, 70 in its 2025 snapshot → surplus 11.
    """
    import io
    import json

    from django.core.management import call_command

    from eduplan.registry import actions
    from eduplan.registry.choices import InstitutionKind, Ownership, Sponsor
    from eduplan.registry.models import InstitutionYear

    m = registry_city
    actions.update_fields(m.hs_a, {"seats": 100})
    voc = actions.create_institution(
        code="V1",
        name="江川职业中学",
        kind=InstitutionKind.VOCATIONAL,
        division=m.town_b,
        ownership=Ownership.PUBLIC,
        sponsor=Sponsor.EDUCATION_DEPT,
        seats=50,
    )
    InstitutionYear.objects.create(institution=voc, school_year=2025, seats=70)
    out = io.StringIO()
    call_command("plan", "gaps", "--stage", "high_school", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["stage"] == "high_school"
    assert data["rate"] == 97.0 and "HS-T1" in data["rate_source"]
    rows = {(r["division"], r["year"]): r for r in data["balance"]}
    assert sorted(rows) == [("530402", 2025), ("530403", 2025)]  # base 2025 to the deadline 2025
    hongta = rows[("530402", 2025)]
    assert hongta["population"] == pytest.approx(108.0)
    assert hongta["demand"] == pytest.approx(104.76)
    assert (hongta["seats"], hongta["gap"], hongta["surplus"]) == (100, 5, 0)
    assert (rows[("530403", 2025)]["seats"], rows[("530403", 2025)]["surplus"]) == (70, 11)
    assert any("open 18+ band" in n for n in data["notes"])

    table = io.StringIO()
    call_command("plan", "gaps", "--stage", "high_school", "--rate", "95", stdout=table)
    assert "rate 95%" in table.getvalue()  # 108 × 95% = 102.6 → 红塔区 2.6 short
    assert "-3" in table.getvalue()
