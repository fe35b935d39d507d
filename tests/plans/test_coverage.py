"""Clause coverage: one way to declare, one report of what implements each clause."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from eduplan.plans import coverage
from eduplan.plans.coverage import implements, unregister


@pytest.fixture
def declared():
    made: list[tuple[str, str]] = []

    def declare(kind: str, ident: str, clauses: list[str]) -> None:
        implements(kind, ident, clauses)
        made.append((kind, ident))

    yield declare
    for kind, ident in made:
        unregister(kind, ident)


def by_clause(report) -> dict[str, list[dict]]:
    return {r["clause"]: r["implemented_by"] for r in report.rows}


def test_indicators_are_declared_by_the_plan_file():
    rows = by_clause(coverage.coverage(import_modules=False))
    assert {"kind": "indicator", "id": "preschool_ger"} in rows["PRE-T1"]
    assert {"kind": "indicator", "id": "preschool_ger"} in rows["PRE-4.1.1"]  # its "also"


def test_a_declaration_appears_and_unknown_ids_are_reported(declared):
    declared("rule", "test_naming", ["PRE-4.2.4", "PRE-9.9"])
    report = coverage.coverage(import_modules=False)
    assert {"kind": "rule", "id": "test_naming"} in by_clause(report)["PRE-4.2.4"]
    assert {"clause": "PRE-9.9", "kind": "rule", "id": "test_naming", "module": __name__} in report.unknown


def test_uncovered_clauses_are_listed(monkeypatch):
    monkeypatch.setattr(coverage, "_REGISTRY", {})  # nothing declared: only the plan's indicators
    report = coverage.coverage(import_modules=False)
    assert "PRE-4.2.2" in report.uncovered  # registers and rules implement it, none declared here
    assert "PRE-T1" not in report.uncovered  # the plan file's own indicator


def test_declaring_one_string_is_a_mistake():
    with pytest.raises(TypeError):
        implements("rule", "x", "PRE-4.2.4")


def test_plan_coverage_json_imports_every_module():
    out = io.StringIO()
    call_command("plan", "coverage", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [set(r) for r in rows[:1]] == [{"clause", "title_zh", "title_en", "implemented_by"}]
    found = {r["clause"]: r["implemented_by"] for r in rows}
    # Declared in eduplan.metrics.incidents, which only the full import brings in.
    assert {"kind": "measure", "id": "counties_ready"} in found["PRE-5.4"]


def test_plan_coverage_table():
    out = io.StringIO()
    call_command("plan", "coverage", stdout=out)
    text = out.getvalue()
    assert "PRE-T1" in text and "indicator:preschool_ger" in text
    assert "clauses nothing implements yet" in text
