"""``eduplan template KIND --out FILE.xlsx``: an empty Excel template for one kind (or ``all``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.kinds import KINDS, UnknownKind, get_kind
from eduplan.intake.templates import write_template

from ._common import add_db_option


class Command(BaseCommand):
    help = "生成Excel导入模板 Write an Excel import template: KIND is one of " + ", ".join(KINDS) + " or all"

    def add_arguments(self, parser: CommandParser) -> None:
        add_db_option(parser)
        parser.add_argument("kind", help="数据类别 kind: " + ", ".join(KINDS) + ", all")
        parser.add_argument("--out", help="输出文件 output .xlsx (default: KIND-template.xlsx)")

    def handle(self, *args, **options) -> None:
        name = options["kind"]
        try:
            keys = ["all"] if name == "all" else [get_kind(name).key]
        except UnknownKind as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"] or f"{keys[0]}-template.xlsx")
        write_template(keys, out)
        self.stdout.write(f"已生成模板 template written: {out}")
