"""Benchmark: ``eduplan demo --no-serve`` at city and province scale.

Targets (issue "The registry, a demo city, and the two-command start"): city < 20 s, province
< 5 min, each under 2 GB peak memory. Each scale runs as ``eduplan demo --scale S --seed 1
--no-serve --db FILE`` in its own process, timed from start to exit (Django start-up and
migrations included); its peak memory is the child's maximum resident set size (``wait4``'s
rusage, the per-child form of ``getrusage(RUSAGE_CHILDREN).ru_maxrss``), and its CPU time is
reported too, since the machine may be shared. Row counts (the registry and the programme and
workforce registers) come from the run's DemoRun row.

    .venv/bin/python bench/demo.py            # city and province
    .venv/bin/python bench/demo.py --quick    # city only

Prints one JSON object. Uses throw-away SQLite files in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Targets from the issue (seconds of wall time, megabytes of peak memory).
TARGETS = {
    "city": {"wall_s": 20.0, "peak_rss_mb": 2048.0},
    "province": {"wall_s": 300.0, "peak_rss_mb": 2048.0},
}
SEED = 1
TIMEOUT_S = 3600


def run_demo(scale: str, workdir: Path) -> dict[str, Any]:
    db = workdir / f"{scale}.sqlite3"
    eduplan = Path(sys.executable).with_name("eduplan")
    argv = [
        str(eduplan),
        "demo",
        "--scale",
        scale,
        "--seed",
        str(SEED),
        "--no-serve",
        "--db",
        str(db),
        "-v",
        "0",
    ]
    started = time.perf_counter()
    with (workdir / f"{scale}.log").open("w") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = (workdir / f"{scale}.log").read_text(encoding="utf-8")[-2000:]
        raise SystemExit(f"eduplan demo --scale {scale} failed ({proc.returncode}):\n{tail}")
    with sqlite3.connect(db) as con:
        counts = json.loads(con.execute("SELECT counts FROM demo_demorun").fetchone()[0])
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    target = TARGETS[scale]
    return {
        "scale": scale,
        "seed": SEED,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "db_mb": round(db.stat().st_size / 2**20, 1),
        "rows": counts,
        "total_rows": sum(counts.values()),
        "targets": target,
        "meets_targets": wall <= target["wall_s"] and peak_mb <= target["peak_rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="city only")
    args = parser.parse_args()
    scales = ["city"] if args.quick else ["city", "province"]
    with tempfile.TemporaryDirectory(prefix="eduplan-bench-demo-") as tmp:
        results = [run_demo(scale, Path(tmp)) for scale in scales]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "benchmark": "demo",
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "load_1min": os.getloadavg()[0],
                },
                "results": results,
                "children_max_rss_mb": round(children.ru_maxrss / 1024, 1),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
