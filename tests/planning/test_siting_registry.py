"""Siting over the registry (PRE-4.1.1): the county adapter on a hand-built city, the
``eduplan plan site --county`` JSON contract, scenarios flowing into the zones' children by year,
and the "empties out" / "needs seats" flags.

The city is ``registry_city`` of ``conftest.py`` with coordinates and villages added here
(``siting_city``):

- 红塔区 530402: 玉兴街道 530402001 (a subdistrict, no villages, at 24.35 N 102.54 E) is one demand
  point; 凤凰街道 530402002 (24.40, 102.60) has two villages with population — 凤凰村 2 and 新寨村 1
  person per single age 0–5 and sex, the township's own rows 6 — so its children are shared
  6 : 2 : 1 between the township's own point and the villages.
- 江川区 530403: 江城镇 530403100 has no coordinates of its own (it is placed at the mean of its
  kindergartens') and three villages with coordinates but no population, which share the town's
  children equally. Sites: K2 (60 seats here), the attached class A1 (10) and K6 (10, opened
  2025-03-01, no coordinates: placed at its township's).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.accounts.actions import create_user_with_role
from eduplan.planning import registry_inputs as ri
from eduplan.planning.projection.run import run_projection
from eduplan.planning.scenarios.store import save_scenario
from eduplan.planning.siting import SitingInputError
from eduplan.planning.siting import registry as sr
from eduplan.planning.siting.trends import EMPTIES_OUT, NEEDS_SEATS, zone_trends
from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, DivisionType, Role
from eduplan.registry.models import Institution
from tests.factories import make_division

pytestmark = pytest.mark.django_db

CUTOFF = 243 / 365  # 31 August


def place(obj, lat, lon):
    return actions.update_fields(obj, {"latitude": lat, "longitude": lon})


def add_young(division, year, per_age):
    """``per_age`` people of each sex at each single age 0–5 (village rows)."""
    from eduplan.registry.models import PopulationCount

    PopulationCount.objects.bulk_create(
        PopulationCount(
            division=division, year=year, age_min=a, age_max=a, sex=s, basis="resident", count=per_age
        )
        for a in range(6)
        for s in ("M", "F")
    )


@pytest.fixture
def siting_city(registry_city):
    m = registry_city
    place(m.town_a, 24.35, 102.54)
    place(m.town_a2, 24.40, 102.60)
    m.fenghuang = make_division(
        "530402002201", "凤凰村", DivisionLevel.VILLAGE, m.town_a2, type=DivisionType.VILLAGE
    )
    m.xinzhai = make_division(
        "530402002202", "新寨村", DivisionLevel.VILLAGE, m.town_a2, type=DivisionType.VILLAGE
    )
    place(m.fenghuang, 24.41, 102.61)
    place(m.xinzhai, 24.39, 102.62)
    for year in (2024, 2025):
        add_young(m.fenghuang, year, 2)
        add_young(m.xinzhai, year, 1)
    for code, lat, lon in (("K1", 24.35, 102.54), ("K3", 24.40, 102.60), ("K5", 24.41, 102.61)):
        place(Institution.objects.get(code=code), lat, lon)

    m.villages_b = []
    for i, (name, lat, lon) in enumerate(
        (("龙潭村", 24.36, 102.80), ("石岩村", 24.26, 102.70), ("大营村", 24.31, 102.76)), start=1
    ):
        v = make_division(
            f"530403100{200 + i}",
            name,
            DivisionLevel.VILLAGE,
            m.town_b,
            type=DivisionType.VILLAGE,
            synthetic=True,
        )
        place(v, lat, lon)
        m.villages_b.append(v)
    actions.update_fields(m.kg_b, {"seats": 60, "latitude": 24.30, "longitude": 102.75})
    place(Institution.objects.get(code="A1"), 24.32, 102.77)
    return m


# ------------------------------------------------------------------------------------ the adapter


def test_villages_share_their_township_children_by_population(siting_city):
    inst = sr.load_county_instance("530402", 2025)
    kids = dict(zip(inst.demand_ids, inst.children.tolist(), strict=True))
    # 玉兴街道: 12 per single age and sex -> 72 children aged 3–5 on the cut-off day, more than
    # [siting] max_point_children (45): two parts of 36 at the same place
    assert set(kids) == {"530402001#1", "530402001#2", "530402002", "530402002201", "530402002202"}
    assert kids["530402001#1"] == kids["530402001#2"] == pytest.approx(36)
    assert inst.demand_lat[0] == inst.demand_lat[1] == 24.35
    # 凤凰街道 holds 6 + 2 + 1 per age 3–5 and sex, 6 at age 6 (its own rows)
    town = CUTOFF * 54 + (1 - CUTOFF) * 48
    assert kids["530402002"] + kids["530402002201"] + kids["530402002202"] == pytest.approx(town)
    assert kids["530402002201"] == pytest.approx(2 * kids["530402002202"])
    assert kids["530402002"] == pytest.approx(6 * kids["530402002202"])
    assert inst.demand_info["530402002201"]["name"] == "凤凰街道凤凰村"
    assert any("0–5" in n for n in inst.notes)


def test_sites_are_licensed_kindergartens_with_their_seats_of_the_year(siting_city):
    inst = sr.load_county_instance("530402", 2025)
    sites = dict(zip(inst.site_ids, inst.capacity.tolist(), strict=True))
    # K4 is unlicensed: not a site; K1 has 45 seats in its 2025 snapshot
    assert sites == {"K1": 45, "K3": 30, "K5": 10}
    closable = dict(zip(inst.site_ids, inst.closable.tolist(), strict=True))
    assert closable == {"K1": False, "K3": False, "K5": True}  # K5 is the village kindergarten under K1
    assert inst.existing.all()
    assert inst.year == 2025 and inst.base_year == 2025 and inst.years[0] == 2025 and inst.years[-1] == 2030


def test_villages_without_population_share_equally_and_township_placed_by_kindergartens(siting_city):
    inst = sr.load_county_instance("530403", 2025)
    assert inst.demand_ids == ("530403100201", "530403100202", "530403100203")
    total = 60.0  # 10 per age and sex at every age: 3–5 on the cut-off day is 60
    assert inst.children.tolist() == pytest.approx([total / 3] * 3)
    assert any("平均分配" in n and "equally" in n for n in inst.notes)
    sites = dict(zip(inst.site_ids, inst.capacity.tolist(), strict=True))
    assert sites == {"A1": 10, "K2": 60, "K6": 10}
    # K6 has no coordinates: it stands at its township's, the mean of K2 and A1
    k6 = inst.site_ids.index("K6")
    assert (inst.site_lat[k6], inst.site_lon[k6]) == pytest.approx((24.31, 102.76))
    assert inst.site_info["K6"]["coordinates"] == "division"
    assert inst.closable.tolist() == [False, False, False]  # attached class, K2 and K6 are not village ones


def test_children_add_up_to_the_county_projection(siting_city):
    for year in (2027, 2030):
        inst = sr.load_county_instance("530403", year)
        run = run_projection(counties=["530403"], end_year=2030, with_backtest=False)
        band = ri.band_on_cutoff(run.projection.population, sr.KINDERGARTEN_AGES, ri.cutoff_fraction())
        expected = band[run.projection.years.tolist().index(year), 0]
        assert inst.children.sum() == pytest.approx(expected)
        assert inst.children_by_year[inst.years.index(year)].sum() == pytest.approx(expected)


def test_a_township_without_coordinates_is_refused_by_name(siting_city):
    m = siting_city
    place(m.town_a, None, None)
    place(Institution.objects.get(code="K1"), None, None)
    with pytest.raises(SitingInputError, match=r"玉兴街道\(530402001\).*no latitude/longitude"):
        sr.load_county_instance("530402", 2025)


def test_a_township_whose_villages_cannot_be_placed_is_one_point(siting_city):
    for v in siting_city.villages_b:
        place(v, None, None)
    inst = sr.load_county_instance("530403", 2025)
    assert inst.demand_ids == ("530403100#1", "530403100#2")  # 60 children in two parts
    assert inst.children.tolist() == pytest.approx([30, 30])
    assert (inst.demand_lat[0], inst.demand_lon[0]) == pytest.approx((24.31, 102.76))
    assert any("one demand point" in n for n in inst.notes)


def test_large_points_are_split_so_kindergartens_can_share_them(siting_city, settings, monkeypatch):
    cfg = sr.siting_defaults()
    monkeypatch.setattr(sr, "siting_defaults", lambda: sr.replace(cfg, max_point_children=25.0))
    inst = sr.load_county_instance("530402", 2025)
    parts = [d for d in inst.demand_ids if d.startswith("530402001#")]
    assert parts == ["530402001#1", "530402001#2", "530402001#3"]  # 72 children in parts of at most 25
    assert inst.children[[inst.demand_ids.index(p) for p in parts]].tolist() == pytest.approx([24, 24, 24])


def test_new_sites_at_points_without_a_kindergarten(siting_city):
    inst = sr.load_county_instance("530402", 2025, new_sites=True)
    new = [s for s, e in zip(inst.site_ids, inst.existing, strict=True) if not e]
    # 玉兴街道 has K1 and 凤凰街道 K3 (its villages' K5 sits in the township's division)
    assert new == ["NEW-530402002201", "NEW-530402002202"]
    assert inst.capacity[inst.site_ids.index("NEW-530402002201")] == sr.siting_defaults().new_site_seats


def test_unknown_or_out_of_scope_county(siting_city):
    with pytest.raises(SitingInputError, match="no current county 999999"):
        sr.load_county_instance("999999", 2025)
    officer = create_user_with_role(
        "cb", "pw-123456", Role.COUNTY_OFFICER, division=siting_city.county_b
    ).user
    with pytest.raises(SitingInputError, match="not in your scope"):
        sr.load_county_instance("530402", 2025, user=officer)
    assert sr.load_county_instance("530403", 2025, user=officer).n == 3


def test_year_before_the_data_or_beyond_the_horizon(siting_city):
    with pytest.raises(SitingInputError, match="before the first year"):
        sr.load_county_instance("530403", 2020)
    with pytest.raises(SitingInputError, match="beyond the projection horizon"):
        sr.load_county_instance("530403", 2099)


# ------------------------------------------------------------------------------ scenarios and flags


def test_zone_trends_flags_by_hand():
    t = zone_trends(
        ("A", "B", "C"),
        np.array([100.0, 50.0, 40.0]),
        np.array([0, 0, 1, 2, -1]),
        np.array([[30, 30, 40, 40, 5], [20, 20, 50, 40, 5], [10, 20, 60, 10, 0]], dtype=float),
        (2025, 2026, 2027),
    )
    assert t.children.tolist() == [[60, 40, 40], [40, 50, 40], [30, 60, 10]]
    assert t.flags(0) == [EMPTIES_OUT] and t.first_empty[0] == 2026  # below 50 from 2026 on
    assert t.flags(1) == [NEEDS_SEATS] and t.first_short[1] == 2027 and t.max_shortfall[1] == 10
    assert t.flags(2) == [EMPTIES_OUT] and t.first_empty[2] == 2027
    assert t.unseated.tolist() == [5, 5, 0]


def test_years_before_the_planned_year_are_shown_not_judged():
    """Zones drawn for 2026 are not "short" because of 2025, when the children were more."""
    kids = np.array([[70.0], [40.0], [45.0]])
    t = zone_trends(("A",), np.array([50.0]), np.array([0]), kids, (2025, 2026, 2027), from_year=2026)
    assert t.children[:, 0].tolist() == [70, 40, 45] and t.flags(0) == [] and t.max_shortfall[0] == 0
    assert zone_trends(("A",), np.array([50.0]), np.array([0]), kids, (2025, 2026, 2027)).flags(0) == [
        NEEDS_SEATS
    ]


@pytest.fixture
def scenarios(siting_city):
    low = {y: 0.0 for y in range(2026, 2031)}
    high = {y: 150.0 for y in range(2026, 2031)}
    save_scenario("low", division=siting_city.county_b, births="series", births_series=low, end_year=2030)
    save_scenario("high", division=siting_city.county_b, births="series", births_series=high, end_year=2030)
    return siting_city


def test_scenario_births_flow_into_the_zones_by_year(scenarios):
    low = sr.run_county_siting("530403", 2025, "zones", scenario="low")
    high = sr.run_county_siting("530403", 2025, "zones", scenario="high")
    assert low.instance.scenario == "low" and low.instance.births == "series"
    # the same children in the base year, already born; fewer or more by 2030
    assert low.instance.children.sum() == pytest.approx(high.instance.children.sum())
    assert low.instance.children_by_year[-1].sum() < 40 < 120 < high.instance.children_by_year[-1].sum()
    k2_low = next(r for r in low.trend_records() if r["site_id"] == "K2")
    k2_high = next(r for r in high.trend_records() if r["site_id"] == "K2")
    assert k2_low["flags"] == [EMPTIES_OUT] and k2_low["children"]["2030"] < 30
    assert NEEDS_SEATS in k2_high["flags"] and k2_high["children"]["2030"] > 60
    assert k2_high["first_year_short"] <= 2030 and k2_low["empty_from"] <= 2030


def test_unknown_scenario_is_refused(siting_city):
    with pytest.raises(SitingInputError, match="no scenario named 'nope'"):
        sr.load_county_instance("530403", 2026, scenario="nope")


def test_a_city_scenario_serves_its_counties(siting_city):
    save_scenario("citylow", division=siting_city.city, births="trend", end_year=2030)
    inst = sr.load_county_instance("530403", 2028, scenario="citylow")
    assert inst.scenario == "citylow" and inst.births == "trend"


# ------------------------------------------------------------------------------------- the command


def site(*args: str) -> dict:
    out = io.StringIO()
    call_command("plan", "site", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_command_registry_mode_json_contract(siting_city):
    data = site("--county", "530403", "--year", "2025", "--model", "pmedian", "--p", "2")
    for key in ("model", "objective", "lower_bound", "gap", "open_sites", "assignment", "uncovered"):
        assert key in data, key
    assert data["model"] == "pmedian" and data["county"] == "530403" and data["year"] == 2025
    assert len(data["open_sites"]) == 2 and set(data["open_sites"]) <= {"A1", "K2", "K6"}
    assert set(data["assignment"]) == {"530403100201", "530403100202", "530403100203"}
    assert set(data["assignment"].values()) <= set(data["open_sites"])
    assert data["lower_bound"] <= data["objective"] + 1e-6 and data["gap"] is not None
    assert data["trend_years"] == list(range(2025, 2031))
    assert {r["site_id"] for r in data["trends"]} == set(data["open_sites"])
    assert all(set(r["children"]) == {str(y) for y in range(2025, 2031)} for r in data["trends"])
    point = data["demand_points"][0]
    assert point["lat"] and point["lon"] and point["children"]["2025"] == pytest.approx(20, abs=0.1)


@pytest.mark.parametrize(
    "model,extra", [("mclp", ["--p", "1", "--radius", "5"]), ("lscp", ["--radius", "8"])]
)
def test_command_covering_models(siting_city, model, extra):
    data = site("--county", "530403", "--year", "2026", "--model", model, *extra)
    assert data["model"] == model and data["open_sites"]
    assert set(data["assignment"]) | set(data["uncovered"]) >= {
        "530403100201",
        "530403100202",
        "530403100203",
    }


def test_command_close_and_scenario(scenarios):
    data = site("--county", "530402", "--year", "2025", "--model", "close", "--p", "1", "--uncapacitated")
    assert data["closed_existing"] == ["K5"]  # the only closable kindergarten
    low = site("--county", "530403", "--year", "2026", "--model", "zones", "--scenario", "low")
    assert low["scenario"] == "low"
    assert any(EMPTIES_OUT in r["flags"] for r in low["trends"])


def test_command_xlsx_and_table(siting_city, tmp_path):
    out = tmp_path / "site.xlsx"
    call_command(
        "plan", "site", "--county", "530403", "--year", "2025", "--model", "zones", "--format", "xlsx",
        "--out", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert {"summary", "zones", "demand", "trends", "notes"} <= set(wb.sheetnames)
    header = [c.value for c in wb["trends"][1]]
    assert any("2030" in str(h) for h in header)
    text = io.StringIO()
    call_command("plan", "site", "--county", "530403", "--year", "2025", "--model", "zones", stdout=text)
    assert "2030" in text.getvalue() and "K2" in text.getvalue()


def test_command_refuses_without_traceback(siting_city):
    with pytest.raises(CommandError, match="no current county"):
        site("--county", "123456", "--year", "2025", "--model", "zones")
    with pytest.raises(CommandError, match="only with --county"):
        site("--demand", "d.csv", "--sites", "s.csv", "--scenario", "low", "--model", "zones")


# -------------------------------------------------------------------------------- seating (solver)


def test_points_seated_far_away_do_not_take_seats_already_given():
    """Regression: with one open kindergarten of 33 seats the covering models' zones once seated 41
    children, because points without a nearby site took seats the regret rule had given to others."""
    from eduplan.planning.siting import solve
    from tests.planning.test_siting_properties import FAST, random_instance

    inst = random_instance(2868, 8, 7, 6)
    res = solve(inst, "lscp", method="exact", settings=FAST)
    seats = dict(zip(inst.site_ids, inst.capacity.tolist(), strict=True))
    for zone in res.zones:
        assert zone["children"] <= seats[zone["site_id"]]
