"""Demo assignments and progress for the synthetic city (``eduplan tasks demo``): every plan task
assigned to every county, deterministic progress so the board, the timeline and the notice show a
mix of not started, in progress, done and overdue tasks, and draft or adopted county plans."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone

from eduplan.plans.loader import load_plan
from eduplan.registry.models import Division, Institution
from eduplan.tasks import actions
from eduplan.tasks.models import CountyPlan, CountyTask, PlanTask, TaskState

STAGES = ("方案制定 planning", "组织实施 implementing", "检查验收 checking")


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10))


def every_25th(tasks: list[CountyTask]) -> list[CountyTask]:
    """The assignments left without a responsible person when ``eduplan tasks demo`` runs alone."""
    return [task for n, task in enumerate(tasks) if n % 25 == 24]


def demo_tasks(
    today: dt.date,
    *,
    seed: int = 12,
    unnamed: Callable[[list[CountyTask]], list[CountyTask]] = every_25th,
) -> dict[str, int]:
    """Only on a demo database (a synthetic city or its synthetic institutions, as the notice
    judges it): refuses to invent progress for a real city.

    ``unnamed`` picks, among the new assignments in county and id order, those that name no
    responsible person (rule TASK-RESPONSIBLE); they are left not started, so they stay open. The
    demo generator passes its quota and lists them in the manifest (``county_task_no_responsible``).
    """
    plan = load_plan()
    city = Division.objects.filter(code=plan.city).first()
    synthetic = city is not None and (
        city.synthetic or Institution.objects.filter(county__city=city, synthetic=True).exists()
    )
    if city is None or not synthetic:
        raise ValidationError(
            "演示任务只能写入演示数据库(合成的市)/ demo tasks are only written to a demo database "
            "(a synthetic city): run `eduplan demo` first"
        )
    rng = random.Random(seed)
    start = _moment(dt.date(2023, 1, 10))
    actions.sync_plan_tasks(plan, at=start)
    counties = list(Division.objects.counties().filter(city=city).order_by("code"))
    created = actions.assign_to_counties(
        list(PlanTask.objects.filter(plan=plan.id, active=True)), counties, at=start
    )
    # Every assigned task names its responsible person but the ones picked (TASK-RESPONSIBLE finds
    # those, still open: they get no progress).
    assigned = list(
        CountyTask.objects.filter(pk__in=[t.pk for t in created])
        .select_related("county", "plan_task")
        .order_by("county__code", "pk")
    )
    left = {task.pk for task in unnamed(assigned)}
    for task in assigned:
        if task.pk not in left:
            actions.name_responsible(task, f"{task.county.name}教育体育局分管副局长")
    updates = 0
    for task in (
        CountyTask.objects.filter(
            county__in=counties, state=TaskState.NOT_STARTED, pk__in=[t.pk for t in created]
        )
        .exclude(pk__in=left)
        .order_by("county__code", "pk")
    ):
        roll = rng.random()
        if task.deadline < today:
            # Past its deadline: most counties finished in time; a few are behind (overdue).
            if roll < 0.06:
                continue  # never started
            percent = 100 if roll < 0.86 else rng.choice((40, 60, 80))
            day = task.deadline - dt.timedelta(days=rng.randint(3, 90))
        else:
            # Still running: progress roughly in step with the time elapsed.
            if roll < 0.2:
                continue
            span = max(1, (task.deadline - start.date()).days)
            elapsed = (today - start.date()).days / span
            percent = max(20, min(80, round(elapsed * 100 / 20) * 20 + rng.choice((-20, 0, 20))))
            day = today - dt.timedelta(days=rng.randint(5, 40))
        moment = _moment(max(day, dt.date(2023, 1, 11)))
        actions.record_progress(
            task,
            text=f"{task.lead}按计划推进,已完成{percent}%。",
            percent=percent,
            stage=STAGES[min(2, percent // 40)],
            at=moment,
        )
        updates += 1
        if percent == 100:
            actions.complete_task(task, at=moment)
    plans = 0
    for i, county in enumerate(counties):
        if CountyPlan.objects.filter(county=county, plan=plan.id).exists():
            continue
        row = actions.derive_county_plan(county, plan=plan, allocated={}, at=start)
        plans += 1
        if i % 3 != 2:
            actions.adopt_county_plan(row, dt.date(2023, 3, 20 + i % 5))
    return {"assigned": len(created), "progress_updates": updates, "county_plans": plans}
