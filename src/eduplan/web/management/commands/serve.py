"""``eduplan serve``: a production-style server (gunicorn, static files by WhiteNoise) on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "运行Web服务 Serve the web app with gunicorn on 127.0.0.1 (--port, --workers)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a task worker (`eduplan worker`) beside the web server; a deployment "
            "with workers of its own passes this",
        )
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=75,
            help="seconds an idle browser connection stays open (gunicorn's default of 2 s makes an "
            "officer who pauses reconnect on every click; 75 s is nginx's default). An idle "
            "connection waits in the worker's poller and holds no thread",
        )

    def handle(self, *args, **options) -> None:
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("找不到 gunicorn / gunicorn is not installed (pip install gunicorn)")
        from django.core.exceptions import ImproperlyConfigured

        from eduplan.security.keys import refuse_unsafe_keys

        try:
            refuse_unsafe_keys()  # say so here, not once per gunicorn worker
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"eduplan 服务地址 serving at http://{bind}/  (Ctrl+C 停止 to stop)")
        self.stdout.flush()
        argv = [
            gunicorn,
            "eduplan.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--keep-alive",
            str(options["keep_alive"]),
            "--access-logfile",
            "-",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
        if not options["no_worker"]:
            # Long work (admissions runs …) is queued as tasks; one worker runs them. It stays in
            # this process group, so Ctrl+C (or stopping the group) ends it with the server.
            subprocess.Popen([sys.executable, "-m", "eduplan.cli", "worker"], stdin=subprocess.DEVNULL)
            self.stdout.write("eduplan 后台任务进程已启动 task worker started (eduplan worker)")
            self.stdout.flush()
        os.execv(gunicorn, argv)
