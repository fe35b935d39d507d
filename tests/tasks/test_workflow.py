"""The status workflow of a county task: every legal transition and every illegal one refused
with a bilingual message, whoever asks; who may take each action; history and the event log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.common.workflow import TransitionError
from eduplan.tasks import actions
from eduplan.tasks.actions import TRANSITIONS
from eduplan.tasks.models import Milestone, TaskEvent, TaskLevel, TaskState

from .helpers import PLAN_TASK, task_world

pytestmark = pytest.mark.django_db

ALL_ACTIONS = ("start", "progress", "complete", "cancel", "extend", "escalate")


def run(action: str, task, tw):
    """Take ``action`` on ``task`` as the user allowed to take it."""
    w = tw.w
    if action == "start":
        return actions.start_task(task, user=w.county_a)
    if action == "progress":
        return actions.record_progress(task, text="方案已报备", percent=30, user=w.county_a)
    if action == "complete":
        return actions.complete_task(task, user=w.county_a)
    if action == "cancel":
        return actions.cancel_task(task, "并入其他任务", user=w.city)
    if action == "extend":
        return actions.extend_task_deadline(
            task, task.deadline + dt.timedelta(days=30), "疫情影响", user=w.city
        )
    if action == "escalate":
        return actions.escalate_task(task, user=w.city)
    raise AssertionError(action)


def put(task, state: str) -> None:
    task.state = state
    if state == TaskState.CANCELLED:
        task.cancel_reason = "x"
    task.save()


@pytest.mark.parametrize("state", list(TaskState.values))
@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_every_transition_is_allowed_or_refused_by_the_table(state, action):
    tw = task_world()
    task = tw.task_a
    put(task, state)
    target = TRANSITIONS.get((state, action))
    if target is None:
        with pytest.raises(TransitionError) as err:
            run(action, task, tw)
        assert "不能" in str(err.value) and "cannot" in str(err.value)  # bilingual
        task.refresh_from_db()
        assert task.state == state
        assert not TaskEvent.objects.filter(task=task, action=action).exists()
    else:
        run(action, task, tw)
        task.refresh_from_db()
        assert task.state == target
        assert TaskEvent.objects.filter(task=task, action=action, from_state=state, to_state=target).exists()


def test_the_documented_illegal_moves_are_refused():
    tw = task_world()
    task = tw.task_a
    with pytest.raises(TransitionError, match="不能完成"):  # not started → done skips the work
        actions.complete_task(task, user=tw.w.county_a)
    actions.record_progress(task, text="开始", percent=100, user=tw.w.county_a)
    actions.complete_task(task, user=tw.w.county_a)
    with pytest.raises(TransitionError):  # nothing after done
        actions.record_progress(task, text="再报", user=tw.w.county_a)
    with pytest.raises(TransitionError):
        actions.cancel_task(task, "晚了", user=tw.w.city)


def test_full_path_keeps_history_and_events():
    tw = task_world()
    task = tw.task_a
    actions.start_task(task, user=tw.w.county_a)
    actions.record_progress(task, text="三所学校方案已报备", percent=60, stage="组织实施", user=tw.w.county_a)
    actions.complete_task(task, user=tw.w.county_a)
    task.refresh_from_db()
    assert (task.state, task.percent, task.stage) == (TaskState.DONE, 100, "组织实施")
    assert [e.action for e in task.events.all()] == ["assign", "start", "progress", "complete"]
    assert task.history.count() == 4
    assert task.history.first().history_user == tw.w.county_a


def test_first_progress_report_starts_the_task():
    tw = task_world()
    actions.record_progress(tw.task_a, text="已启动", percent=10, user=tw.w.county_a)
    tw.task_a.refresh_from_db()
    assert tw.task_a.state == TaskState.IN_PROGRESS and tw.task_a.started_at is not None


def test_cancel_needs_a_reason():
    tw = task_world()
    with pytest.raises(ValidationError, match="原因"):
        actions.cancel_task(tw.task_a, "  ", user=tw.w.city)
    tw.task_a.refresh_from_db()
    assert tw.task_a.state == TaskState.NOT_STARTED


def test_who_may_act():
    tw = task_world()
    w = tw.w
    with pytest.raises(PermissionDenied):  # another county's officer
        actions.record_progress(tw.task_a, text="x", user=w.county_b)
    with pytest.raises(PermissionDenied):  # the city does not report for the county
        actions.record_progress(tw.task_a, text="x", user=w.city)
    with pytest.raises(PermissionDenied):  # a county does not cancel a task the city assigned
        actions.cancel_task(tw.task_a, "不做了", user=w.county_a)
    for reader in (w.principal, w.supervisor, w.viewer):
        with pytest.raises(PermissionDenied):
            actions.record_progress(tw.task_a, text="x", user=reader)
    with pytest.raises(PermissionDenied):
        actions.assign_task(tw.plan_task, w.m.county_a, user=w.county_a)


def test_a_county_may_cancel_and_extend_its_own_task():
    tw = task_world()
    own = actions.add_county_task(
        tw.w.m.county_a,
        title_zh="建设智慧校园试点",
        lead="红塔区教育体育局",
        deadline=dt.date(2025, 6, 30),
        user=tw.w.county_a,
    )
    actions.extend_task_deadline(own, dt.date(2025, 9, 30), "资金到位晚", user=tw.w.county_a)
    actions.cancel_task(own, "与市级任务重复", user=tw.w.county_a)
    own.refresh_from_db()
    assert own.state == TaskState.CANCELLED and own.deadline == dt.date(2025, 9, 30)


def test_evidence_files_are_stored_and_checked(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tw = task_world()
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff fake jpeg", content_type="image/jpeg")
    update = actions.record_progress(
        tw.task_a, text="实验室已建成", percent=50, files=[photo], user=tw.w.county_a
    )
    item = update.evidence.get()
    assert item.name == "现场.jpg" and item.is_image
    assert (tmp_path / item.file.name).read_bytes() == b"\xff\xd8\xff fake jpeg"
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    with pytest.raises(ValidationError, match=r"virus\.exe"):
        actions.record_progress(tw.task_a, text="再报", files=[bad], user=tw.w.county_a)
    assert tw.task_a.updates.count() == 1  # all or nothing


def test_percent_out_of_range_is_refused():
    tw = task_world()
    with pytest.raises(ValidationError, match="0到100"):
        actions.record_progress(tw.task_a, text="x", percent=120, user=tw.w.county_a)


def test_assignment_copies_milestones_and_uses_the_county_departments():
    tw = task_world()
    assert tw.task_a.lead == "红塔区教育体育局"
    assert tw.task_a.cooperating == ["红塔区自然资源规划局", "红塔区住房城乡建设局"]
    assert Milestone.objects.filter(task=tw.task_a).count() == 2
    assert tw.task_a.plan_task.code == PLAN_TASK and tw.task_a.level == TaskLevel.COUNTY
    with pytest.raises(ValidationError, match="已有任务"):
        actions.assign_task(tw.plan_task, tw.w.m.county_a, user=tw.w.city)
