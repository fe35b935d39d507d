"""A plan checks itself: each mistake is refused with the file, the line and the key (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.plans.loader import PlanError, load_plan, plan_path
from eduplan.plans.validate import check_formulas


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = plan_path().read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def refused(path: Path) -> str:
    with pytest.raises(PlanError) as exc:
        load_plan(path)
    return str(exc.value)


def test_the_yuxi_plan_is_sound():
    plan = load_plan()
    check_formulas(plan)


def test_an_unknown_check_id_is_refused_with_file_line_and_key(tmp_path):
    path = edited(tmp_path, '"rule:KG-UNRATED"', '"rule:KG-UNRATEDD"')
    message = refused(path)
    assert message.startswith(f"{path}:{line_of(path, 'rule:KG-UNRATEDD')}:")
    assert "PRE-T6 checks" in message and "rule:KG-UNRATEDD" in message


def test_a_check_id_not_written_kind_id_is_refused(tmp_path):
    path = edited(tmp_path, '"rule:KG-UNRATED"', '"KG-UNRATED"')
    message = refused(path)
    assert f"{path}:{line_of(path, chr(34) + 'KG-UNRATED' + chr(34))}:" in message
    assert "kind:id" in message


def test_a_clause_no_check_carries_and_nothing_explains_is_refused(tmp_path):
    path = edited(
        tmp_path,
        '[[clauses]]\nid = "PRE-T1"',
        '[[clauses]]\nid = "PRE-T99"\ntitle_zh = "x"\ntitle_en = "x"\n\n[[clauses]]\nid = "PRE-T1"',
    )
    message = refused(path)
    assert message.startswith(f"{path}:{line_of(path, 'PRE-T99')}:")
    assert "PRE-T99" in message and "not_computed" in message


def test_a_clause_explained_under_not_computed_is_accepted(tmp_path):
    path = edited(
        tmp_path,
        '[[clauses]]\nid = "PRE-T1"',
        '[[not_computed]]\nclause = "PRE-T99"\nreason_zh = "无数据"\nreason_en = "no data"\n\n'
        '[[clauses]]\nid = "PRE-T99"\ntitle_zh = "x"\ntitle_en = "x"\n\n[[clauses]]\nid = "PRE-T1"',
    )
    assert load_plan(path).clause("PRE-T99") is not None


def test_a_target_without_a_source_is_refused(tmp_path):
    path = edited(tmp_path, 'target = { source = "plan", value = 96.0', "target = { value = 96.0")
    message = refused(path)
    assert message.startswith(f"{path}:{line_of(path, 'target = { value = 96.0')}:")
    assert "preschool_ger" in message and "source" in message


def test_an_assumed_target_needs_a_reason(tmp_path):
    path = edited(
        tmp_path, 'target = { source = "plan", value = 96.0', 'target = { source = "assumption", value = 96.0'
    )
    assert "reason" in refused(path)


def test_a_deadline_outside_the_plan_period_is_refused(tmp_path):
    path = edited(tmp_path, "deadline = 2022-12-31", "deadline = 2027-12-31")
    message = refused(path)
    assert message.startswith(f"{path}:{line_of(path, '2027-12-31')}:")
    assert "2021-01-01" in message and "2025-12-31" in message


def test_a_task_deadline_outside_the_period_names_the_task(tmp_path):
    text = plan_path().read_text(encoding="utf-8")
    task_deadline = re.search(r"\[\[tasks\]\]\nid = \"([^\"]+)\"(?:\n(?!\[).*)*?\ndeadline = (\S+)", text)
    assert task_deadline
    ident, day = task_deadline.groups()
    start = task_deadline.start()
    block = text[start : task_deadline.end()]
    path = tmp_path / "plan.toml"
    path.write_text(
        text[:start]
        + block.replace(f"deadline = {day}", "deadline = 2026-06-30")
        + text[task_deadline.end() :],
        encoding="utf-8",
    )
    message = refused(path)
    assert f"task {ident}" in message and message.startswith(f"{path}:{line_of(path, '2026-06-30')}:")


def test_a_formula_over_an_unknown_measure_is_refused_with_its_line(tmp_path):
    path = edited(
        tmp_path,
        '"100 * children_enrolled / population_age_3_5"',
        '"100 * children_enroled / population_age_3_5"',
    )
    with pytest.raises(PlanError) as exc:
        check_formulas(load_plan(path))
    message = str(exc.value)
    assert message.startswith(f"{path}:{line_of(path, 'children_enroled')}:")
    assert "children_enroled" in message
