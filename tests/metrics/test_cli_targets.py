"""The command-line contract of county targets (issue 16, "Done when"): ``eduplan plan adopt
--scenario`` adopts a saved planning scenario's county targets; ``eduplan plan targets --format
json`` lists them with who, when, why and from which scenario; ``eduplan indicators --format
json`` keeps its fields and adds ``target_origin``, ``target_kind``, ``adopted_by``,
``adopted_at`` and ``scenario`` (adoption from a file: tests/planning/test_adopted_targets.py)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from tests.metrics.test_cli import JSON_FIELDS
from tests.planning.conftest import registry_city  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _json(*argv: str) -> list[dict]:
    out = io.StringIO()
    call_command(*argv, "--format", "json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_adopt_a_saved_scenario_then_list_it_and_judge_the_counties(registry_city):  # noqa: F811
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=registry_city.city)
    call_command("plan", "scenario", "save", "分解基线", "--to", "2030", stdout=io.StringIO())
    call_command(
        "plan",
        "adopt",
        "--indicator",
        "preschool_ger",
        "--year",
        "2025",
        "--scenario",
        "分解基线",
        "--reason",
        "按情景分解",
        "--user",
        "cityo",
        stdout=io.StringIO(),
    )

    targets = _json("plan", "targets")
    assert {r["division"] for r in targets} == {"530402", "530403"}
    for r in targets:
        assert (r["indicator"], r["year"], r["origin"], r["scenario"]) == (
            "preschool_ger",
            2025,
            "scenario",
            "分解基线",
        )
        assert r["adopted_by"] == "cityo" and r["adopted_at"] and r["reason"] == "按情景分解"
        assert isinstance(r["target"], (int, float))
    adopted = {r["division"]: r["target"] for r in targets}

    records = _json("indicators", "--year", "2024")
    added = {"target_origin", "target_kind", "target_source", "adopted_by", "adopted_at", "scenario"}
    assert all(set(r) >= JSON_FIELDS | added for r in records)
    ger = {r["division"]: r for r in records if r["indicator"] == "preschool_ger"}
    city = ger["530400"]
    assert (city["target_origin"], city["target"], city["target_kind"]) == ("plan", 96, "target")
    assert city["adopted_by"] is None and city["scenario"] is None
    for code, target in adopted.items():
        county = ger[code]
        assert (county["target_origin"], county["target"], county["target_kind"]) == (
            "adopted",
            target,
            "target",
        )
        assert (county["adopted_by"], county["scenario"]) == ("cityo", "分解基线") and county["adopted_at"]
        assert county["status"] in {"on_track", "at_risk", "off_track"}
    # An indicator the city has not divided among its counties: no target, no status, no verdict.
    undivided = [r for r in records if r["indicator"] == "inclusive_coverage" and r["level"] == "county"]
    assert undivided and all(
        (r["target_origin"], r["target"], r["status"], r["target_kind"]) == ("none", None, None, None)
        for r in undivided
    )
    # A ban is marked as one, on the city and every county.
    bans = [r for r in records if r["indicator"] == "hs_big_classes"]
    assert bans and all(r["target_kind"] == "ban" and r["target_origin"] == "plan" for r in bans)
