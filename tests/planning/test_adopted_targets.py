"""County targets of record (issue 16 item 2): the city adopts county targets, versioned; a county
row of a city-wide plan target is judged against its adopted target, or shows "未分解目标" with no
status; only the city adopts."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.metrics import progress as pg
from eduplan.planning.allocation import adopt
from eduplan.planning.allocation.adopted_models import AdoptionOrigin
from eduplan.plans.loader import Target
from eduplan.registry.choices import Role

PASSWORD = "pw-123456"
PLAN_TARGET = Target(96.0, ">=", dt.date(2025, 12, 31), "city", ("city", "county"))


def _row(level="county", year=2024, value=90.0, trend=1.0, division="530402"):
    return {
        "indicator": "preschool_ger",
        "division": division,
        "level": level,
        "year": year,
        "value": value,
        "unit": "%",
        "trend": trend,
        "target": 96,
        "comparison": ">=",
        "met": False,
        "gap": 6.0,
        "forecast": 93.0,
        "forecast_year": 2025,
        "forecast_method": "linear",
        "status": "at_risk",
    }


def _adopted(value=92.0, year=2025):
    return {
        ("preschool_ger", "530402"): {
            year: pg.CountyTarget(year, value, "cityo", "2026-01-05T10:00:00+08:00", "基线")
        }
    }


def test_a_county_without_an_adopted_target_is_not_judged():
    rows = [_row(level="city", division="530400"), _row()]
    pg.apply_county_targets(rows, {"preschool_ger": (PLAN_TARGET, 100.0)}, {}, margin=0.05)
    city, county = rows
    assert city["target_origin"] == "plan" and city["target"] == 96 and city["status"] == "at_risk"
    assert county["target_origin"] == "none"
    assert county["target"] is None and county["status"] is None and county["value"] == 90.0
    assert pg.target_label(county) == "未分解目标"


def test_a_county_is_judged_against_its_adopted_target():
    rows = [_row(year=2025, value=92.5)]
    pg.apply_county_targets(rows, {"preschool_ger": (PLAN_TARGET, 100.0)}, _adopted(92.0), margin=0.05)
    r = rows[0]
    assert r["target_origin"] == "adopted" and r["target"] == 92.0
    assert r["status"] == "on_track" and r["met"] is True  # 92.5 ≥ 92, though below the city's 96
    assert r["adopted_by"] == "cityo" and r["scenario"] == "基线"
    assert pg.target_label(r) == "县目标 92%（市分解）"


def test_an_earlier_year_is_forecast_to_the_adopted_year():
    # The row's own forecast runs to 2025 (93): a 2025 county target of 92 is forecast to be met.
    rows = [_row(year=2023, value=88.0, trend=1.0)]
    pg.apply_county_targets(rows, {"preschool_ger": (PLAN_TARGET, 100.0)}, _adopted(92.0), margin=0.05)
    assert (rows[0]["forecast"], rows[0]["forecast_year"], rows[0]["status"]) == (93.0, 2025, "on_track")
    # A 2024 milestone: the row's trend gives 88 + 1 = 89 < 92, within 5% of it → at risk.
    rows = [_row(year=2023, value=88.0, trend=1.0)]
    pg.apply_county_targets(rows, {"preschool_ger": (PLAN_TARGET, 100.0)}, _adopted(92.0, 2024), margin=0.05)
    assert (rows[0]["forecast"], rows[0]["forecast_year"], rows[0]["status"]) == (89.0, 2024, "at_risk")
    rows = [_row(year=2025, value=88.0)]
    pg.apply_county_targets(rows, {"preschool_ger": (PLAN_TARGET, 100.0)}, _adopted(92.0), margin=0.05)
    assert rows[0]["status"] == "off_track"


def test_a_county_scope_plan_target_stays_the_plan_target():
    county_target = Target(100.0, ">=", dt.date(2025, 12, 31), "county", ("city", "county"))
    rows = [_row()]
    pg.apply_county_targets(rows, {"preschool_ger": (county_target, 100.0)}, {}, margin=0.05)
    assert rows[0]["target_origin"] == "plan" and rows[0]["status"] == "at_risk"


# ------------------------------------------------------------------------- adoption, with Django


@pytest.fixture
def officers(registry_city):
    create_user_with_role("cityo", PASSWORD, Role.CITY_OFFICER, division=registry_city.city)
    create_user_with_role("cb", PASSWORD, Role.COUNTY_OFFICER, division=registry_city.county_b)
    return registry_city


def _adopt_cli(path, reason, user):
    argv = ["--indicator", "preschool_ger", "--year", "2025", "--file", str(path)]
    call_command("plan", "adopt", *argv, "--reason", reason, "--user", user)


def _file(tmp_path, values, name="targets.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["区划 division", "县目标 target"])
    for code, v in values.items():
        ws.append([code, v])
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.mark.django_db
def test_adoption_is_versioned_and_the_latest_is_in_force(officers, tmp_path):
    from django.contrib.auth import get_user_model

    city_officer = get_user_model().objects.get(username="cityo")
    first = adopt.adopt_from_file(
        "preschool_ger",
        2025,
        _file(tmp_path, {"530402": 95, "530403": 97}),
        user=city_officer,
        reason="首次分解",
    )
    second = adopt.adopt_from_file(
        "preschool_ger",
        2025,
        _file(tmp_path, {"530402": 94.2}, "v2.xlsx"),
        user=city_officer,
        reason="红塔区调整",
    )
    assert (first.version, second.version) == (1, 2)
    assert first.origin == AdoptionOrigin.FILE
    force = {t.division: t for t in adopt.in_force(indicator="preschool_ger", year=2025)}
    assert force["530402"].target == 94.2 and force["530402"].version == 2
    assert force["530402"].reason == "红塔区调整" and force["530402"].adopted_by == "cityo"
    assert force["530403"].target == 97 and force["530403"].version == 1  # not in version 2: kept
    assert len(adopt.history("preschool_ger")) == 2


@pytest.mark.django_db
def test_only_the_city_adopts(officers, tmp_path):
    from django.contrib.auth import get_user_model

    county_officer = get_user_model().objects.get(username="cb")
    with pytest.raises(PermissionDenied):
        adopt.adopt_from_file(
            "preschool_ger", 2025, _file(tmp_path, {"530403": 99}), user=county_officer, reason="x"
        )
    with pytest.raises(CommandError, match="only the city"):
        _adopt_cli(str(_file(tmp_path, {"530403": 99})), "x", "cb")
    assert adopt.in_force() == []


@pytest.mark.django_db
def test_bad_files_and_indicators_are_named(officers, tmp_path):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="cityo")
    with pytest.raises(ValueError, match="hs_big_classes"):
        adopt.adopt_from_file("hs_big_classes", 2025, _file(tmp_path, {"530402": 0}), user=user, reason="x")
    with pytest.raises(ValueError, match=r"530402.*0–100"):
        adopt.adopt_from_file(
            "inclusive_coverage", 2025, _file(tmp_path, {"530402": 108.6}), user=user, reason="x"
        )
    with pytest.raises(ValueError, match="row 2, column B"):
        adopt.adopt_from_file("preschool_ger", 2025, _file(tmp_path, {"530402": "高"}), user=user, reason="x")


@pytest.mark.django_db
def test_cli_adopt_then_targets_and_indicators_json(officers, tmp_path):
    path = _file(tmp_path, {"530402": 94.2, "530403": 50.0})
    _adopt_cli(str(path), "按学位分解", "cityo")
    out = StringIO()
    call_command("plan", "targets", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {r["division"]: r["target"] for r in rows} == {"530402": 94.2, "530403": 50.0}
    for r in rows:
        assert set(r) >= {
            "indicator",
            "division",
            "year",
            "target",
            "origin",
            "scenario",
            "adopted_by",
            "adopted_at",
            "reason",
        }
        assert r["origin"] == "file" and r["adopted_by"] == "cityo" and r["reason"] == "按学位分解"
    exported = tmp_path / "export.xlsx"
    call_command("plan", "targets", "--format", "xlsx", "--out", str(exported))
    assert adopt.read_file(exported, "preschool_ger", 2025) == {"530402": 94.2, "530403": 50.0}

    out = StringIO()
    call_command("indicators", "--format", "json", "--year", "2024", stdout=out)
    records = [r for r in json.loads(out.getvalue()) if r["indicator"] == "preschool_ger"]
    by_div = {r["division"]: r for r in records}
    city = by_div["530400"]
    assert city["target_origin"] == "plan" and city["target"] == 96
    a = by_div["530402"]
    assert a["target_origin"] == "adopted" and a["target"] == 94.2
    assert a["adopted_by"] == "cityo" and a["adopted_at"] and a["scenario"] is None
    assert a["status"] in {"on_track", "at_risk", "off_track"}
    other = [
        r
        for r in json.loads(out.getvalue())
        if r["indicator"] == "inclusive_coverage" and r["level"] == "county"
    ]
    assert other and all(
        r["target_origin"] == "none" and r["target"] is None and r["status"] is None for r in other
    )


# ----------------------------------------------------------------------- the allocation, fit to adopt


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method", ["uniform", "proportional_gap", "equal_points", "floor_share", "least_cost"]
)
def test_allocation_never_below_the_current_rate_for_a_target_at_least(registry_city, method):
    from eduplan.planning.allocation.run import run_allocation

    a = run_allocation(2025, method=method, target=96.0).allocation
    assert a.feasible
    assert all(t >= last - 1e-9 for t, last in zip(a.target, a.last_rate, strict=True))
    assert all(t <= max(100.0, last) + 1e-9 for t, last in zip(a.target, a.last_rate, strict=True))
    # --no-keep-last-rate keeps the old option: uniform may then go below a county's rate
    loose = run_allocation(2025, method="uniform", target=70.0, keep_last_rate=False).allocation
    assert min(loose.target - loose.last_rate) < 0


@pytest.mark.django_db
def test_allocation_says_when_the_city_target_is_already_met(registry_city):
    out = StringIO()
    call_command("plan", "allocate", "--year", "2025", "--target", "70", stdout=out)
    text = out.getvalue()
    assert "已达到目标" in text and "already meets its target" in text  # the city is at 76.8% in 2024
    out = StringIO()
    call_command("plan", "allocate", "--year", "2025", "--target", "70", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    city = rows[-1]
    assert city["already_met"] is True and city["feasible"] is True
    assert city["last_rate"] == pytest.approx(129 / 168 * 100)  # the indicator's city value
    assert [r["target"] for r in rows[:-1]] == pytest.approx([r["last_rate"] for r in rows[:-1]])


# ------------------------------------------------------------------------------ page and API


@pytest.mark.django_db
@pytest.mark.urls("tests.planning.urls")
def test_the_city_adopts_on_the_allocation_page_a_county_officer_gets_403(client, officers):
    client.login(username="cb", password=PASSWORD)
    page = client.get("/office/planning/allocation/?year=2025")
    assert page.status_code == 200 and 'id="adopt-form"' not in page.content.decode()
    refused = client.post("/office/planning/allocation/adopt/", {"year": 2025, "reason": "自定"})
    assert refused.status_code == 403
    api = client.post(
        "/api/plan/targets/adopt",
        {"indicator": "preschool_ger", "year": 2025, "reason": "自定", "targets": {"530403": 60}},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert adopt.in_force() == []

    client.login(username="cityo", password=PASSWORD)
    page = client.get("/office/planning/allocation/?year=2025&method=uniform").content.decode()
    assert 'id="adopt-form"' in page and "未分解目标" in page
    done = client.post(
        "/office/planning/allocation/adopt/",
        {"year": 2025, "method": "uniform", "target": "", "reason": "2025 年按统一目标分解"},
        follow=True,
    )
    body = done.content.decode()
    assert done.status_code == 200 and "已通过" in body
    assert 'id="targets-table"' in body and "2025 年按统一目标分解" in body and "uniform" in body
    force = adopt.in_force(indicator="preschool_ger", year=2025)
    assert {t.division for t in force} == {"530402", "530403"} and all(t.method == "uniform" for t in force)
    # read through the API: the county officer sees their own county only
    client.login(username="cb", password=PASSWORD)
    rows = client.get("/api/plan/targets").json()
    assert [r["division"] for r in rows] == ["530403"] and rows[0]["adopted_by"] == "cityo"
    indicators = client.get("/api/indicators?indicator=preschool_ger&county=530403&year=2024").json()["items"]
    assert indicators[0]["target_origin"] == "adopted" and indicators[0]["adopted_by"] == "cityo"


def test_the_notice_names_the_county_target_it_criticises():
    from eduplan.supervision.notices.criticism import criticised_counties

    def rec(division, level, value, indicator, name):
        return {
            **_row(level=level, year=2025, value=value, division=division),
            "indicator": indicator,
            "name_zh": name,
            "numerator": value,
            "denominator": 100,
        }

    records = [
        rec("530400", "city", 95.0, "preschool_ger", "学前三年毛入园率"),
        rec("530402", "county", 90.0, "preschool_ger", "学前三年毛入园率"),
        rec("530400", "city", 92.0, "inclusive_coverage", "普惠性幼儿园覆盖率"),
        rec("530402", "county", 85.0, "inclusive_coverage", "普惠性幼儿园覆盖率"),
    ]
    specs = {"preschool_ger": (PLAN_TARGET, None), "inclusive_coverage": (PLAN_TARGET, 100.0)}
    adopted = {
        **_adopted(94.2),
        ("inclusive_coverage", "530402"): {2025: pg.CountyTarget(2025, 88.0, "cityo", "2026-01-05", None)},
    }
    pg.apply_county_targets(records, specs, adopted, margin=0.05)
    out = criticised_counties(
        records, [], city_code="530400", counties=[("530402", "红塔区")], min_indicators=2, late_report=False
    )
    assert out and out[0]["indicators"] == ["preschool_ger", "inclusive_coverage"]
    assert "学前三年毛入园率(县目标 94.2%（市分解）)" in out[0]["reasons"][0]
    # Without adopted targets the county has no status: nothing to criticise.
    records = [
        rec("530400", "city", 95.0, "preschool_ger", "x"),
        rec("530402", "county", 90.0, "preschool_ger", "x"),
    ]
    pg.apply_county_targets(records, specs, {}, margin=0.05)
    assert (
        criticised_counties(
            records,
            [],
            city_code="530400",
            counties=[("530402", "红塔区")],
            min_indicators=1,
            late_report=False,
        )
        == []
    )


@pytest.mark.django_db
@pytest.mark.urls("tests.planning.urls")
def test_the_county_dashboard_and_ranking_name_the_adopted_target(client, officers, tmp_path):
    _adopt_cli(_file(tmp_path, {"530402": 94.2}), "红塔区目标", "cityo")
    client.login(username="cityo", password=PASSWORD)
    county = client.get("/office/county/530402/?year=2024").content.decode()
    assert "县目标 94.2%（市分解）" in county
    assert "未分解目标" in county  # e.g. inclusive coverage: no county target adopted
    city = client.get("/office/?year=2024").content.decode()
    assert "县目标 94.2%（市分解）" in city  # the ranking says which target each county is judged by
