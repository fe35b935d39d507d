"""``eduplan programmes list|import|export|incentives|demo``: the programme registers from the
command line. ``--user`` holds a command to that user's scope, as on the web."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.accounts.scoping import User
from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.kinds import UnknownKind
from eduplan.intake.management.commands._common import add_db_option, user_named
from eduplan.output import FORMATS, OutputError, write_records

from ...kinds import PROGRAMME_KINDS, get_programme_kind
from ...queries import incentive_list
from ...transfer import export_registers, import_register

INCENTIVE_HEADERS = {
    "county": "县代码",
    "county_name": "县(市、区)",
    "year": "学年",
    "targets": "目标数",
    "targets_met": "已达标",
    "all_targets_met": "全部达标",
    "unmet": "未达标指标",
    "certified_on": "普及普惠认定日期",
    "certified_first": "率先认定",
    "eligible": "可获奖励",
}


class Command(BaseCommand):
    help = "专项工作登记册 Programme registers: list, import, export, incentives, demo"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        registers = ", ".join(PROGRAMME_KINDS)
        ls = sub.add_parser("list", help="列出一个登记册 list one register: " + registers)
        ls.add_argument("register", help=registers)
        ls.add_argument("--county", help="县代码 county code")
        ls.add_argument("--format", choices=FORMATS, default="table")
        ls.add_argument("--out", help="输出文件 output file")
        im = sub.add_parser("import", help="导入(全部或全不) import a workbook, all or nothing")
        im.add_argument("file")
        im.add_argument("--register", help="CSV 文件的登记册 the register of a CSV file: " + registers)
        im.add_argument("--dry-run", action="store_true")
        im.add_argument("--errors-out", help="错误工作簿 where to write the error workbook")
        ex = sub.add_parser("export", help="导出xlsx export registers as xlsx (all by default)")
        ex.add_argument("out")
        ex.add_argument("--register", action="append", help="只导出这些 only these registers")
        ex.add_argument("--county", help="县代码 county code")
        ex.add_argument("--template", action="store_true", help="空模板 an empty template")
        inc = sub.add_parser("incentives", help="可获奖励的县 counties eligible for incentives")
        inc.add_argument("--year", type=int, help="学年 school year (default: the latest)")
        inc.add_argument("--format", choices=FORMATS, default="table")
        inc.add_argument("--out", help="输出文件 output file")
        sub.add_parser(
            "demo",
            help="演示数据(eduplan demo 已自动填充)/ demo rows for a registry without them (eduplan demo fills them itself)",
        )
        for p in (ls, im, ex, inc, sub.choices["demo"]):
            add_db_option(p)
            p.add_argument("--user", help="以此用户身份 act as this user (held to their scope)")

    def handle(self, *args: Any, **o: Any) -> None:
        command = o.get("subcommand")
        if not command:
            self.print_help("eduplan", "programmes")
            return
        user = user_named(o.get("user"))
        try:
            getattr(self, f"_{command}")(o, user)
        except (UnknownKind, OutputError) as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, o: dict[str, Any], user: User | None) -> None:
        kind = get_programme_kind(o["register"])
        rows = records(kind, kind_queryset(kind, user, county=o.get("county")), style="api")
        keys = ["id", *(c.key for c in kind.columns)]
        items = [dict(zip(keys, r, strict=True)) for r in rows]
        headers = {c.key: c.label for c in kind.columns}
        write_records(items, o["format"], o.get("out"), columns=keys, headers=headers, title=kind.label)

    def _import(self, o: dict[str, Any], user: User | None) -> None:
        path = Path(o["file"])
        result = import_register(path, kind=o.get("register"), user=user, dry_run=o["dry_run"])
        if result.problems:
            for p in result.problems[:200]:
                self.stderr.write(p.message)
            if result.error_workbook:
                out = Path(o.get("errors_out") or f"{path.stem}.errors.xlsx")
                out.write_bytes(result.error_workbook)
                self.stderr.write(f"错误已标注在 errors marked in: {out}")
            raise CommandError(
                f"被拒绝: {len(result.problems)} 个错误,未写入任何数据 / "
                f"rejected: {len(result.problems)} problems, nothing was written"
            )
        for key, c in result.counts.items():
            self.stdout.write(
                f"{key}: 新增 created {c['created']}, 更新 updated {c['updated']}, 未变 unchanged {c['unchanged']}"
            )
        self.stdout.write("试导入通过,未写入 / dry run passed" if result.dry_run else "导入完成 import done")

    def _export(self, o: dict[str, Any], user: User | None) -> None:
        kinds = [get_programme_kind(k) for k in o.get("register") or []] or None
        data, counts = export_registers(kinds, user, county=o.get("county"), template=o["template"])
        out = Path(o["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        for key, n in counts.items():
            self.stdout.write(f"{key}: {n}")
        self.stdout.write(f"已写入 written: {out}")

    def _incentives(self, o: dict[str, Any], user: User | None) -> None:
        from eduplan.metrics.indicators import compute_indicators

        rows = incentive_list(user, records=compute_indicators(), year=o.get("year"))
        for r in rows:
            r["unmet"] = "、".join(r["unmet"])
        write_records(
            rows,
            o["format"],
            o.get("out"),
            columns=list(INCENTIVE_HEADERS),
            headers=INCENTIVE_HEADERS,
            title="奖补县名单 counties eligible for incentives",
        )

    def _demo(self, o: dict[str, Any], user: User | None) -> None:
        from eduplan.demo.programmes import DemoError, populate

        try:
            counts = populate()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        for key, n in counts.items():
            self.stdout.write(f"{key}: {n}")
