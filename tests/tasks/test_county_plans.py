"""County action plans (PRE-5.1): derived from the city plan, adopted, and compared with it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from eduplan.common.workflow import TransitionError
from eduplan.tasks import actions
from eduplan.tasks.county_plans import county_plan_diff, county_plan_overview
from eduplan.tasks.models import CountyPlanState, CountyTask, PlanTask

from .helpers import task_world

pytestmark = pytest.mark.django_db


def test_derive_takes_allocated_targets_else_the_city_ones_and_creates_county_tasks():
    tw = task_world()
    row = actions.derive_county_plan(
        tw.w.m.county_a, allocated={"preschool_ger": (97.5, "allocation:基准")}, user=tw.w.county_a
    )
    targets = {t["indicator"]: t for t in row.targets}
    assert targets["preschool_ger"]["value"] == 97.5 and targets["preschool_ger"]["city_value"] == 96.0
    assert targets["preschool_ger"]["source"] == "allocation:基准"
    assert targets["public_share"]["value"] == targets["public_share"]["city_value"] == 60.0
    assert targets["public_share"]["source"] == "city"
    active = PlanTask.objects.filter(active=True).count()
    tasks = CountyTask.objects.filter(county=tw.w.m.county_a)
    assert tasks.count() == active  # every plan task, once (the assigned one is kept)
    assert {t.lead for t in tasks} <= {"红塔区教育体育局", "红塔区财政局"}
    assert row.state == CountyPlanState.DRAFT


def test_no_planning_scenario_means_the_city_target():
    tw = task_world()
    row = actions.derive_county_plan(tw.w.m.county_a, user=tw.w.county_a)
    ger = next(t for t in row.targets if t["indicator"] == "preschool_ger")
    assert ger["value"] == 96.0 and ger["source"] == "city"


def test_diff_shows_targets_changed_tasks_missing_added_and_later_deadlines():
    tw = task_world()
    w = tw.w
    row = actions.derive_county_plan(w.m.county_a, allocated={}, user=w.county_a)
    assert not county_plan_diff(row)["differs"]
    actions.set_county_plan_target(row, "public_share", 55.0, user=w.county_a)
    ethics = CountyTask.objects.get(county=w.m.county_a, plan_task__code="hs-teacher-ethics")
    actions.cancel_task(ethics, "县内无普通高中师资", user=w.city)
    actions.extend_task_deadline(tw.task_a, dt.date(2026, 6, 30), "项目资金到位晚", user=w.city)
    actions.add_county_task(
        w.m.county_a,
        title_zh="红塔区智慧校园试点",
        lead="红塔区教育体育局",
        deadline=dt.date(2025, 6, 30),
        user=w.county_a,
    )
    d = county_plan_diff(row)
    assert [t["indicator"] for t in d["targets_changed"]] == ["public_share"]
    assert [p.code for p in d["tasks_missing"]] == ["hs-teacher-ethics"]
    assert [t.title_zh for t in d["tasks_added"]] == ["红塔区智慧校园试点"]
    assert [(x["task"].pk, x["county_deadline"]) for x in d["later_deadlines"]] == [
        (tw.task_a.pk, dt.date(2026, 6, 30))
    ]


def test_adopt_and_revise_and_what_is_refused():
    tw = task_world()
    w = tw.w
    row = actions.derive_county_plan(w.m.county_a, allocated={}, user=w.county_a)
    actions.adopt_county_plan(row, dt.date(2023, 3, 20), user=w.county_a)
    assert row.state == CountyPlanState.ADOPTED and row.adopted_on == dt.date(2023, 3, 20)
    with pytest.raises(TransitionError):  # an adopted plan is not silently re-derived
        actions.derive_county_plan(w.m.county_a, allocated={}, user=w.county_a)
    with pytest.raises(TransitionError):
        actions.set_county_plan_target(row, "public_share", 50, user=w.county_a)
    actions.revise_county_plan(row, "省里调整了目标", user=w.county_a)
    assert row.state == CountyPlanState.DRAFT and row.history.count() == 3


def test_city_overview_page_and_county_scope(client):
    tw = task_world()
    w = tw.w
    row = actions.derive_county_plan(w.m.county_a, allocated={}, user=w.county_a)
    actions.adopt_county_plan(row, dt.date(2023, 3, 20), user=w.county_a)
    overview = county_plan_overview(w.city, row.plan)
    assert [(r["county"].code, r["adopted"]) for r in overview] == [("530402", True), ("530403", False)]
    assert [r["county"].code for r in county_plan_overview(w.county_b, row.plan)] == ["530403"]
    client.force_login(w.city)
    page = client.get("/office/tasks/plans/").content.decode()
    assert "已印发" in page and "2023" in page and "未制定" in page
    client.force_login(w.county_b)  # a county cannot derive another county's plan
    r = client.post("/office/tasks/plans/", {"action": "derive", "county": "530402"}, follow=True)
    assert "不在您的管辖范围内" in r.content.decode()
    out = io.StringIO()
    call_command("tasks", "plans", "--format", "json", stdout=out)
    assert {r["county"]: r["state"] for r in json.loads(out.getvalue())} == {
        "530402": "adopted",
        "530403": "none",
    }
