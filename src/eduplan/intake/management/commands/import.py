"""``eduplan import FILE [--kind KIND] [--dry-run]``: all or nothing.

Every problem in the file is printed at once (sheet, row, column, value, what was expected) and an
error workbook with the bad cells marked is written next to the working directory; nothing is
written to the registry unless the whole file is right. ``--user`` imports as that user, held to
their scope (a county officer imports only their county's rows)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.importer import import_file
from eduplan.intake.kinds import KINDS

from ._common import add_db_option, user_named


class Command(BaseCommand):
    help = "导入Excel或CSV(全部或全不) Import an Excel or CSV file, all or nothing"

    def add_arguments(self, parser: CommandParser) -> None:
        add_db_option(parser)
        parser.add_argument("file", help="xlsx / xls / ods / csv")
        parser.add_argument("--kind", help="数据类别(CSV等无法从表名判断时) kind: " + ", ".join(KINDS))
        parser.add_argument("--dry-run", action="store_true", help="只检查不写入 check only, write nothing")
        parser.add_argument("--user", help="以此用户身份导入 import as this user (held to their scope)")
        parser.add_argument("--errors-out", help="错误工作簿 where to write the error workbook")
        parser.add_argument("--max-errors", type=int, default=200, help="最多显示的错误数 errors to print")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        user = user_named(options["user"])

        def progress(message: str, done: int, total: int) -> None:
            self.stdout.write(f"{message} {done}/{total}")
            self.stdout.flush()

        result = import_file(
            path, kind=options["kind"], user=user, dry_run=options["dry_run"], progress=progress
        )
        batch = f"#{result.batch.pk} " if result.batch else ""
        if result.problems:
            shown = result.problems[: options["max_errors"]]
            for p in shown:
                self.stderr.write(p.message)
            if len(result.problems) > len(shown):
                self.stderr.write(
                    f"…… 另有 {len(result.problems) - len(shown)} 个错误 / and {len(result.problems) - len(shown)} more"
                )
            if result.error_workbook:
                out = Path(options["errors_out"] or f"{path.stem}.errors.xlsx")
                out.write_bytes(result.error_workbook)
                self.stderr.write(f"错误已标注在 errors marked in: {out}")
            raise CommandError(
                f"导入批次 {batch}被拒绝: {len(result.problems)} 个错误,未写入任何数据 / "
                f"import {batch}rejected: {len(result.problems)} problems, nothing was written"
            )
        for key, c in result.counts.items():
            self.stdout.write(
                f"{key}: 新增 created {c['created']}, 更新 updated {c['updated']}, 未变 unchanged {c['unchanged']}"
            )
        if result.dry_run:
            self.stdout.write(f"试导入 {batch}通过,未写入 / dry run {batch}passed: nothing was written")
        else:
            self.stdout.write(f"导入完成 import {batch}done")
