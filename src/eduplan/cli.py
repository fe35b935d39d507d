"""The ``eduplan`` console script: Django's management commands under one entry point.

``eduplan --help`` lists every command. A ``--db PATH`` option anywhere on the command line
selects a SQLite file for that run (it sets ``DATABASE_URL`` before Django starts), so that
``eduplan demo --db /tmp/x.sqlite3`` writes there; ``--plan FILE`` likewise chooses the plan in
force (``EDUPLAN_PLAN``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps import AppConfig

# Commands that declare ``--db`` themselves (they need the path, e.g. to replace the file).
_COMMANDS_WITH_DB_OPTION = {"demo"}


def _path_option(argv: list[str], name: str) -> tuple[str | None, list[str]]:
    """The value of ``--name VALUE`` or ``--name=VALUE`` anywhere in ``argv``, and ``argv``
    without it."""
    for i, arg in enumerate(argv):
        if arg == f"--{name}" and i + 1 < len(argv):
            return argv[i + 1], argv[:i] + argv[i + 2 :]
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1], argv[:i] + argv[i + 1 :]
    return None, argv


def _apply_db_option(argv: list[str]) -> list[str]:
    """Point ``DATABASE_URL`` at the ``--db`` file and return the arguments without the option
    (unless the command declares it)."""
    command = next((a for a in argv if not a.startswith("-")), "")
    path, rest = _path_option(argv, "db")
    if path:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(path).expanduser().resolve()}"
        return argv if command in _COMMANDS_WITH_DB_OPTION else rest
    return argv


def _apply_plan_option(argv: list[str]) -> list[str]:
    """``--plan FILE`` anywhere on the command line: the plan in force for this run (it sets
    ``EDUPLAN_PLAN``, see docs/plans.md), for every command."""
    path, rest = _path_option(argv, "plan")
    if path:
        os.environ["EDUPLAN_PLAN"] = str(Path(path).expanduser().resolve())
    return rest


def _settings_file_option(argv: list[str]) -> list[str]:
    """``--settings FILE.toml`` names a settings *file* for commands such as ``admissions run``;
    Django would read it as its settings module, so it is passed on as ``--config``."""
    out = []
    for i, arg in enumerate(argv):
        if arg == "--settings" and i + 1 < len(argv) and argv[i + 1].endswith(".toml"):
            out.append("--config")
        elif arg.startswith("--settings=") and arg.endswith(".toml"):
            out.append("--config=" + arg.split("=", 1)[1])
        else:
            out.append(arg)
    return out


_HELP_ARGUMENTS: tuple[list[str], ...] = ([], ["help"], ["--help"], ["-h"])

#: Commands that run without ``django.setup()`` (every app's models and ``ready()``), by the app
#: that holds them: each sets Django up itself when, and only when, it reads the database.
_LIGHT_COMMANDS = {"check-name": "eduplan.rules"}


def _app_configs() -> list[AppConfig] | None:
    """Every installed app's ``AppConfig``, created as ``apps.populate`` creates it but without
    importing models or running ``ready()``. ``None`` when the settings cannot be read: Django's
    own path then reports why."""
    try:
        from django.apps import AppConfig
        from django.conf import settings

        return [AppConfig.create(entry) for entry in settings.INSTALLED_APPS]
    except Exception:
        return None


def command_list_text(prog: str) -> str | None:
    """``eduplan --help``: the list of commands exactly as Django's ``main_help_text`` writes it,
    without ``django.setup()``. Django imports every app's models and runs every ``ready()``
    before listing commands, yet the list needs only where each app's ``management/commands``
    folder is (its ``AppConfig``)."""
    configs = _app_configs()
    if configs is None:
        return None
    from django.core import management
    from django.core.management.color import color_style

    commands = {name: "django.core" for name in management.find_commands(management.__path__[0])}
    for config in reversed(configs):
        folder = os.path.join(config.path, "management")
        commands.update({name: config.name for name in management.find_commands(folder)})
    by_app: dict[str, list[str]] = {}
    for name, app in commands.items():
        by_app.setdefault("django" if app == "django.core" else app.rpartition(".")[-1], []).append(name)
    style = color_style()
    lines = [
        "",
        f"Type '{prog} help <subcommand>' for help on a specific subcommand.",
        "",
        "Available subcommands:",
    ]
    for app in sorted(by_app):
        lines += ["", style.NOTICE(f"[{app}]"), *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(lines)


def _run_plan_help(argv: list[str]) -> bool:
    """``eduplan plan --help`` without ``django.setup()``: the subcommands are declared by the
    apps' configs (``plan_subcommands``, registered here as their ``ready()`` would), and listing
    them loads no model and no subcommand's module. ``False`` when the settings cannot be read."""
    configs = _app_configs()
    if configs is None:
        return False
    from django.core.management import load_command_class

    from eduplan.plans.subcommands import DeclaresSubcommands, register_app

    for config in configs:
        if isinstance(config, DeclaresSubcommands):
            register_app(config)
    load_command_class("eduplan.plans", "plan").run_from_argv(argv)
    return True


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "eduplan"
    argv = argv[:1] + _settings_file_option(_apply_plan_option(_apply_db_option(argv[1:])))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    if argv[1:] in _HELP_ARGUMENTS and "DJANGO_AUTO_COMPLETE" not in os.environ:
        text = command_list_text(argv[0])
        if text is not None:
            sys.stdout.write(text + "\n")
            return
    if argv[1:2] == ["plan"] and argv[2:] in _HELP_ARGUMENTS[2:] and "DJANGO_AUTO_COMPLETE" not in os.environ:
        if _run_plan_help(argv):
            return
    light = _LIGHT_COMMANDS.get(argv[1]) if len(argv) > 1 else None
    if light is not None and "DJANGO_AUTO_COMPLETE" not in os.environ:
        from django.core.management import load_command_class

        load_command_class(light, argv[1]).run_from_argv(argv)
        return
    from django.core.management import execute_from_command_line

    if len(argv) == 1:
        argv.append("help")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
