"""``eduplan export KIND --format xlsx|csv --out FILE``: registry data in the template's layout.

``--user`` exports what that user may see (as the web does); ``--county`` one county's data.
Identity numbers are only ever written masked."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.exporter import FORMATS, ExportError, export
from eduplan.intake.kinds import KINDS, UnknownKind

from ._common import add_db_option, user_named


class Command(BaseCommand):
    help = "导出数据 Export registry data as xlsx or CSV: KIND is one of " + ", ".join(KINDS) + " or all"

    def add_arguments(self, parser: CommandParser) -> None:
        add_db_option(parser)
        parser.add_argument("kind", help="数据类别 kind: " + ", ".join(KINDS) + ", all")
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument(
            "--out", help="输出文件(csv 且 all 时为目录) output file (a directory for csv all)"
        )
        parser.add_argument("--user", help="按此用户的权限范围导出 export what this user may see")
        parser.add_argument("--county", help="只导出此县(代码) only this county (code)")

    def handle(self, *args, **options) -> None:
        name, fmt = options["kind"], options["format"]
        out = Path(options["out"] or (f"{name}" if fmt == "csv" and name == "all" else f"{name}.{fmt}"))
        try:
            counts = export(name, fmt, out, user_named(options["user"]), county=options["county"])
        except (UnknownKind, ExportError) as exc:
            raise CommandError(str(exc)) from exc
        total = sum(counts.values())
        detail = ", ".join(f"{k} {n}" for k, n in counts.items())
        self.stdout.write(f"已导出 exported {total} 行 rows to {out} ({detail})")
