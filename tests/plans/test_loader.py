"""The plan file: complete (every clause of CLAUSES.md, every quantitative target), and wrong files are
refused with messages that name the file, the indicator and what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.metrics.formula import FormulaError
from eduplan.metrics.indicators import load_catalogue
from eduplan.plans.loader import PlanError, load_plan, plan_path

# The clause ids of ../shared/plan/CLAUSES.md (the plan's stable ids).
CLAUSE_IDS = (
    [f"PRE-T{i}" for i in range(1, 9)]
    + [f"HS-T{i}" for i in range(1, 11)]
    + ["PRE-4.1.1", "PRE-4.1.2", "PRE-4.1.3", "PRE-4.1.4"]
    + ["PRE-4.2.1", "PRE-4.2.2", "PRE-4.2.3", "PRE-4.2.4", "PRE-4.2.5"]
    + ["PRE-4.3.1", "PRE-4.3.2", "PRE-4.5.1", "PRE-4.5.2", "PRE-4.5.3"]
    + ["PRE-5.1", "PRE-5.2", "PRE-5.3", "PRE-5.4"]
    + ["HS-1.3"]
    + [f"HS-2.{i}" for i in range(1, 11)]
    + ["HS-3.1", "HS-3.2", "HS-3.3", "HS-3.4"]
)
SHARED_CLAUSES = Path(__file__).resolve().parents[3] / "shared" / "plan" / "CLAUSES.md"


def test_the_plan_lists_every_clause_with_titles():
    plan = load_plan()
    assert [c.id for c in plan.clauses] == CLAUSE_IDS
    assert all(c.title_zh and c.title_en for c in plan.clauses)


@pytest.mark.skipif(not SHARED_CLAUSES.exists(), reason="the shared CLAUSES.md is not beside the repository")
def test_clause_list_matches_clauses_md():
    ids = re.findall(r"^\| ((?:PRE|HS)-[T0-9.]+) \|", SHARED_CLAUSES.read_text(encoding="utf-8"), re.M)
    assert sorted(ids) == sorted(CLAUSE_IDS)


def test_every_quantitative_target_is_computed_or_explained():
    plan = load_plan()
    targets = {i.clause for i in plan.indicators if i.target is not None and i.set == "targets"}
    explained = {n.clause for n in plan.not_computed}
    for clause in [c for c in CLAUSE_IDS if "-T" in c]:
        assert clause in targets or clause in explained, clause
    # Designations and demonstration areas are registers (eduplan.programmes): computed, not explained.
    assert {"HS-T9", "PRE-T7"} <= targets and not {"HS-T9", "PRE-T7"} & explained


def test_assessment_thresholds_come_from_the_standards_with_their_citation():
    plan = load_plan()
    ger = next(i for i in plan.indicators if i.id == "assess_ger")
    assert ger.target is not None and ger.target.value == 85.0
    assert "教督〔2020〕1号" in ger.target.source
    assert {i.id for i in plan.indicator_set("assessment")} >= {"assess_ger", "assess_certified"}


def test_formulas_use_known_measures():
    cat = load_catalogue()
    assert len(cat.indicators) == len(load_plan().indicators)


def write_plan(tmp_path: Path, edit) -> Path:
    text = plan_path().read_text(encoding="utf-8")
    path = tmp_path / "broken.toml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def test_unknown_measure_names_file_indicator_and_measure(tmp_path):
    path = write_plan(
        tmp_path,
        lambda t: t.replace(
            "100 * children_public / children_enrolled", "100 * children_publik / children_enrolled", 1
        ),
    )
    with pytest.raises(FormulaError) as err:
        load_catalogue(load_plan(path))
    message = str(err.value)
    assert str(path) in message and "public_share" in message and "children_publik" in message


def test_unknown_clause_is_refused(tmp_path):
    path = write_plan(tmp_path, lambda t: t.replace('clause = "PRE-T3"', 'clause = "PRE-T33"', 1))
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert "public_share" in str(err.value) and "PRE-T33" in str(err.value)


def test_bad_comparison_and_missing_key_are_refused(tmp_path):
    path = write_plan(
        tmp_path, lambda t: t.replace('value = 96.0, comparison = ">="', 'value = 96.0, comparison = "=>"', 1)
    )
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert "preschool_ger" in str(err.value) and "=>" in str(err.value)
    path = write_plan(
        tmp_path, lambda t: t.replace('name_en = "Preschool three-year gross enrollment rate"\n', "", 1)
    )
    with pytest.raises(PlanError, match="name_en"):
        load_plan(path)


def test_unknown_standard_is_refused(tmp_path):
    path = write_plan(
        tmp_path, lambda t: t.replace("assessment.gross_enrollment_rate_min", "assessment.nope", 1)
    )
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert "assess_ger" in str(err.value) and "nope" in str(err.value)


def test_not_toml_is_refused(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("[plan\n", encoding="utf-8")
    with pytest.raises(PlanError, match="not valid TOML"):
        load_plan(path)
