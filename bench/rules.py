"""Time the whole compliance catalogue (``run_rules``) at city and province scale; print JSON.

The demo databases are generated once with ``eduplan demo --scale S --no-serve --db PATH --seed 1``
into ``--cache`` (default: ``$TMPDIR/eduplan-bench``) and reused while the demo generator's version
is unchanged. Each measurement runs in a fresh process (Django reads the database from the
environment at start-up) and reports the best of ``--repeat`` runs of the full catalogue, the
slowest rules, and the number of findings. Targets: city < 2 s, province < 60 s.

    python bench/rules.py            # city and province
    python bench/rules.py --quick    # city only, one run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"tiny": 1.0, "city": 2.0, "province": 60.0, "nation": 600.0}
ROOT = Path(__file__).resolve().parent.parent


def _eduplan() -> list[str]:
    exe = Path(sys.executable).with_name("eduplan")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "eduplan.cli"]


def _demo_version(db: Path) -> str | None:
    """The generator version recorded in a demo database, if it is one."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT generator_version FROM demo_demorun ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _current_version() -> str | None:
    """The demo generator's version, so a database from an older generator is regenerated."""
    try:
        from eduplan.demo.calibration import GENERATOR_VERSION
    except ImportError:
        return None
    return str(GENERATOR_VERSION)


def ensure_demo(scale: str, cache: Path, *, regenerate: bool) -> tuple[Path, float | None]:
    """The demo database for ``scale`` (generated if missing or stale) and the seconds it took."""
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"demo-{scale}-seed1.sqlite3"
    have = _demo_version(db) if db.exists() else None
    want = _current_version()
    if have is not None and not regenerate and (want is None or have == want):
        return db, None
    started = time.perf_counter()
    done = subprocess.run(
        [*_eduplan(), "demo", "--scale", scale, "--no-serve", "--db", str(db), "--seed", "1", "-v", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"eduplan demo --scale {scale} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return db, time.perf_counter() - started


def measure(db: Path, repeat: int) -> dict:
    """Run in a child process with ``DATABASE_URL`` pointing at ``db``."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(db), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def _measure_here(repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    import django

    django.setup()
    from eduplan.registry.models import Institution, SchoolClass, StaffMember
    from eduplan.rules.catalogue import catalogue, run_rules

    catalogue()
    runs: list[float] = []
    timings: dict[str, float] = {}
    findings = []
    cpu: list[float] = []
    for _ in range(max(1, repeat)):
        per_rule: dict[str, float] = {}
        started, started_cpu = time.perf_counter(), time.process_time()
        findings = run_rules(timings=per_rule)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if not timings or runs[-1] == min(runs):
            timings = per_rule
    slowest = sorted(timings.items(), key=lambda kv: kv[1], reverse=True)[:5]
    return {
        "seconds": round(min(runs), 3),
        "runs": [round(r, 3) for r in runs],
        "cpu_seconds": round(min(cpu), 3),
        "findings": len(findings),
        "violations": sum(1 for f in findings if f.is_violation),
        "school_year": findings[0].school_year if findings else None,
        "rules": len(timings),
        "institutions": Institution.objects.count(),
        "classes": SchoolClass.objects.count(),
        "staff": StaffMember.objects.count(),
        "slowest_rules": [{"rule": r, "seconds": round(s, 3)} for r, s in slowest],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="city only, one run")
    parser.add_argument("--scales", default="city,province", help="comma-separated demo scales")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scale (the best is reported)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "eduplan-bench")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the demo databases")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(_measure_here(args.repeat)))
        return 0

    scales = ["city"] if args.quick else [s.strip() for s in args.scales.split(",") if s.strip()]
    results = []
    for scale in scales:
        db, generated = ensure_demo(scale, args.cache, regenerate=args.regenerate)
        result = measure(db, 1 if args.quick or scale not in ("tiny", "city") else args.repeat)
        target = TARGETS.get(scale)
        results.append(
            {
                "scale": scale,
                "db": str(db),
                "generate_seconds": None if generated is None else round(generated, 1),
                "target_seconds": target,
                "ok": target is None or result["seconds"] < target,
                **result,
            }
        )
    report = {
        "benchmark": "rules",
        "what": "run_rules(): the full compliance catalogue over a demo registry (SQLite)",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_1min": os.getloadavg()[0],
        },
        "results": results,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
