"""Light commands start without the heavy libraries (issue 19 item 7).

A user who types ``eduplan --help``, ``eduplan plan --help`` or checks one kindergarten name waits
for whatever Python imports at start-up; Ibis, DuckDB, pyarrow, scipy, plotly, python-docx and
numpy took most of the 2–3 s those commands used to take. Each case runs the real console entry
point in a fresh interpreter and lists the heavy modules left in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("ibis", "duckdb", "pyarrow", "scipy", "plotly", "docx", "numpy", "pandas")

PROBE = f"""
import contextlib, io, json, sys
from eduplan.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(["eduplan", *sys.argv[1:]])
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)
loaded = sorted(m for m in sys.modules if m.startswith("eduplan.") or m == "openpyxl")
print(json.dumps({{"heavy": heavy, "loaded": loaded, "output": out.getvalue()[-6000:]}}))
"""


def probe(tmp_path: Path, *argv: str) -> dict:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'startup.sqlite3'}")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("plan", "--help"),
        ("check-name", "玉溪市红塔区测试幼儿园"),
    ],
    ids=["help", "plan-help", "check-name"],
)
def test_light_commands_import_no_heavy_library(tmp_path, argv):
    result = probe(tmp_path, *argv)
    assert result["heavy"] == [], f"eduplan {' '.join(argv)} imported {result['heavy']}"


def test_plan_help_still_lists_every_subcommand_and_a_subcommand_loads_its_options(tmp_path):
    listing = probe(tmp_path, "plan", "--help")["output"]
    for name in ("allocate", "coverage", "gaps", "project", "scenario", "site"):
        assert name in listing
    gaps = probe(tmp_path, "plan", "gaps", "--help")["output"]
    assert "--stage" in gaps and "--rate" in gaps


def test_check_name_still_gives_its_verdict(tmp_path):
    verdict = json.loads(probe(tmp_path, "check-name", "玉溪市红塔区测试幼儿园")["output"])
    assert verdict["name"] == "玉溪市红塔区测试幼儿园" and "ok" in verdict


#: What start-up no longer loads: providers registered in ``AppConfig.ready`` load their modules
#: when first asked, and the admin modules load with the URLs (docs/architecture.md).
DEFERRED = (
    "openpyxl",
    "eduplan.plans.loader",
    "eduplan.intake.kinds",
    "eduplan.supervision.reminders",
    "eduplan.supervision.monthly_form",
    "eduplan.complaints.queries",
    "eduplan.programmes.kinds",
    "eduplan.registry.admin",
    "eduplan.planning.admissions.jobs",
)


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("plan", "--help"), ("plan", "-h"), ("check-name", "玉溪市红塔区测试幼儿园")],
    ids=["help", "plan-help", "plan-h", "check-name"],
)
def test_light_commands_leave_the_apps_providers_unloaded(tmp_path, argv):
    loaded = set(probe(tmp_path, *argv)["loaded"])
    assert not loaded & set(DEFERRED), sorted(loaded & set(DEFERRED))
    # neither the lists of commands and plan subcommands nor a name check against the word lists
    # needs django.setup(): no model, no ready() (check-name sets Django up only to read the registry)
    assert "eduplan.registry.models" not in loaded
    if argv[-1] in ("--help", "-h"):
        assert "eduplan.rules.catalogue" not in loaded


def test_plan_help_without_setup_is_what_setup_would_print(tmp_path):
    """The light ``eduplan plan --help`` reads the subcommands from the apps' configs; Django's own
    path (set up, every ``ready()`` run, as in this test process) must print the same page."""
    from eduplan.plans.management.commands.plan import Command

    light = probe(tmp_path, "plan", "--help")["output"]
    full = Command().create_parser("eduplan", "plan").format_help()
    assert light == full
    for name in ("allocate", "adopt", "assumptions", "check", "coverage", "targets"):
        assert f"    {name}" in light


def test_the_command_list_is_djangos_own():
    from django.core.management import ManagementUtility

    from eduplan.cli import command_list_text

    expected = ManagementUtility(["eduplan"]).main_help_text()
    assert command_list_text("eduplan") == expected
    assert "[workforce]" in expected and "check-name" in expected


def test_help_lists_the_commands_of_every_app(tmp_path):
    listing = probe(tmp_path, "--help")["output"]
    for name in ("check-name", "workforce", "plan", "import", "migrate", "rules"):
        assert f"    {name}\n" in listing
