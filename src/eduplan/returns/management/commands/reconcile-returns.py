"""``eduplan reconcile-returns FILE... --year Y [--format text|json] [--out FILE.xlsx]``: the returns
as filed compared with what eduplan holds, field by field; every difference with its institution,
table, row, column and the cells involved (docs/returns.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.management.commands._common import add_db_option
from eduplan.returns.layout import LayoutError, load_edition
from eduplan.returns.reconcile import KIND_ZH, differences_workbook, reconcile


class Command(BaseCommand):
    help = "核对教育统计报表与平台数据 Reconcile filed returns with what eduplan holds"

    def add_arguments(self, parser: CommandParser) -> None:
        add_db_option(parser)
        parser.add_argument("files", nargs="+", help="xlsx / xls / ods 报表文件 returns workbooks")
        parser.add_argument("--year", type=int, required=True, help="学年(起始年) school year starting")
        parser.add_argument("--edition", type=int, help="报表版本(年) edition of the forms (default: newest)")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--out", help="差异工作簿 write the differences as xlsx")

    def handle(self, *args, **options) -> None:
        try:
            edition = load_edition(options["edition"])
        except LayoutError as exc:
            raise CommandError(str(exc)) from exc
        files = [(Path(f), Path(f).name) for f in options["files"]]
        result = reconcile(files, options["year"], edition)
        if result.problems:
            for p in result.problems:
                self.stderr.write(p.message)
            raise CommandError(
                f"报表有 {len(result.problems)} 个错误,无法核对 / "
                f"the returns have {len(result.problems)} problems and cannot be reconciled"
            )
        if options["out"]:
            Path(options["out"]).write_bytes(differences_workbook(result.differences, options["year"]))
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([d.as_dict() for d in result.differences], ensure_ascii=False, indent=1)
            )
            return
        for d in result.differences:
            self.stdout.write(f"[{KIND_ZH[d.kind]}] {d.summary_zh}")
        self.stdout.write(
            f"核对 {result.compared} 所学校(机构),差异 {len(result.differences)} 处 / "
            f"{result.compared} returns compared, {len(result.differences)} differences"
        )
