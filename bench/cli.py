"""Benchmark: start-up cost of light ``eduplan`` commands (issue 19 item 7).

A clerk who checks one kindergarten name, or anyone who types ``eduplan --help``, should not wait
for the analytics and solver libraries (Ibis, DuckDB, pyarrow, scipy, plotly, python-docx) that
only the planning tools and the indicator engine use. Each command runs as a child process several
times; the JSON reports the medians of wall time, peak memory (max RSS of the child, from
``wait4``) and CPU time (user + system). Targets: ≤ 0.5 s and ≤ 120 MB for each.

Figures on the 2-core development machine, medians of 5–7 runs. The machine was shared with
seven other jobs (load average 6–13), so wall times are inflated several-fold and vary from run to
run; peak memory and CPU time are steadier. First run, before the change (load 6.6):
check-name 2.42 s / 303.5 MB, --help 0.62 s / 115.4 MB, plan --help 0.68 s / 115.9 MB.
Then before and after side by side, alternating, at load ≈ 11 (before = ``PYTHONPATH`` set to an
export of 10f0f0a's ``src/`` and ``plan/``):

    command        before: wall / RSS / CPU        after: wall / RSS / CPU
    check-name     5.67 s / 296.0 MB / 2.83 s      2.17 s / 59.0 MB / 0.56 s
    --help         1.46 s / 113.5 MB / 0.75 s      1.47 s / 50.9 MB / 0.39 s
    plan --help    2.96 s / 115.0 MB / 0.94 s      1.25 s / 51.1 MB / 0.42 s

Memory meets the 120 MB target with room to spare; CPU time, which is what the wall time of an
idle machine approaches, is 0.4–0.6 s, so the 0.5 s wall target could not be confirmed under this
load. What remains is Django's own start-up and the models and admin of every app.

What the "after" removed from start-up: numpy and scipy (the planning models imported the
allocation solver for its method names; the admin imported the admissions mechanism), plotly
(settings imported it to find its static files), and for ``check-name`` the system checks, which
load every URL and view and with them Ibis, DuckDB, pyarrow, pandas and pypinyin.

Second round (issue 19, branch house): start-up no longer runs what these commands do not use.
``eduplan --help`` lists the commands without ``django.setup()`` (each app's ``AppConfig`` is
enough); ``eduplan check-name`` runs its command without it (it sets Django up only to read the
registry); and for every other command the apps' ``ready()`` register providers that load their
modules on first use (rule families, checklist and monthly-form checks, notice parts, to-do
lists, kind sets), the admin modules load with the URLs (``SimpleAdminConfig``), and the rules
catalogue reads the plan file only when it makes a finding. ``python -X importtime``: ``--help``
went from 667 to 613 modules with setup, and without it loads no eduplan model at all. Medians
of 3 runs, before (main, eec5d84) and after alternating, on a machine at load 22–38 (``uptime``;
``python -c pass`` took 0.05 s of CPU), so every figure is inflated several-fold:

    command        before: wall / RSS / CPU        after: wall / RSS / CPU
    check-name     28.9 s / 60.7 MB / 2.01 s       9.9 s / 42.6 MB / 0.95 s
    --help         23.7 s / 53.8 MB / 1.79 s       7.5 s / 40.7 MB / 0.83 s
    plan --help    18.9 s / 53.7 MB / 1.94 s      15.5 s / 50.0 MB / 1.35 s

(second pair: before 2.16 / 1.95 / 1.73 s CPU.) CPU time halves for the two light commands; at the
load of the first table (≈ 11), where check-name took 0.56 s of CPU before this round, the same
ratio puts both near 0.25–0.3 s, but that could not be measured here.

Third round (issue 19, branch house5): ``eduplan plan --help`` no longer sets Django up either; the
apps declare their ``eduplan plan`` subcommands on their ``AppConfig`` (``plan_subcommands()``) and
``cli.py`` lists them from the configs. One run, medians of 5, load average 8.3 → 8.0 on the
2-core machine (the JSON now carries the load average before and after):

    command        wall / RSS / CPU
    check-name     0.78 s / 42.8 MB / 0.35 s
    --help         0.69 s / 42.0 MB / 0.35 s
    plan --help    0.65 s / 42.3 MB / 0.34 s    (second round: 15.5 s / 50.0 MB / 1.35 s at load 22–38)

``plan --help`` now costs what ``--help`` costs. Memory is a third of the target; CPU time is
0.34–0.35 s for each, under the 0.5 s target, while wall time at this load is 0.65–0.78 s.

    python bench/cli.py            # 5 runs of each command
    python bench/cli.py --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: dict[str, list[str]] = {
    "check-name": ["check-name", "玉溪市红塔区测试幼儿园"],
    "--help": ["--help"],
    "plan --help": ["plan", "--help"],
}
TARGET_SECONDS = 0.5
TARGET_MB = 120.0


def eduplan_executable() -> str:
    """The console script next to this interpreter (the project's ``.venv``), else on PATH."""
    beside = Path(sys.executable).with_name("eduplan")
    if beside.exists():
        return str(beside)
    found = shutil.which("eduplan")
    if not found:
        raise SystemExit("eduplan is not installed: run `make install` first")
    return found


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB (Linux reports ru_maxrss in KiB) and CPU seconds (user +
    system) of one child run. CPU time is reported too because wall time on a shared machine
    mostly measures the other processes."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err[-800:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median reported)")
    args = parser.parse_args()
    exe = eduplan_executable()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        # A throw-away SQLite file, so no command touches a real database.
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        results = {}
        for label, argv in COMMANDS.items():
            runs = [run_once([exe, *argv], env) for _ in range(max(1, args.runs))]
            seconds = statistics.median(r[0] for r in runs)
            mb = statistics.median(r[1] for r in runs)
            cpu = statistics.median(r[2] for r in runs)
            results[label] = {
                "wall_seconds": round(seconds, 3),
                "peak_rss_mb": round(mb, 1),
                "cpu_seconds": round(cpu, 3),
                "runs": len(runs),
                "within_target": seconds <= TARGET_SECONDS and mb <= TARGET_MB,
            }
    print(
        json.dumps(
            {
                "benchmark": "cli-startup",
                "python": platform.python_version(),
                "targets": {"wall_seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_MB},
                # 1/5/15-minute load averages before and after: wall time on a shared machine
                # mostly measures the other processes.
                "load_average": {
                    "before": [round(x, 2) for x in load_before],
                    "after": [round(x, 2) for x in os.getloadavg()],
                },
                "commands": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
