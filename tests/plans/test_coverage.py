"""Clause coverage: the plan maps its clauses to registered checks; one report of what carries each."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from eduplan.plans import checks, coverage
from eduplan.plans.loader import load_plan, plan_path


@pytest.fixture
def registered():
    made: list[str] = []

    def declare(kind: str, ident: str) -> None:
        checks.register(kind, ident)
        made.append(f"{kind}:{ident}")

    yield declare
    for check_id in made:
        checks.unregister(check_id)


def by_clause(report) -> dict[str, list[dict]]:
    return {r["clause"]: r["implemented_by"] for r in report.rows}


def plan_with(tmp_path: Path, edit) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(edit(plan_path().read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_indicators_are_declared_by_the_plan_file():
    rows = by_clause(coverage.coverage())
    assert {"kind": "indicator", "id": "preschool_ger"} in rows["PRE-T1"]
    assert {"kind": "indicator", "id": "preschool_ger"} in rows["PRE-4.1.1"]  # its "also"


def test_a_registered_check_appears_once_the_plan_maps_it(registered, tmp_path):
    registered("rule", "TEST-NAMING")
    report = coverage.coverage()
    assert {"kind": "rule", "id": "TEST-NAMING"} in report.unused  # no clause uses it yet
    path = plan_with(
        tmp_path,
        lambda t: t.replace('id = "PRE-T8"\n', 'id = "PRE-T8"\nchecks = ["rule:TEST-NAMING"]\n', 1),
    )
    report = coverage.coverage(load_plan(path))
    assert {"kind": "rule", "id": "TEST-NAMING"} in by_clause(report)["PRE-T8"]
    assert {"kind": "rule", "id": "TEST-NAMING"} not in report.unused


def test_uncovered_clauses_are_listed(tmp_path):
    # A clause carried only by the demo's planted problems is carried by no check.
    def edit(text: str) -> str:
        text = text.replace('  "register:publicity_items",\n  "rule:HS-HYPE",\n', "", 1)
        # Loading refuses a clause nothing carries unless [[not_computed]] explains it.
        return text.replace(
            "[[not_computed]]",
            '[[not_computed]]\nclause = "HS-3.4"\nreason_zh = "测试"\nreason_en = "test"\n\n[[not_computed]]',
            1,
        )

    report = coverage.coverage(load_plan(plan_with(tmp_path, edit)))
    assert "HS-3.4" in report.uncovered
    assert {"kind": "rule", "id": "HS-HYPE"} in report.unused
    assert "PRE-T1" not in report.uncovered  # the plan file's own indicator


def test_registering_a_malformed_check_id_is_a_mistake():
    with pytest.raises(ValueError):
        checks.register("nonsense", "x")


def test_checks_register_at_start_up_without_importing_every_module():
    # Declared by the metrics app's ready(); the module that computes it need not be imported.
    assert checks.is_registered("measure:counties_ready")
    assert checks.is_registered("workflow:monthly_report")
    assert checks.is_registered("checklist:S01")


def test_plan_coverage_json():
    out = io.StringIO()
    call_command("plan", "coverage", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [set(r) for r in rows[:1]] == [{"clause", "title_zh", "title_en", "implemented_by"}]
    found = {r["clause"]: r["implemented_by"] for r in rows}
    assert {"kind": "measure", "id": "counties_ready"} in found["PRE-5.4"]


def test_plan_coverage_table():
    out = io.StringIO()
    call_command("plan", "coverage", stdout=out)
    text = out.getvalue()
    assert "PRE-T1" in text and "indicator:preschool_ger" in text
    assert "clauses nothing implements yet" in text
    assert "checks no clause uses" in text


@pytest.mark.django_db
def test_live_says_which_checks_ran_on_the_current_data():
    from eduplan.registry import actions
    from tests.factories import mini_city

    m = mini_city()
    actions.record_class(m.kg_a, school_year=2024, name="小一班", age_group="small", boys=20, girls=12)
    rows = {r["clause"]: r["implemented_by"] for r in coverage.coverage(live=True).rows}
    live = {f"{e['kind']}:{e['id']}": e["live"] for entries in rows.values() for e in entries}
    assert live["rule:KG-CLASS-SIZE"] is True  # evaluated the kindergartens, no "no data"
    assert live["register:training_records"] is False  # no training record yet
    assert live["indicator:public_share"] is True
