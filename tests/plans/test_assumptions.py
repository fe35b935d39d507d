"""The assumptions register: listed with their source, confirmed with history, and never a
sanction on their own while unconfirmed (issue 17)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eduplan.plans import assumptions, standards
from eduplan.plans.notice import hold_criticism

pytestmark = pytest.mark.django_db


def listed(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("plan", "assumptions", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_every_assumption_is_listed_with_its_source_and_confirmation():
    rows = {r["id"]: r for r in listed()}
    row = rows["notice-criticism-threshold"]
    assert {"id", "value", "reason", "used_by", "confirmed_by", "confirmed_at"} <= set(row)
    assert row["value"] == 2 and row["used_by"] == ["report:monthly_notice"]
    assert row["confirmed_by"] is None and row["confirmed_at"] is None and row["reason"]
    assert rows["licensing-kindergarten-seats"]["value"] == 90
    assert rows["deadline-hs-admissions"]["value"] == "2023-08-31"


def test_confirming_records_who_when_and_why_and_keeps_the_history():
    listed("--confirm", "kindergarten-funding-floor", "--reason", "市财政已核定", "--user", "市教体局 李")
    listed(
        "--confirm",
        "kindergarten-funding-floor",
        "--value",
        "600",
        "--reason",
        "提高标准",
        "--user",
        "市教体局 王",
    )
    row = next(r for r in listed() if r["id"] == "kindergarten-funding-floor")
    assert row["value"] == 600 and row["confirmed_by"] == "市教体局 王" and row["confirmed_at"]
    assert standards.value("funding", "kindergarten_per_child_min") == 600  # the city's own value
    assert standards.file_value("funding", "kindergarten_per_child_min") == 500
    assert [h["value"] for h in assumptions.history("kindergarten-funding-floor")] == [600, 500]


def test_a_confirmation_names_what_was_wrong():
    with pytest.raises(CommandError, match="reason"):
        listed("--confirm", "kindergarten-funding-floor", "--user", "x")
    with pytest.raises(CommandError, match="unknown assumption"):
        listed("--confirm", "no-such", "--reason", "r", "--user", "x")
    with pytest.raises(CommandError, match="must be a int"):
        listed("--confirm", "kindergarten-funding-floor", "--value", '"many"', "--reason", "r", "--user", "x")


def test_criticism_is_held_until_its_rule_is_confirmed():
    would = [{"county": "530402", "county_name": "红塔区", "reasons": ["目标指标明显滞后"], "indicators": []}]
    assert hold_criticism(would) == (would, [])
    assumptions.confirm("notice-criticism-threshold", reason="市局审定", user_name="市教体局 张")
    assert hold_criticism(would) == ([], would)


def test_pending_tasks_are_those_whose_deadline_is_unconfirmed():
    assert "hs-admissions" in assumptions.pending_tasks()
    assumptions.confirm("deadline-hs-admissions", reason="按招生季", user_name="市教体局 张")
    assert "hs-admissions" not in assumptions.pending_tasks()
