"""``eduplan export-parquet DIR``: the registry tables the measures read, one Parquet file each, for
DuckDB (``eduplan indicators --parquet DIR``) or any other analytics tool.

Only the columns of :data:`eduplan.metrics.engines.TABLES` are written — no names of people, no
identity hashes — so an export can leave the application server for analysis.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.metrics import engines


class Command(BaseCommand):
    help = "导出 Parquet Export the registry tables the indicators use to DIR/<table>.parquet (for DuckDB)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR", help="输出目录 output directory (created if missing)")
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = engines.export_parquet(engines.from_django(), options["directory"])
        except (engines.EngineError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for name, n in counts.items():
            self.stdout.write(f"{name}.parquet: {n} 行 rows\n")
