"""A named responsible person on each county task: the county or the city names one (page, API,
action), history keeps who named whom, and rule TASK-RESPONSIBLE lists the open tasks without one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from eduplan.rules.catalogue import run_rules
from eduplan.tasks import actions

from .helpers import task_world

pytestmark = pytest.mark.django_db


def _missing(tw) -> set[tuple[str, str]]:
    found = run_rules(year=2024, as_of=dt.date(2025, 3, 1), rule_ids=["TASK-RESPONSIBLE"])
    return {(f.entity_code, f.subject) for f in found if f.is_violation}


def test_open_tasks_without_a_responsible_person_are_flagged_until_one_is_named():
    tw = task_world()
    title, a, b = tw.task_a.title_zh, tw.task_a.county.code, tw.task_b.county.code
    assert _missing(tw) == {(a, title), (b, title)}
    actions.name_responsible(tw.task_a, "张某(红塔区教育体育局副局长)", user=tw.w.county_a)
    assert _missing(tw) == {(b, title)}
    tw.task_a.refresh_from_db()
    assert tw.task_a.history.first().history_change_reason == "确定责任人 responsible person named"
    found = run_rules(year=2024, as_of=dt.date(2025, 3, 1), rule_ids=["TASK-RESPONSIBLE"])
    assert found[0].clause == "HS-3.3" and "责任人" in found[0].remedy_zh


def test_only_the_county_or_the_city_names_one_and_never_an_empty_one():
    tw = task_world()
    with pytest.raises(ValidationError):
        actions.name_responsible(tw.task_a, "  ", user=tw.w.county_a)
    with pytest.raises(PermissionDenied):  # another county's task
        actions.name_responsible(tw.task_b, "李某", user=tw.w.county_a)
    with pytest.raises(PermissionDenied):
        actions.name_responsible(tw.task_a, "李某", user=tw.w.viewer)
    actions.name_responsible(tw.task_b, "李某(通海县教育体育局局长)", user=tw.w.city)
    tw.task_b.refresh_from_db()
    assert tw.task_b.responsible == "李某(通海县教育体育局局长)"


def test_the_task_page_and_the_api_name_the_responsible_person():
    tw = task_world()
    client = Client()
    client.force_login(tw.w.county_a)
    page = client.get(f"/office/tasks/{tw.task_a.pk}/").content.decode()
    assert "未确定" in page and 'name="responsible"' in page
    client.post(f"/office/tasks/{tw.task_a.pk}/", {"action": "responsible", "responsible": "王某(副局长)"})
    tw.task_a.refresh_from_db()
    assert tw.task_a.responsible == "王某(副局长)"
    response = client.post(
        f"/api/tasks/{tw.task_a.pk}/responsible",
        json.dumps({"responsible": "赵某(局长)"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["responsible"] == "赵某(局长)"
