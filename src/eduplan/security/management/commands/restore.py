"""``eduplan restore FILE``: replace the whole database with a backup; every cache forgets."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.security.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份恢复数据库(覆盖当前数据) Restore the whole database from a backup (replaces current data)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="eduplan backup 写出的备份文件 a file written by eduplan backup")
        parser.add_argument("--yes", action="store_true", help="不再确认 do not ask for confirmation")
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")

    def handle(self, *args, **options) -> None:
        source = Path(options["file"])
        if not options["yes"]:
            answer = input("当前数据库的全部数据将被备份覆盖,继续?[y/N] / replace ALL current data? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "是"):
                raise CommandError("已取消 / cancelled")
        try:
            restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {source} 恢复,缓存已清空 / restored from {source}; caches cleared")
