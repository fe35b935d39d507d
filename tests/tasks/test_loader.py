"""``[[tasks]]`` of the plan file: parsed into TaskSpec, mistakes named with file and entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eduplan.plans.loader import PlanError, load_plan, plan_path
from eduplan.tasks.actions import task_clauses


def write_plan(tmp_path: Path, edit) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(edit(plan_path().read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_the_plan_file_tasks_cover_the_clauses_the_issue_names():
    plan = load_plan()
    clauses = {t.clause for t in plan.tasks}
    named = {
        "HS-2.2",
        "HS-2.9",
        "HS-T9",
        "PRE-4.3.2",
        "HS-2.3",
        "HS-2.4",
        "PRE-4.1.4",
        "PRE-5.1",
        "PRE-5.2",
        "PRE-4.2.2",
    }
    assert named <= clauses
    assert clauses == set(task_clauses())  # the coverage declaration follows the file
    task = next(t for t in plan.tasks if t.id == "hs-one-plan-per-school")
    assert task.lead == "教育体育局" and task.cooperating == ("自然资源规划局", "住房城乡建设局")
    assert task.deadline == dt.date(2025, 12, 31) and len(task.milestones) == 2
    assert all(t.lead for t in plan.tasks)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'clause = "HS-2.9"\ntitle_zh = "学科基地',
            'clause = "HS-2.99"\ntitle_zh = "学科基地',
            "task hs-double-creation: 未知条款 HS-2.99",
        ),
        (
            'id = "hs-online-classrooms"',
            'id = "hs-double-creation"',
            "task id 'hs-double-creation' is used twice",
        ),
        (
            'title_zh = "遴选2所优质高中开设名校网络课堂"\ntitle_en = "Two quality high schools run online classrooms"\nlead = "教育体育局"',
            'title_zh = "遴选2所优质高中开设名校网络课堂"\ntitle_en = "Two quality high schools run online classrooms"\nlead = ""',
            "hs-online-classrooms: 须写明牵头单位",
        ),
        (
            'id = "hs-online-classrooms"\nclause = "HS-T9"\ntitle_zh = "遴选2所优质高中开设名校网络课堂"\ntitle_en = "Two quality high schools run online classrooms"\nlead = "教育体育局"\ndeadline = 2024-12-31',
            'id = "hs-online-classrooms"\nclause = "HS-T9"\ntitle_zh = "遴选2所优质高中开设名校网络课堂"\ntitle_en = "Two quality high schools run online classrooms"\nlead = "教育体育局"\ndeadline = "end of 2024"',
            "hs-online-classrooms: deadline 应为日期",
        ),
        (
            '{ title_zh = "各校方案报备", title_en = "Every school\'s plan filed", due = 2023-06-30 }',
            '{ title_zh = "各校方案报备", title_en = "Every school\'s plan filed", due = 2026-06-30 }',
            "hs-one-plan-per-school milestone #1: 节点日期 2026-06-30 晚于任务期限",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_task(tmp_path, old, new, expected):
    path = write_plan(tmp_path, lambda t: t.replace(old, new, 1))
    assert path.read_text(encoding="utf-8") != plan_path().read_text(encoding="utf-8"), "edit did not apply"
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(path) in str(err.value) and expected in str(err.value)
