"""``eduplan plan adopt``: the city adopts county targets for one indicator and school year.

``--scenario NAME`` adopts the allocation of a saved city scenario (``eduplan plan scenario``);
``--file F.xlsx`` adopts the values of a file with columns ``division`` and ``target`` (the layout
``eduplan plan targets --format xlsx`` writes). ``--user`` names who adopts: a city officer or a
superuser; anyone else is refused. Each adoption is a new version; nothing is overwritten.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from eduplan.output import to_json

from ..cliutil import add_common_arguments
from . import adopt


def add_arguments(parser: Any) -> None:
    parser.add_argument("--indicator", required=True, help="指标 indicator, e.g. preschool_ger")
    parser.add_argument("--year", type=int, required=True, help="目标学年 school year of the targets")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--scenario", metavar="NAME", help="按已保存的全市规划情景分解 from a saved city scenario"
    )
    source.add_argument("--file", metavar="F.xlsx", help="从文件导入(列 division, target)from a file")
    parser.add_argument("--reason", required=True, help="通过理由 why the city adopts these targets")
    parser.add_argument(
        "--user", required=True, metavar="NAME", help="通过人(市级用户)who adopts (a city officer)"
    )
    add_common_arguments(parser, formats=("table", "json"))


def handle(options: dict[str, Any], stdout: Any) -> None:
    user = get_user_model().objects.filter(username=options["user"]).first()
    if user is None:
        raise CommandError(f"没有用户 {options['user']} / no user named {options['user']!r}")
    try:
        if options.get("scenario"):
            adoption = adopt.adopt_from_scenario(
                options["indicator"],
                options["year"],
                options["scenario"],
                user=user,
                reason=options["reason"],
            )
        else:
            adoption = adopt.adopt_from_file(
                options["indicator"], options["year"], options["file"], user=user, reason=options["reason"]
            )
    except PermissionDenied as exc:
        raise CommandError(f"{options['user']}: {exc}") from exc
    rows = [t.record() for t in adopt.in_force(indicator=adoption.indicator, year=adoption.year)]
    if options.get("format") == "json":
        stdout.write(to_json(rows) + "\n", ending="")
        return
    stdout.write(
        f"已通过 adopted {adoption.indicator} {adoption.year} 第 {adoption.version} 版 version {adoption.version}: "
        f"{len(rows)} 个县 counties"
    )
    for r in rows:
        stdout.write(f"  {r['division']} {r['division_name']}: {r['target']:g}")
