"""``eduplan workforce SUBCOMMAND``: the workforce registers (docs/workforce.md).

- ``eduplan workforce list REGISTER`` prints a register (``training``, ``pay``, ``schemes``,
  ``ethics``, ``negative``, ``awards``, ``publicity``), or ``coverage`` (rotation training by county
  and institution) or ``ethics-conflicts`` (awards during an ethics bar, serious cases without an
  incident);
- ``eduplan workforce import REGISTER FILE.xlsx [--dry-run]`` imports a sheet, all rows or none;
- ``eduplan workforce export REGISTER --out FILE.xlsx`` writes it back in the same layout;
- ``eduplan workforce demo`` fills the demo's records into a registry that has none (``eduplan demo``
  fills them itself).

``--user NAME`` holds the command to that user's scope (ethics registers need an allowed role);
without it the command acts for whoever holds the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.intake.management.commands._common import add_db_option, date_option, user_named
from eduplan.output import FORMATS, OutputError, write_records
from eduplan.workforce import registers, training

VIEWS = ("coverage", "ethics-conflicts")


class Command(BaseCommand):
    help = "教师队伍名册 Workforce registers: list, import, export, demo"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        names = list(registers.REGISTERS)
        ls = sub.add_parser("list", help="列出名册 list a register, coverage or ethics-conflicts")
        ls.add_argument("register", choices=names + list(VIEWS))
        ls.add_argument("--county", help="县或市代码 county or city code")
        ls.add_argument("--as-of", dest="as_of", help="coverage: judge on this day (YYYY-MM-DD)")
        ls.add_argument("--format", choices=FORMATS, default="table")
        ls.add_argument("--out")
        ls.add_argument("--user")
        add_db_option(ls)
        im = sub.add_parser("import", help="导入名册 import a register's sheet (all rows or none)")
        im.add_argument("register", choices=names)
        im.add_argument("file")
        im.add_argument("--dry-run", action="store_true", help="只检查,不写入 check only")
        im.add_argument("--user")
        add_db_option(im)
        ex = sub.add_parser("export", help="导出名册 export a register")
        ex.add_argument("register", choices=names)
        ex.add_argument("--out", required=True, help="FILE.xlsx / .csv / .json")
        ex.add_argument("--county")
        ex.add_argument("--user")
        add_db_option(ex)
        de = sub.add_parser(
            "demo",
            help="演示数据(eduplan demo 已自动填充)/ demo records for a registry without them (eduplan demo fills them itself)",
        )
        de.add_argument("--seed", type=int, default=1)
        de.add_argument("--today", help="the demo's reference day (default 2025-06-30)")
        add_db_option(de)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("subcommand")
        try:
            if name == "list":
                self._list(options)
            elif name == "import":
                self._import(options)
            elif name == "export":
                self._export(options)
            elif name == "demo":
                from eduplan.demo.workforce import DEFAULT_TODAY, populate

                today = date_option(options.get("today")) or DEFAULT_TODAY
                try:
                    counts = populate(options["seed"], today=today)
                except ValueError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            else:
                self.print_help("eduplan", "workforce")
        except (PermissionDenied, registers.RegisterError, OutputError) as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, o: dict[str, Any]) -> None:
        user = user_named(o.get("user"))
        key = o["register"]
        if key == "coverage":
            cov = training.coverage(
                date_option(o.get("as_of")) or dt.date.today(), user, county=o.get("county")
            )
            rows = [{"level": "county", **t.as_dict()} for t in cov.counties]
            rows += [{"level": "institution", **t.as_dict()} for t in cov.institutions]
            self.stderr.write(f"轮训周期 cycle {cov.cycle.label}, 截至 judged on {cov.cycle.judged_on}")
            write_records(rows, o["format"], o.get("out"), stream=self.stdout)  # type: ignore[arg-type]
            return
        if key == "ethics-conflicts":
            from eduplan.rules.catalogue import run_rules

            if not registers.may_see_ethics(user):
                raise PermissionDenied(
                    "师德档案仅限授权角色查看 / ethics records are restricted to authorised roles"
                )
            actor = user if user is not None else _system_reader()
            found = run_rules(
                rule_ids=["HS-ETHICS-BAR", "HS-ETHICS-INCIDENT"], user=actor, county=o.get("county")
            )
            write_records([f.as_dict() for f in found], o["format"], o.get("out"), stream=self.stdout)  # type: ignore[arg-type]
            return
        register, rows = registers.export_rows(key, user, o.get("county"))
        write_records(
            rows,
            o["format"],
            o.get("out"),
            headers=registers.headers(register),
            stream=self.stdout,  # type: ignore[arg-type]
        )

    def _import(self, o: dict[str, Any]) -> None:
        outcome = registers.import_file(
            o["register"], o["file"], user_named(o.get("user")), dry_run=o["dry_run"]
        )
        if not outcome.ok:
            for p in outcome.problems:
                self.stderr.write(p.message)
            raise CommandError(
                f"{len(outcome.problems)} 处问题,未写入任何记录 / {len(outcome.problems)} problem(s): nothing was written"
            )
        verb = "可导入 would import" if o["dry_run"] else "已导入 imported"
        self.stdout.write(f"{verb} {outcome.written}/{outcome.rows} ({outcome.register})")

    def _export(self, o: dict[str, Any]) -> None:
        register, rows = registers.export_rows(o["register"], user_named(o.get("user")), o.get("county"))
        out = o["out"]
        fmt = out.rsplit(".", 1)[-1].lower() if "." in out else "xlsx"
        if fmt not in ("xlsx", "csv", "json"):
            raise CommandError("--out 应为 .xlsx/.csv/.json 文件 / --out must be a .xlsx, .csv or .json file")
        write_records(rows, fmt, out, headers=registers.headers(register), title=register.kind.sheet)
        self.stdout.write(f"{len(rows)} → {out}")


def _system_reader() -> Any:
    """The database holder reads ethics records as a superuser would (rules skip user-less runs)."""

    class _Holder:
        is_superuser = True
        is_active = True
        is_authenticated = True

    return _Holder()
