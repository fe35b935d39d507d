"""``eduplan explain`` and the 依据 page: a finding or a status says why (issue 17)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from eduplan.plans import assumptions

from .builders import clean_kindergarten
from .test_licensing import PRIVATE

pytestmark = pytest.mark.django_db


def explained(*args: str) -> dict:
    out = io.StringIO()
    call_command("explain", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_a_rule_explains_its_finding_with_clauses_standards_and_assumptions(city):
    clean_kindergarten(city, "K-X", "甲幼儿园", seats=30, classes=(("mixed", 25),), **PRIVATE)
    data = explained("KG-UNLICENSED", "--institution", "K-X")
    assert data["formula"].startswith("无证幼儿园分类治理")
    assert [c["id"] for c in data["clauses"]] == ["PRE-4.1.2"] and data["clauses"][0]["title_zh"]
    seats = next(s for s in data["standards"] if s["name"] == "licensing.kindergarten_min_seats")
    assert seats["value"] == 90 and seats["source"]
    pending = {a["id"]: a["confirmed"] for a in data["assumptions"]}
    assert pending == {"licensing-kindergarten-seats": False, "licensing-kindergarten-classes": False}
    assert sorted(data["findings"][0]["basis_pending"]) == sorted(pending)
    assert data["numerator"][0]["entity"] == "K-X"
    assumptions.confirm("licensing-kindergarten-seats", reason="县标准", user_name="市教体局 张")
    again = {
        a["id"]: a["confirmed"] for a in explained("KG-UNLICENSED", "--institution", "K-X")["assumptions"]
    }
    assert again["licensing-kindergarten-seats"] is True


def test_an_indicator_explains_its_status(city):
    data = explained("public_share", "--division", "530402")
    assert data["formula"] == "100 * children_public / children_enrolled"
    assert data["numerator"]["formula"] == "children_public"
    assert data["denominator"]["formula"] == "children_enrolled"
    assert data["clauses"][0]["id"] == "PRE-T3"
    # PRE-T3's 60% is the city's target (issue 16): the city is judged against it, a county only
    # against a target the city adopted for it.
    assert data["target"] is None and data["target_origin"] == "none" and data["status"] is None
    assert {"standards", "assumptions", "status", "forecast"} <= set(data)
    city_data = explained("public_share", "--division", "530400")
    assert city_data["target"] == 60.0 and city_data["target_origin"] == "plan"
    from django.contrib.auth import get_user_model

    from eduplan.planning.allocation.adopt import adopt

    boss = get_user_model().objects.create_superuser("boss", password="pw-123456")
    adopt("public_share", 2025, {"530402": 55.0}, user=boss, reason="县情", origin="file")
    adopted = explained("public_share", "--division", "530402")
    assert (adopted["target"], adopted["target_origin"], adopted["adopted_by"]) == (55.0, "adopted", "boss")
    assert adopted["status"] in {"on_track", "at_risk", "off_track"}


def test_explain_names_what_is_missing():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown indicator or rule"):
        explained("NO-SUCH", "--division", "530402")
    with pytest.raises(CommandError, match="--division"):
        explained("public_share")
