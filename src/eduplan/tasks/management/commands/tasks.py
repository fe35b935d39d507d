"""``eduplan tasks``: the plan's qualitative tasks from the command line.

::

    eduplan tasks sync                                  # plan file [[tasks]] → database
    eduplan tasks assign [--task ID ...] [--county CODE ...] [--deadline YYYY-MM-DD]
    eduplan tasks list [--county C] [--status S|overdue] [--department D] [--user U] [--format F]
    eduplan tasks update ID --county C [--percent N] [--stage S] --text T [--evidence FILE ...] --user U
    eduplan tasks overdue [--escalate] [--today D] [--user U] [--format F]
    eduplan tasks plans [--user U] [--format F]         # county action plans and how they differ
    eduplan tasks demo                                  # demo assignments and progress

``--user`` runs the command as that user, through the same scoping as the web pages: a county
officer lists and exports only their county's tasks. Without ``--user`` (an administrator's shell
or cron) everything is visible.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from eduplan.accounts.scoping import User
from eduplan.common.workflow import TransitionError
from eduplan.intake.management.commands._common import date_option, user_named
from eduplan.output import FORMATS, OutputError, write_records
from eduplan.plans.loader import PlanError, load_plan
from eduplan.registry.models import Division
from eduplan.tasks import actions, queries
from eduplan.tasks.county_plans import diff_records
from eduplan.tasks.models import PlanTask, TaskState

HEADERS = {
    "id": "编号 id",
    "task": "任务 task",
    "county_name": "县(市、区) county",
    "clause": "条款 clause",
    "title_zh": "任务 title",
    "lead": "牵头单位 lead",
    "deadline": "期限 deadline",
    "status": "状态 status",
    "percent": "完成% percent",
    "days_overdue": "逾期天数 days overdue",
    "level": "督办 level",
}
TABLE_COLUMNS = ["id", "county_name", "clause", "title_zh", "lead", "deadline", "status", "percent", "level"]


class Command(BaseCommand):
    help = "计划任务 Plan tasks: sync, assign, list, update, overdue, plans, demo"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)

        def common(p: CommandParser, *, fmt: bool = True) -> None:
            p.add_argument("--user", help="act as this user (scoped); default: the system")
            if fmt:
                p.add_argument("--format", choices=FORMATS, default="table")
                p.add_argument("--out", help="write to this file")

        common(sub.add_parser("sync", help="copy the plan file's [[tasks]] into the database"), fmt=False)
        p = sub.add_parser("assign", help="assign plan tasks to counties")
        p.add_argument("--task", action="append", default=[], help="plan task id (default: all)")
        p.add_argument("--county", action="append", default=[], help="county code (default: all)")
        p.add_argument("--deadline", help="county deadline (default: the city's)")
        common(p, fmt=False)
        p = sub.add_parser("list", help="list county tasks")
        p.add_argument("--county")
        p.add_argument("--status", choices=[*TaskState.values, "overdue"])
        p.add_argument("--department")
        p.add_argument("--clause")
        p.add_argument("--today")
        common(p)
        p = sub.add_parser("update", help="report progress on a task")
        p.add_argument("task", help="county task id, or plan task id with --county")
        p.add_argument("--county")
        p.add_argument("--percent", type=int)
        p.add_argument("--stage", default="")
        p.add_argument("--text", required=True)
        p.add_argument("--evidence", action="append", default=[], help="evidence file (repeatable)")
        p.add_argument("--complete", action="store_true", help="then mark the task done")
        common(p, fmt=False)
        p = sub.add_parser("overdue", help="overdue tasks (and escalate them with --escalate)")
        p.add_argument("--escalate", action="store_true")
        p.add_argument("--today")
        common(p)
        common(sub.add_parser("plans", help="county action plans and their differences from the city plan"))
        p = sub.add_parser("demo", help="demo assignments and progress")
        p.add_argument("--today")

    def handle(self, *args: Any, **o: Any) -> None:
        user = user_named(o.get("user"))
        try:
            getattr(self, f"do_{o['sub']}")(user, o)
        except (ValidationError, PermissionDenied, TransitionError, PlanError, OutputError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc

    def _write(
        self, rows: list[dict[str, Any]], o: dict[str, Any], title: str, columns: list[str] | None
    ) -> None:
        write_records(
            rows,
            o["format"],
            o.get("out"),
            columns=columns if o["format"] == "table" else None,
            headers=HEADERS,
            title=title,
            stream=cast(TextIO, self.stdout),
        )

    def do_sync(self, user: User | None, o: dict[str, Any]) -> None:
        counts = actions.sync_plan_tasks(user=user)
        self.stdout.write("同步 synced: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    def do_assign(self, user: User | None, o: dict[str, Any]) -> None:
        plan = load_plan()
        tasks = PlanTask.objects.filter(plan=plan.id, active=True)
        if o["task"]:
            unknown = set(o["task"]) - set(tasks.filter(code__in=o["task"]).values_list("code", flat=True))
            if unknown:
                raise CommandError(
                    f"未知任务 unknown task(s): {', '.join(sorted(unknown))} (run `eduplan tasks sync`?)"
                )
            tasks = tasks.filter(code__in=o["task"])
        counties = Division.objects.counties().filter(city__code=plan.city).order_by("code")
        if o["county"]:
            counties = counties.filter(code__in=o["county"])
            if counties.count() != len(set(o["county"])):
                raise CommandError(f"未知县级区划 unknown county code(s) in {', '.join(o['county'])}")
        done = actions.assign_to_counties(
            list(tasks), list(counties), deadline=date_option(o.get("deadline"), "--deadline"), user=user
        )
        self.stdout.write(f"已下达 assigned: {len(done)}")

    def do_list(self, user: User | None, o: dict[str, Any]) -> None:
        today = date_option(o.get("today"), "--today") or timezone.localdate()
        qs = queries.filter_tasks(queries.tasks_for(user), o, today)
        rows = [queries.task_record(t, today) for t in qs.order_by("county__code", "deadline", "pk")]
        self._write(rows, o, f"计划任务 plan tasks ({today})", TABLE_COLUMNS)

    def do_update(self, user: User | None, o: dict[str, Any]) -> None:
        qs = queries.tasks_for(user)
        ident = o["task"]
        if ident.isdigit():
            task = qs.filter(pk=int(ident)).first()
        else:
            if not o.get("county"):
                raise CommandError("按任务编号更新时须给出 --county / give --county with a plan task id")
            task = qs.filter(plan_task__code=ident, county__code=o["county"]).first()
        if task is None or (o.get("county") and task.county.code != o["county"]):
            raise CommandError(f"没有这项任务,或不在您的管辖范围内 / no such task in your scope: {ident}")
        files = []
        try:
            for path in o["evidence"]:
                p = Path(path)
                if not p.is_file():
                    raise CommandError(f"{path}: 找不到文件 / file not found")
                files.append(File(p.open("rb"), name=p.name))
            actions.record_progress(
                task,
                text=o["text"],
                percent=o.get("percent"),
                stage=o.get("stage", ""),
                files=files,
                user=user,
            )
            if o["complete"]:
                actions.complete_task(task, user=user)
        finally:
            for f in files:
                f.close()
        task.refresh_from_db()
        self.stdout.write(
            f"{task.county.name} {task.clause} {task.title_zh}: {task.get_state_display()} {task.percent}%"
        )

    def do_overdue(self, user: User | None, o: dict[str, Any]) -> None:
        today = date_option(o.get("today"), "--today") or timezone.localdate()
        if o["escalate"]:
            if user is not None:
                raise CommandError(
                    "--escalate 由系统定时任务执行,不带 --user / the sweep runs as the system, without --user"
                )
            done = actions.escalate_overdue_tasks(today)
            self.stderr.write(f"升级市级督办 escalated to the city: {len(done)}")
        rows = [queries.task_record(t, today) for t in queries.overdue_tasks(user, today)]
        self._write(rows, o, f"逾期任务 overdue tasks ({today})", [*TABLE_COLUMNS, "days_overdue"])

    def do_plans(self, user: User | None, o: dict[str, Any]) -> None:
        rows = diff_records(user, load_plan().id)
        self._write(rows, o, "县级行动计划 county action plans", None)

    def do_demo(self, user: User | None, o: dict[str, Any]) -> None:
        from eduplan.demo.tasks import demo_tasks

        today = date_option(o.get("today"), "--today") or timezone.localdate()
        counts = demo_tasks(today)
        self.stdout.write("演示数据 demo: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
