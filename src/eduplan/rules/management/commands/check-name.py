"""``eduplan check-name NAME [--ownership public|private]``: check a proposed kindergarten name
against before approval, printing a JSON verdict ``{ok, violations: [{category, word,
clause}, …]}``. A private name is compared with the registry's public schools."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.output import to_json
from eduplan.rules.naming import OWNERSHIP_CHOICES, PRIVATE_OWNERSHIPS, NameCheckError, check_name


class Command(BaseCommand):
    help = "园名预审 Check a proposed kindergarten name; prints a JSON verdict"
    # No system checks: they load every URL and view (and with them Ibis, pandas, scipy), which made
    # a one-name check take seconds; the name check needs none of it (issue 19 item 7).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", metavar="NAME", help="拟用名称 the proposed name")
        parser.add_argument(
            "--ownership",
            choices=OWNERSHIP_CHOICES,
            help="性质:民办园会与公办学校名称比对 public or private (a private name is compared with public schools)",
        )
        parser.add_argument(
            "--division",
            metavar="CODE",
            help="所在乡镇/县代码:其地名不算违规 the division it is in (its place names are not violations)",
        )
        parser.add_argument("--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["division"] or options["ownership"] in PRIVATE_OWNERSHIPS:
            # The registry is read: ``eduplan check-name`` starts without Django's set-up (cli.py),
            # which only a check against the registry needs.
            import django

            django.setup()
        places = _places(options["division"]) if options["division"] else []
        try:
            verdict = check_name(options["name"], options["ownership"], places=places)
        except NameCheckError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(to_json(verdict.as_dict()))


def _places(code: str) -> list[str]:
    """The names of the division and its ancestors (township, county, city…)."""
    from django.db import DatabaseError

    from eduplan.registry.models import Division

    try:
        division = Division.objects.filter(code=code).first()
    except DatabaseError as exc:
        raise CommandError(f"无法读取登记册 / the registry could not be read: {exc}") from exc
    if division is None:
        raise CommandError(f"找不到区划代码 {code!r} / no division with code {code!r}")
    names = []
    node: Division | None = division
    while node is not None:
        names.append(node.name)
        node = node.parent
    return names
