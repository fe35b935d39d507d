"""Overdue tasks (derived from the deadline) escalate from county to city like rectification
orders; they show on the to-do lists and in the monthly notice (通报)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from eduplan.common.todos import todos_for as todo_for
from eduplan.supervision import notices
from eduplan.tasks import actions
from eduplan.tasks.models import TaskLevel, TaskState
from eduplan.tasks.queries import overdue_tasks

from .helpers import task_world

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2025, 3, 31)


def test_overdue_is_derived_from_the_deadline():
    tw = task_world(deadline=DEADLINE)
    task = tw.task_a
    assert not task.is_overdue(DEADLINE)
    assert task.is_overdue(DEADLINE + dt.timedelta(days=1)) and task.days_overdue(dt.date(2025, 4, 10)) == 10
    assert task.display_state(dt.date(2025, 4, 10)) == "overdue"
    actions.record_progress(task, text="x", percent=100, user=tw.w.county_a)
    actions.complete_task(task, user=tw.w.county_a)
    assert not task.is_overdue(dt.date(2025, 4, 10))  # a done task is never overdue


def test_sweep_escalates_overdue_tasks_once():
    tw = task_world(deadline=DEADLINE)
    actions.cancel_task(tw.task_b, "不适用", user=tw.w.city)
    assert actions.escalate_overdue_tasks(DEADLINE) == []  # not yet overdue
    done = actions.escalate_overdue_tasks(dt.date(2025, 4, 2))
    assert [t.pk for t in done] == [tw.task_a.pk]  # the cancelled one is not escalated
    tw.task_a.refresh_from_db()
    assert tw.task_a.level == TaskLevel.CITY and tw.task_a.state == TaskState.NOT_STARTED
    assert "逾期" in tw.task_a.events.get(action="escalate").note
    assert actions.escalate_overdue_tasks(dt.date(2025, 4, 3)) == []  # already with the city


def test_todo_lists_of_the_county_and_the_city():
    tw = task_world(deadline=DEADLINE)
    today = dt.date(2025, 4, 5)
    county_items = [t for t in todo_for(tw.w.county_a, today) if t.kind == "task_due"]
    assert len(county_items) == 1 and county_items[0].overdue and "红塔区" in county_items[0].title_zh
    assert not [t for t in todo_for(tw.w.county_b, today) if "红塔区" in t.title_zh]
    assert not [t for t in todo_for(tw.w.city, today) if t.kind == "task_escalated"]
    actions.escalate_overdue_tasks(today)
    assert len([t for t in todo_for(tw.w.city, today) if t.kind == "task_escalated"]) == 2


def test_overdue_command_escalates_and_lists(capsys):
    tw = task_world(deadline=DEADLINE)
    out = io.StringIO()
    call_command("tasks", "overdue", "--escalate", "--today", "2025-04-05", "--format", "json", stdout=out)
    import json

    rows = json.loads(out.getvalue())
    assert {r["county"] for r in rows} == {"530402", "530403"}
    assert all(r["level"] == "city" and r["days_overdue"] == 5 for r in rows)
    assert overdue_tasks(tw.w.county_a, dt.date(2025, 4, 5)).count() == 1


def _notice_text(tw, as_of):
    import docx

    records = [
        {
            "indicator": "preschool_ger",
            "division": code,
            "division_name": name,
            "name_zh": "学前三年毛入园率",
            "clause": "PRE-T1",
            "year": 2024,
            "value": 95.0,
            "unit": "%",
            "target": 96.0,
            "comparison": ">=",
            "met": False,
            "status": "at_risk",
        }
        for code, name in (("530402", "红塔区"), ("530403", "江川区"), ("530400", "玉溪市"))
    ]
    data = notices.collect_notice_data(dt.date(2025, 3, 1), city=tw.w.m.city, records=records, as_of=as_of)
    doc = docx.Document(io.BytesIO(notices.notice_bytes(data)))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return data, body, cells


def test_notice_lists_overdue_tasks_by_county():
    tw = task_world(deadline=DEADLINE)
    actions.record_progress(tw.task_b, text="x", percent=100, user=tw.w.county_b)
    actions.complete_task(tw.task_b, user=tw.w.county_b)
    data, body, cells = _notice_text(tw, dt.date(2025, 4, 12))
    assert [t["county"] for t in data.parts["overdue_tasks"]] == ["530402"]
    assert "逾期未完成计划任务1项" in body and "红塔区1项" in body and "附表4" in body
    assert "普通高中标准化建设一校一案" in cells and "12" in cells
    assert "江川区" not in cells[cells.index("普通高中标准化建设一校一案") - 2 :]  # its task is done


def test_notice_says_so_when_nothing_is_overdue():
    tw = task_world(deadline=DEADLINE)
    _, body, _ = _notice_text(tw, dt.date(2025, 3, 15))
    assert "本期无逾期未完成的计划任务" in body
