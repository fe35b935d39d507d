"""``eduplan import-returns FILE... [--edition YEAR] [--dry-run] [--user NAME] [--errors-out FILE]``:
the annual statistical returns read into the registry, all or nothing (docs/returns.md).

Every problem is printed at once with its file, sheet, row and column, and an error workbook marks
the bad cells; nothing is written unless every file is right. ``--user`` holds the import to that
user's write scope, as ``eduplan import`` does."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.management.commands._common import add_db_option, user_named
from eduplan.returns.importing import import_returns
from eduplan.returns.layout import LayoutError, load_edition


class Command(BaseCommand):
    help = "导入教育统计报表(全部或全不) Import the annual statistical returns, all or nothing"

    def add_arguments(self, parser: CommandParser) -> None:
        add_db_option(parser)
        parser.add_argument("files", nargs="+", help="xlsx / xls / ods 报表文件 returns workbooks")
        parser.add_argument("--edition", type=int, help="报表版本(年) edition of the forms (default: newest)")
        parser.add_argument("--dry-run", action="store_true", help="只检查不写入 check only, write nothing")
        parser.add_argument("--user", help="以此用户身份导入 import as this user (held to their scope)")
        parser.add_argument("--errors-out", help="错误工作簿 where to write the error workbook")
        parser.add_argument("--max-errors", type=int, default=200, help="最多显示的错误数 errors to print")

    def handle(self, *args, **options) -> None:
        try:
            edition = load_edition(options["edition"])
        except LayoutError as exc:
            raise CommandError(str(exc)) from exc
        user = user_named(options["user"])
        paths = [Path(f) for f in options["files"]]
        result = import_returns(paths, edition, user=user, dry_run=options["dry_run"])
        batch = f"#{result.batch.pk} "
        if result.problems:
            shown = result.problems[: options["max_errors"]]
            for p in shown:
                self.stderr.write(p.message)
            if len(result.problems) > len(shown):
                more = len(result.problems) - len(shown)
                self.stderr.write(f"…… 另有 {more} 个错误 / and {more} more")
            if result.error_workbook:
                out = Path(options["errors_out"] or f"{paths[0].stem}.errors.xlsx")
                out.write_bytes(result.error_workbook)
                self.stderr.write(f"错误已标注在 errors marked in: {out}")
            raise CommandError(
                f"导入批次 {batch}被拒绝: {len(result.problems)} 个错误,未写入任何数据 / "
                f"import {batch}rejected: {len(result.problems)} problems, nothing was written"
            )
        for key, n in result.counts.items():
            self.stdout.write(f"{key}: {n}")
        if result.dry_run:
            self.stdout.write(f"试导入 {batch}通过,未写入 / dry run {batch}passed: nothing was written")
        else:
            self.stdout.write(f"导入完成 import {batch}done ({edition.edition}年版 edition)")
