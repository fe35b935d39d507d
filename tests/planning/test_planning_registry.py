"""Planning over the registry (PRE-4.1.1): adapters on a hand-built city, the ``eduplan plan``
commands' JSON contracts, and saved scenarios. The hand-built city is the ``registry_city``
fixture of ``conftest.py``, where every number is listed."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.accounts.actions import create_user_with_role
from eduplan.planning import registry_inputs as ri
from eduplan.planning.allocation.run import run_allocation
from eduplan.planning.defaults import parse_series, series_by_area
from eduplan.planning.models import PlanningScenario
from eduplan.planning.projection.core import PlanningInputError
from eduplan.planning.scenarios.store import owner_division, save_scenario, scenarios_for
from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, Role
from eduplan.registry.models import Births, PopulationCount
from tests.planning.conftest import add_population

pytestmark = pytest.mark.django_db

CUTOFF = 243 / 365  # 31 August


# --------------------------------------------------------------------------------------- adapters


def test_population_rolls_townships_up_to_counties(registry_city):
    areas = ri.load_areas("county", on=dt.date(2025, 12, 31))
    assert areas.codes == ["530402", "530403"] and areas.city_codes == ["530400"]
    inputs = ri.load_population(areas)
    assert inputs.years.tolist() == [2024, 2025]
    assert inputs.population.shape == (2, 2, 18, 2)
    # 红塔区 = 12 + 6 per age and sex; 江川区 = 10, and its 2025 band 0–2 of 30 spread as 10 a year
    np.testing.assert_allclose(inputs.population[:, 0], 18.0)
    np.testing.assert_allclose(inputs.population[:, 1], 10.0)
    np.testing.assert_allclose(inputs.older, [[22_000, 10_000], [22_000, 10_000]])
    np.testing.assert_allclose(inputs.births, [[36, 20], [36, 20]])
    np.testing.assert_allclose(inputs.total()[-1], [18 * 2 * 18 + 22_000, 10 * 2 * 18 + 10_000])
    assert inputs.notes == []


def test_township_arrays_keep_their_county(registry_city):
    areas = ri.load_areas("township", on=dt.date(2025, 12, 31))
    assert areas.codes == ["530402001", "530402002", "530403100"]
    assert areas.county_index.tolist() == [0, 0, 1] and areas.county_codes == ["530402", "530403"]
    inputs = ri.load_population(areas, basis="registered")
    np.testing.assert_allclose(inputs.population[-1, :, 5, 0], [10, 5, 10])
    # no registered births: the resident births are used, and the output says so
    assert inputs.births_basis == "resident"
    assert any("registered births" in n for n in inputs.notes)


def test_scoped_to_a_county_officer(registry_city):
    officer = create_user_with_role(
        "cb", "pw-123456", Role.COUNTY_OFFICER, division=registry_city.county_b
    ).user
    areas = ri.load_areas("county", user=officer, on=dt.date(2025, 12, 31))
    assert areas.codes == ["530403"] and areas.city_codes == ["530400"]
    inputs = ri.load_population(areas, user=officer)
    assert inputs.population[-1].sum() == 10 * 18 * 2
    with pytest.raises(PlanningInputError, match="530402"):
        ri.load_areas("county", user=officer, counties=["530402"])


def test_a_split_township_shares_its_history_by_the_successors_size(registry_city):
    b1, b2 = actions.retire_division(
        registry_city.town_b,
        on=dt.date(2025, 1, 1),
        successors=[
            {"code": "530403101", "name": "江城镇一", "level": DivisionLevel.TOWNSHIP},
            {"code": "530403102", "name": "江城镇二", "level": DivisionLevel.TOWNSHIP},
        ],
    )
    PopulationCount.objects.filter(division=registry_city.town_b, year=2025).delete()
    Births.objects.filter(division=registry_city.town_b, year=2025).delete()
    add_population(b1, 2025, 6, 0)
    add_population(b2, 2025, 4, 0)
    areas = ri.load_areas("township", counties=["530403"], on=dt.date(2025, 12, 31))
    assert areas.codes == ["530403101", "530403102"]
    inputs = ri.load_population(areas)
    # 2024's 10 a cell split 6 : 4, as the successors' own 2025 sizes
    np.testing.assert_allclose(inputs.population[0, :, 7, 1], [6.0, 4.0])
    np.testing.assert_allclose(inputs.population[1, :, 7, 1], [6.0, 4.0])
    # the county total is unchanged by the split
    county = ri.load_population(ri.load_areas("county", counties=["530403"], on=dt.date(2025, 12, 31)))
    np.testing.assert_allclose(county.population[:, 0], 10.0)


def test_a_division_ended_without_successor_still_counts_in_its_county(registry_city):
    actions.update_fields(registry_city.town_a2, {"valid_to": dt.date(2025, 6, 1)})
    day = dt.date(2025, 12, 31)
    townships = ri.load_population(ri.load_areas("township", on=day))
    assert ri.load_areas("township", on=day).codes == ["530402001", "530403100"]
    assert any("530402002" in n for n in townships.notes)  # dropped from the townships, said so
    counties = ri.load_population(ri.load_areas("county", on=day))
    np.testing.assert_allclose(counties.population[:, 0], 18.0)  # 红塔区 still holds its people


def test_seats_children_and_public_kindergartens(registry_city):
    areas = ri.load_areas("township", on=dt.date(2025, 12, 31))
    supply = ri.load_preschool_supply(areas)
    # unlicensed K4 counts nowhere; K1's 2025 snapshot says 45; K6 opens before 1 Sep 2025
    np.testing.assert_allclose(supply.seats([2024, 2025]), [[40, 40, 40], [45, 40, 50]])
    np.testing.assert_allclose(ri.children_enrolled(supply, 2024), [43, 38, 48])
    assert supply.public_kindergartens(2025).tolist() == [1, 1, 2]
    assert [i.code for i in supply.institutions if i.is_village] == ["K5"]


def test_band_on_the_cutoff_day_mixes_two_year_end_bands():
    pop = np.zeros((18, 2))
    pop[3:6, :] = 10.0  # ages 3–5 at year end
    pop[6, :] = 40.0
    from eduplan.planning.projection.core import KINDERGARTEN_AGES

    # f·(3..5) + (1 − f)·(4..6) = f·60 + (1 − f)·(40 + 80)
    assert ri.band_on_cutoff(pop, KINDERGARTEN_AGES, CUTOFF) == pytest.approx(
        CUTOFF * 60 + (1 - CUTOFF) * 120
    )
    assert ri.cutoff_fraction() == pytest.approx(CUTOFF)


def test_births_series_is_shared_as_the_base_year_and_checked():
    assert parse_series("2026:100, 2027:50") == {2026: 100.0, 2027: 50.0}
    with pytest.raises(PlanningInputError, match="YEAR:BIRTHS"):
        parse_series("2026=100")
    births, notes = series_by_area({2026: 100, 2027: 50}, 2025, 2028, np.array([30.0, 10.0]))
    np.testing.assert_allclose(births, [[75, 25], [37.5, 12.5], [37.5, 12.5]])
    assert any("held" in n for n in notes)
    with pytest.raises(PlanningInputError, match="2026"):
        series_by_area({2027: 50}, 2025, 2028, np.array([1.0]))


# ------------------------------------------------------------------------------------ allocation


def test_allocation_by_hand(registry_city):
    run = run_allocation(2025, method="proportional_gap", target=96.0)
    a = run.allocation
    # last rate: the preschool_ger indicator's own 2024 value (issue 16), children 2024 over the
    # resident 3–5 population on 31 Aug 2024: 81 / 108 and 48 / 60 — not a second computation on
    # the registered basis (81 / 90), which started the city above what the indicator publishes.
    np.testing.assert_allclose(a.last_rate, [81 / 108 * 100, 48 / 60 * 100])
    assert run.city_value == pytest.approx((81 + 48) / (108 + 60) * 100) and not run.already_met
    # weights stay on the registered basis (an assumption of the plan file)
    np.testing.assert_allclose(a.weight, [90, 60])
    np.testing.assert_allclose(a.seats, [80, 40])
    np.testing.assert_allclose(a.planned_seats, [5, 10])
    # "≥": no county below its current rate, none above 100%; 75 + 25λ and 80 + 20λ weighted
    # 90 : 60 give 96 at λ = 19/23
    np.testing.assert_allclose(a.lower, [75, 80])
    np.testing.assert_allclose(a.upper, [100, 100])
    np.testing.assert_allclose(a.target, [75 + 25 * 19 / 23, 80 + 20 * 19 / 23])
    assert a.children.tolist() == [86, 58]  # 86.09 and 57.91, summing to 144 = 96% of 150
    assert a.seats_needed.tolist() == [1, 8]


def test_allocate_json_contract(registry_city):
    out = io.StringIO()
    call_command("plan", "allocate", "--year", "2025", "--method", "uniform", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["division"] for r in rows] == ["530402", "530403", "530400"]
    for r in rows:
        for key in ("division", "division_name", "method", "last_rate", "target", "weight", "seats_needed"):
            assert key in r
    county_a, county_b, city_row = rows
    assert county_a["method"] == "uniform" and county_a["target"] == pytest.approx(96.0)
    assert county_a["weight"] == pytest.approx(90) and county_b["weight"] == pytest.approx(60)
    assert city_row["division_name"] == "玉溪市" and city_row["weight"] == pytest.approx(150)
    # the default target comes from the plan file (PRE-T1 ≥ 96%)
    assert city_row["target"] == pytest.approx(96.0) and "preschool_ger" in city_row["target_source"]
    assert city_row["seats_needed"] == county_a["seats_needed"] + county_b["seats_needed"]


def test_allocate_without_classes_for_last_year_says_so(registry_city):
    with pytest.raises(CommandError, match="2025"):
        call_command("plan", "allocate", "--year", "2026", "--target", "96", stdout=io.StringIO())


# ------------------------------------------------------------------------------- project and gaps


def test_project_json_contract(registry_city):
    out = io.StringIO()
    call_command("plan", "project", "--to", "2030", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["base_year"] == 2025 and data["end_year"] == 2030 and data["births_scenario"] == "constant"
    rows = data["projection"]
    keys = {(r["division"], r["ages"], r["year"]) for r in rows}
    for code in ("530402", "530403", "530400"):
        for ages in ("3–5", "15–17"):
            assert {(code, ages, y) for y in range(2024, 2031)} <= keys
    observed = next(r for r in rows if (r["division"], r["ages"], r["year"]) == ("530402", "3–5", 2025))
    assert observed["population"] == pytest.approx(18 * 2 * 3) and observed["observed"] is True
    city_2025 = next(r for r in rows if (r["division"], r["ages"], r["year"]) == ("530400", "3–5", 2025))
    assert city_2025["population"] == pytest.approx((18 + 10) * 2 * 3)
    assert any("already born" in n and "2028" in n for n in data["notes"])
    assert {r["births"] for r in data["backtest"]} == {"scenario", "observed"}
    assert all(r["base_year"] == 2024 for r in data["backtest"])


def test_project_series_scenario_and_bad_series(registry_city):
    out = io.StringIO()
    call_command(
        "plan", "project", "--to", "2027", "--series", "2026:56,2027:28", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["births_scenario"] == "series"
    with pytest.raises(CommandError, match="2026"):
        call_command("plan", "project", "--series", "2027:10", stdout=io.StringIO())


def test_gaps_json_contract_and_flags(registry_city):
    out = io.StringIO()
    call_command("plan", "gaps", "--year", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["rate"] == pytest.approx(96.0)
    rows = {(r["level"], r["division"]): r for r in data["balance"]}
    a = rows[("county", "530402")]
    # demand 96% of 108 children aged 3–5; seats 45 + 30 + 10
    assert a["demand"] == pytest.approx(103.68) and a["seats"] == pytest.approx(85) and a["gap"] == 19
    # 玉兴街道 is short by 25 (69.12 against 45); 凤凰街道's spare seats cannot seat them
    assert rows[("township", "530402001")]["gap"] == 25 and a["within_gap"] == 25
    assert rows[("county", "530403")]["gap"] == 8  # 57.6 against 50
    flags = data["township_flags"]
    assert [(f["division"], f["public_kindergartens"], f["missing"]) for f in flags] == [("530402001", 1, 1)]
    merge = data["merge_candidates"]
    assert [(r["kindergarten"], r["division"], r["first_year_below"]) for r in merge] == [
        ("K5", "530402002", 2025)
    ]


# -------------------------------------------------------------------------------------- scenarios


def test_scenario_save_list_and_compare(registry_city):
    out = io.StringIO()
    call_command("plan", "scenario", "save", "base", "--to", "2030", stdout=out)
    call_command(
        "plan",
        "scenario",
        "save",
        "low",
        "--series",
        "2026:28,2027:20",
        "--target",
        "98",
        "--method",
        "equal_points",
        "--to",
        "2030",
        stdout=out,
    )
    low = PlanningScenario.objects.get(name="low")
    assert (
        low.division.code == "530400" and low.births == "series" and low.series() == {2026: 28.0, 2027: 20.0}
    )
    with pytest.raises(CommandError, match="--replace"):
        call_command("plan", "scenario", "save", "low", stdout=io.StringIO())

    listing = io.StringIO()
    call_command("plan", "scenario", "list", "--format", "json", stdout=listing)
    assert [s["name"] for s in json.loads(listing.getvalue())["scenarios"]] == ["base", "low"]

    result = io.StringIO()
    call_command(
        "plan", "scenario", "compare", "base", "low", "--year", "2025", "--format", "json", stdout=result
    )
    data = json.loads(result.getvalue())
    assert [s["name"] for s in data["scenarios"]] == ["base", "low"]
    rows = {(r["division"], r["measure"], r["year"]): r for r in data["comparison"]}
    target = rows[("530400", "target", 2025)]
    assert target["a"] == pytest.approx(96.0) and target["b"] == pytest.approx(98.0)
    assert target["difference"] == pytest.approx(2.0)
    births = rows[("530400", "births", 2030)]
    assert births["a"] == pytest.approx(56.0) and births["b"] == pytest.approx(20.0)
    # ages 3–5 in 2030 were born 2025–2027: fewer births in "low" give fewer children
    assert rows[("530402", "population_3_5", 2030)]["difference"] < 0


def test_scenarios_follow_the_scoping_function(registry_city):
    city_scenario = save_scenario("city-plan", division=owner_division())
    county_scenario = save_scenario("a-plan", division=owner_division(county="530402"))
    county_b = create_user_with_role(
        "cb", "pw-123456", Role.COUNTY_OFFICER, division=registry_city.county_b
    ).user
    city_officer = create_user_with_role(
        "co", "pw-123456", Role.CITY_OFFICER, division=registry_city.city
    ).user
    assert set(scenarios_for(city_officer)) == {city_scenario, county_scenario}
    assert list(scenarios_for(county_b)) == []
    with pytest.raises(PermissionDenied, match="may not save"):
        save_scenario("mine", division=registry_city.city, user=county_b)
    with pytest.raises(PlanningInputError, match="series"):
        save_scenario("bad", division=registry_city.city, births="series")


def test_every_planning_command_has_a_working_help():
    import argparse

    from eduplan.plans.management.commands.plan import Command

    parser = Command().create_parser("eduplan", "plan")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("project", "gaps", "allocate", "scenario"):
        command = sub.choices[name]
        assert "--format" in command.format_help() or name == "scenario"
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for action in nested:
            for child in action.choices.values():
                assert "--format" in child.format_help()


def test_age_18_read_where_held_else_cohort_fallback(registry_city):
    """Age 18 (for 15–17 on the cut-off day): single-age rows are read; an open 18+ band gives the
    previous year's 17-year-olds, taken out of the open band so totals do not change."""
    areas = ri.load_areas(DivisionLevel.COUNTY, on=dt.date(2025, 12, 31))
    plain = ri.load_population(areas)
    inputs = ri.load_population(areas, max_age=18)
    assert inputs.population.shape[2] == 19
    assert inputs.population[:, 0, 18, 0].tolist() == [18.0, 18.0]  # 12 + 6 seventeen-year-olds
    assert np.allclose(inputs.total(), plain.total())
    assert any("open 18+ band" in n for n in inputs.notes)
    assert not any("18+" in n for n in plain.notes)
    # 江城镇 records single age 18 (7 per sex) in 2025 and an open 19+ band: read as recorded
    PopulationCount.objects.filter(division=registry_city.town_b, year=2025, age_max=None).update(age_min=19)
    for sex in ("M", "F"):
        PopulationCount.objects.create(
            division=registry_city.town_b,
            year=2025,
            age_min=18,
            age_max=18,
            sex=sex,
            basis="resident",
            count=7,
        )
    inputs = ri.load_population(areas, max_age=18)
    assert inputs.population[1, 1, 18].tolist() == [7.0, 7.0]
    assert inputs.population[0, 1, 18].tolist() == [10.0, 10.0]  # 2024: still the fallback
