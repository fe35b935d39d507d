"""``eduplan plan SUBCOMMAND``: the plan's tools under one command.

Subcommands are discovered, not listed here: any module named ``plancmd_<name>.py`` in an eduplan
app defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``handle(options, stdout)``. So the
indicators, planning and siting work can each add theirs without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser


def discover() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("eduplan."):
            continue
        for info in pkgutil.iter_modules([config.path]):
            if info.name.startswith("plancmd_"):
                module = importlib.import_module(f"{config.name}.{info.name}")
                found[module.NAME] = module
    return dict(sorted(found.items()))


class Command(BaseCommand):
    help = "规划工具 Plan tools: " + "coverage, project, gaps, allocate, site (see eduplan plan --help)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        for name, module in discover().items():
            p = sub.add_parser(name, help=module.HELP, description=module.HELP)
            module.add_arguments(p)

    def handle(self, *args, **options):
        name = options.get("subcommand")
        modules = discover()
        if not name:
            raise CommandError("请给出子命令 give a subcommand: " + ", ".join(modules) or "(none installed)")
        try:
            modules[name].handle(options, self.stdout)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
