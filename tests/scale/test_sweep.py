"""The daily sweep (escalations and reminders) as a scheduled task: it escalates overdue orders and
files the day's reminders once, a worker queues it once a day, and a real worker runs it."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage

from eduplan.supervision.models import OrderLevel, RectificationOrder
from eduplan.web.sweep import daily_sweep, queue_if_due
from tests.supervision.helpers import world
from tests.supervision.test_rectification import issued

from .services import Worker, environment

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return world()


@pytest.mark.django_db
def test_the_sweep_escalates_and_files_the_days_reminders_once(w):
    order = issued(w)  # deadline 2025-04-10
    summary = daily_sweep.call("2025-04-12")
    assert summary["orders_escalated"] == 1 and summary["reminders"] > 0
    assert RectificationOrder.objects.get(pk=order.pk).level == OrderLevel.CITY
    with default_storage.open("reminders/2025-04-12.json") as f:
        filed = json.load(f)
    assert filed["date"] == "2025-04-12"
    escalated = [r for r in filed["reminders"] if r["user"] == "cityo" and r["kind"] == "order_escalated"]
    assert len(escalated) == 1 and order.code in escalated[0]["title_zh"]
    # Run again (a worker killed after the escalations, or queued twice): nothing moves twice and
    # the day still has one whole file.
    assert daily_sweep.call("2025-04-12")["orders_escalated"] == 0
    assert default_storage.listdir("reminders")[1] == ["2025-04-12.json"]


@pytest.mark.django_db
def test_workers_queue_one_sweep_a_day_after_its_time(settings):
    from django_tasks_db.models import DBTaskResult

    settings.SWEEP_AT = "07:00"
    morning = dt.datetime(2026, 3, 2, 6, 59, tzinfo=SHANGHAI)
    assert not queue_if_due(morning)
    assert queue_if_due(morning + dt.timedelta(minutes=2))
    assert not queue_if_due(morning + dt.timedelta(hours=5))  # another worker, later that day
    assert queue_if_due(morning + dt.timedelta(days=1, hours=1))
    queued = DBTaskResult.objects.filter(task_path__endswith="daily_sweep").order_by("enqueued_at")
    assert [r.args_kwargs["args"] for r in queued] == [["2026-03-02"], ["2026-03-03"]]
    settings.SWEEP_AT = "off"
    assert not queue_if_due(morning + dt.timedelta(days=2, hours=1))


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_todays_sweep_on_its_own(w, settings, tmp_path):
    order = issued(w)
    env = environment(
        EDUPLAN_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        EDUPLAN_TASKS_BACKEND="database",
        EDUPLAN_SWEEP_AT="00:00",
    )
    worker = Worker(env, tmp_path).start()
    today = dt.datetime.now(SHANGHAI).date().isoformat()
    filed = Path(settings.MEDIA_ROOT) / "reminders" / f"{today}.json"
    try:
        deadline = time.monotonic() + 180
        while not filed.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert filed.exists(), worker.log()
    finally:
        worker.stop()
    assert RectificationOrder.objects.get(pk=order.pk).level == OrderLevel.CITY
    assert json.loads(filed.read_text())["date"] == today
