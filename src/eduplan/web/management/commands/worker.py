"""``eduplan worker``: run the queued tasks (admissions runs …) of the configured task backend.

The database backend (the default) is served by django-tasks-db's ``db_worker``; the RQ backend
(``EDUPLAN_TASKS_BACKEND=rq``) by django-rq's ``rqworker``. ``eduplan serve`` starts one beside the
web server unless ``--no-worker``; a deployment runs as many as it wants, on any machine that
reaches the database (or Redis) and the file storage. Each worker also queues the daily sweep
(escalations and reminders, :mod:`eduplan.web.sweep`) when it is due; only one per day is queued.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "运行后台任务 Run queued background tasks (admissions runs …) until stopped"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls (database backend)"
        )
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="do not queue the daily sweep (escalations and reminders, EDUPLAN_SWEEP_AT)",
        )

    def handle(self, *args, **options) -> None:
        if not options["batch"] and not options["no_schedule"]:
            from eduplan.web.sweep import start_scheduler

            start_scheduler()
        backend = str(settings.TASKS["default"]["BACKEND"])
        if backend.startswith("django_tasks_rq"):
            # RQ runs each job in a forked work-horse; the job class runs the Django task.
            argv = ["default", "--job-class", "django_tasks_rq.backend.Job", "--with-scheduler"]
            call_command("rqworker", *argv, *(["--burst"] if options["batch"] else []))
            return
        argv = ["--interval", str(options["interval"]), "--no-startup-delay", "--no-reload"]
        if options["batch"]:
            argv.append("--batch")
        call_command("db_worker", *argv)
