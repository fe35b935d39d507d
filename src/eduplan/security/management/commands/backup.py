"""``eduplan backup --out FILE``: a consistent copy of the whole database, taken while it serves."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.security.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库 Back up the whole database (SQLite online backup; pg_dump for PostgreSQL)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="FILE", help="备份文件 backup file to write")
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")

    def handle(self, *args, **options) -> None:
        try:
            out = backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已备份 backed up to {out} ({out.stat().st_size:,} bytes)")
