"""``eduplan sweep [--every SECONDS]``: mark long operations whose process died failed, with their
reason (``eduplan.security.sweeps``). Once, or in a loop for a systemd service or a container;
a served site also sweeps by itself (``SWEEP_SECONDS``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from eduplan.security.sweeps import sweep_all


class Command(BaseCommand):
    help = "清理中断的长任务 Mark imports and admissions runs whose process died as failed"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help="每隔几秒重复 repeat")
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")

    def handle(self, *args, **options) -> None:
        while True:
            closed = sweep_all()
            self.stdout.write(
                "已清理 swept: " + ", ".join(f"{name} {count}" for name, count in closed.items())
            )
            if options["every"] <= 0:
                return
            time.sleep(options["every"])
