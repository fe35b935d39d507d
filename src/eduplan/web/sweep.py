"""The daily sweep as a task on a schedule: escalate overdue rectification orders and plan tasks
from county to city, then write each user's reminders (what ``eduplan remind --escalate`` does
from cron) to the file storage as ``reminders/<date>.json``.

The task worker (``eduplan worker``) queues it once a day at ``EDUPLAN_SWEEP_AT`` (``HH:MM``,
local time, default 07:00; ``off`` to leave it to cron), and once at start-up when today's has not
run yet. A marker in the shared cache (``cache.add``) keeps several workers from queuing the same
day twice; were it queued twice anyway, the second run changes nothing (an order already at the
city is not escalated again). Each escalation is its own transaction and the reminders file is
written whole at the end, so a sweep killed mid-way leaves every order either escalated or not and
no half-written file, and simply runs again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

REMINDERS_DIR = "reminders"


def reminder_rows(today: dt.date) -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model

    from eduplan.common.todos import todos_for

    rows = []
    users = get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")
    for user in users:
        if getattr(user, "profile", None) is None and not user.is_superuser:
            continue
        for item in todos_for(user, today):
            rows.append({"user": user.get_username(), **item.as_dict()})
    return rows


@task()
def daily_sweep(day: str) -> dict[str, Any]:
    """Escalate what is overdue on ``day`` (``YYYY-MM-DD``) and write the day's reminders."""
    from eduplan.supervision.rectification import escalate_overdue_orders
    from eduplan.tasks.actions import escalate_overdue_tasks

    today = dt.date.fromisoformat(day)
    orders = escalate_overdue_orders(today)
    tasks = escalate_overdue_tasks(today)
    rows = reminder_rows(today)
    name = f"{REMINDERS_DIR}/{today.isoformat()}.json"
    body = json.dumps({"date": today.isoformat(), "reminders": rows}, ensure_ascii=False, default=str)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(body.encode("utf-8")))
    summary = {
        "date": day,
        "orders_escalated": len(orders),
        "tasks_escalated": len(tasks),
        "reminders": len(rows),
    }
    log.info("daily sweep %s", summary)
    return summary


def sweep_time() -> dt.time | None:
    """``EDUPLAN_SWEEP_AT`` as a time of day, or None when the schedule is off."""
    text = str(getattr(settings, "SWEEP_AT", "07:00")).strip().lower()
    if text in ("", "off", "no", "0"):
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"EDUPLAN_SWEEP_AT: expected HH:MM or off, got {text!r}") from exc


def queue_if_due(now: dt.datetime | None = None) -> bool:
    """Queue today's sweep if its time has come and no worker queued it yet; True if queued."""
    at = sweep_time()
    if at is None:
        return False
    now = timezone.localtime(now)
    if now.time() < at:
        return False
    day = now.date().isoformat()
    if not cache.add(f"eduplan:sweep:{day}", 1, timeout=3 * 24 * 3600):
        return False
    daily_sweep.enqueue(day)
    return True


def start_scheduler(interval: float = 60.0) -> threading.Event:
    """A daemon thread of the worker that queues the sweep when due; set the event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                if queue_if_due():
                    log.info("daily sweep queued")
            except Exception:  # the worker goes on; the next minute tries again
                log.exception("could not queue the daily sweep")
            finally:
                close_old_connections()
            stop.wait(interval)

    threading.Thread(target=loop, name="eduplan-sweep-scheduler", daemon=True).start()
    return stop
