"""``eduplan plan SUBCOMMAND``: the plan's tools under one command.

Subcommands are registered, not listed here: each app registers its own in ``AppConfig.ready``
through :mod:`eduplan.plans.subcommands` (name, help, loader of a module with
``add_arguments(parser)`` and ``handle(options, stdout)``). A subcommand's module is loaded only when
that subcommand is parsed, so ``eduplan plan --help`` stays light.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.plans.subcommands import PlanSubcommand, load, registered


class SubcommandParser(CommandParser):
    """The parser of one subcommand, filled from its module the first time it parses."""

    def __init__(self, *args: Any, spec: PlanSubcommand | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spec = spec
        self._loaded = spec is None

    def ensure_loaded(self) -> None:
        if not self._loaded and self._spec is not None:
            self._loaded = True
            load(self._spec).add_arguments(self)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Namespace | None = None
    ) -> tuple[Namespace, list[str]]:
        self.ensure_loaded()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self.ensure_loaded()
        return super().format_help()

    def format_usage(self) -> str:
        self.ensure_loaded()
        return super().format_usage()


class Command(BaseCommand):
    help = "规划工具 Plan tools: " + "coverage, project, gaps, allocate, site (see eduplan plan --help)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", parser_class=SubcommandParser)
        for name, spec in registered().items():
            sub.add_parser(name, help=spec.help, description=spec.help, spec=spec)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("subcommand")
        specs = registered()
        if not name:
            raise CommandError("请给出子命令 give a subcommand: " + (", ".join(specs) or "(none installed)"))
        try:
            load(specs[name]).handle(options, self.stdout)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
