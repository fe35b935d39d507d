"""A mini city with one user per role (the supervision tests' world) and the plan's tasks synced,
one of them assigned to both counties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from eduplan.tasks import actions
from eduplan.tasks.models import CountyTask, PlanTask
from tests.supervision.helpers import World, world

PLAN_TASK = "hs-one-plan-per-school"  # HS-2.2, deadline 2025-12-31, two milestones


@dataclass
class TaskWorld:
    w: World
    plan_task: PlanTask
    task_a: CountyTask  # county A's assignment
    task_b: CountyTask  # county B's assignment


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def task_world(deadline: dt.date | None = None) -> TaskWorld:
    w = world()
    actions.sync_plan_tasks(user=w.city, at=at(dt.date(2023, 1, 5)))
    plan_task = PlanTask.objects.get(code=PLAN_TASK)
    kw: dict[str, Any] = {"deadline": deadline, "user": w.city, "at": at(dt.date(2023, 1, 10))}
    a = actions.assign_task(plan_task, w.m.county_a, **kw)
    b = actions.assign_task(plan_task, w.m.county_b, **kw)
    return TaskWorld(w, plan_task, a, b)
