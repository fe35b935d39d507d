"""``eduplan check``: run the compliance catalogue over the registry and print the findings.

This replaces Django's system-check command of the same name (``eduplan check --system`` still runs
Django's checks).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from typing import Any, TextIO, cast

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands.check import Command as SystemCheckCommand

from eduplan.output import FORMATS, OutputError, write_records
from eduplan.rules.catalogue import RuleInputError, run_rules
from eduplan.rules.findings import (
    COLUMNS,
    HEADERS,
    SEVERITY_LABELS,
    Severity,
    SeverityError,
    parse_severities,
)

#: Options that belong to Django's system-check command: given any of them, it runs instead.
SYSTEM_CHECK_OPTIONS = ("deploy", "tags", "list_tags", "fail_level", "databases")


class Command(BaseCommand):
    help = (
        "合规检查 Run the compliance rules over the registry: "
        "eduplan check [--rule ID] [--county CODE] [--severity high,medium|medium+] [--year Y] [--format F]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rule",
            action="append",
            default=[],
            metavar="ID",
            help="只运行这些规则(可重复或逗号分隔) only these rules (repeat or comma-separate); see eduplan rules",
        )
        parser.add_argument(
            "--county", metavar="CODE", help="县(市、区)或市代码 county or city division code"
        )
        parser.add_argument(
            "--severity",
            metavar="LEVELS",
            help="严重程度 severities: high, medium, low, info; comma-separated, or LEVEL+ for that and above",
        )
        parser.add_argument(
            "--year",
            type=int,
            help="学年(起始年) school year by its starting year (default: latest with data)",
        )
        parser.add_argument(
            "--as-of",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help="判断期限的日期 the day deadlines are judged on",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="以该用户的权限范围检查 check within this user's scope"
        )
        parser.add_argument(
            "--violations-only", action="store_true", help="不显示“无数据”提示 leave out 'no data' findings"
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--out", metavar="FILE", help="写入文件 write to FILE (required for xlsx)")
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")
        parser.add_argument(
            "--system", action="store_true", help="运行 Django 系统检查 run Django's system checks instead"
        )
        # Django's own check options, so `eduplan check --deploy` and Django's test runner still work.
        parser.add_argument("--deploy", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--tag", "-t", action="append", dest="tags", help=argparse.SUPPRESS)
        parser.add_argument("--list-tags", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--fail-level", help=argparse.SUPPRESS)
        parser.add_argument("--database", action="append", dest="databases", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        system = {k: options[k] for k in SYSTEM_CHECK_OPTIONS if options.get(k)}
        if options["system"] or system:
            call_command(SystemCheckCommand(), stdout=self.stdout, stderr=self.stderr, **system)
            return
        try:
            severities = parse_severities(options["severity"])
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except SeverityError as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD / --as-of must be a date YYYY-MM-DD: {exc}") from exc
        rule_ids = [r.strip() for spec in options["rule"] for r in spec.split(",") if r.strip()]
        user = _user(options["user"]) if options["user"] else None
        try:
            findings = run_rules(
                year=options["year"],
                county=options["county"],
                rule_ids=rule_ids or None,
                user=user,
                as_of=as_of,
                severities=severities,
            )
        except RuleInputError as exc:
            raise CommandError(str(exc)) from exc
        if options["violations_only"]:
            findings = [f for f in findings if f.is_violation]
        records = [f.as_dict() for f in findings]
        fmt = options["format"]
        year = findings[0].school_year if findings else options["year"]
        title = f"合规检查 compliance findings: {len(findings)}" + (f" ({year}-{year + 1})" if year else "")
        try:
            write_records(
                records,
                fmt,
                options["out"],
                columns=COLUMNS if fmt in ("table", "xlsx") else None,
                headers=HEADERS,
                title=title,
                stream=cast(TextIO, self.stdout),
            )
        except OutputError as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "table" or options["out"]:
            counts = Counter(f.severity for f in findings)
            summary = ", ".join(
                f"{SEVERITY_LABELS[s]} {counts[s.value]}" for s in Severity if counts[s.value]
            )
            self.stderr.write(f"{title}; {summary or '无 none'}")


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"找不到用户 {username!r} / no user named {username!r}")
    return user
