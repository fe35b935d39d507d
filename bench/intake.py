"""Import speed and memory: a 100,000-row classes workbook and a 50,000-row staff workbook.

Targets (issue "Data in and out"): under 30 s and under 1 GB each. Each import runs as
``eduplan import FILE`` in its own process, timed from start to exit (Django start-up included),
its peak memory read from the operating system (``wait4``'s maximum resident set size). The same
file is then imported a second time, which must change nothing.

    .venv/bin/python bench/intake.py            # full size
    .venv/bin/python bench/intake.py --quick    # 10,000 classes and 5,000 staff

Prints one JSON object. Uses a throw-away SQLite database in a temporary directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDUPLAN = ROOT / ".venv" / "bin" / "eduplan"
TARGET_SECONDS = 30
TARGET_MB = 1024


def _setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run_import(path: Path, db: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(EDUPLAN), "import", str(path), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"import of {path.name} failed ({code}):\n{err[-3000:]}")
    return {
        "wall_s": round(wall, 2),
        # CPU time tells the import's own cost apart from other load on a shared machine.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
        "summary": [line for line in out.splitlines() if ":" in line and "created" in line],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 classes and 5,000 staff")
    args = parser.parse_args()
    n_classes, n_staff = (10_000, 5_000) if args.quick else (100_000, 50_000)
    n_institutions = max(50, n_classes // 30)

    with tempfile.TemporaryDirectory(prefix="eduplan-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "bench.sqlite3"
        _setup(db)
        from eduplan.intake.kinds import KINDS
        from eduplan.intake.templates import build_workbook, file_value
        from eduplan.registry.identity import make_number

        def rows(kind_key: str, dicts):
            kind = KINDS[kind_key]
            for d in dicts:
                yield [file_value(c, d.get(c.key)) for c in kind.columns]

        counties = [f"5304{i:02d}" for i in range(2, 12)]
        towns = [f"{c}{t:03d}" for c in counties for t in range(1, 11)]
        divisions = [{"code": "530400", "name": "玉溪市", "level": "city"}]
        divisions += [
            {"code": c, "name": f"县{c}", "level": "county", "parent_code": "530400"} for c in counties
        ]
        divisions += [{"code": t, "name": f"镇{t}", "level": "township", "parent_code": t[:6]} for t in towns]
        institutions = [
            {
                "code": f"K{i:05d}",
                "name": f"第{i}幼儿园",
                "division_code": towns[i % len(towns)],
                "ownership": "public",
                "sponsor": "education",
                "licence_status": "licensed",
                "seats": 360,
            }
            for i in range(n_institutions)
        ]
        setup_book, _ = build_workbook(
            [
                (KINDS["divisions"], rows("divisions", divisions)),
                (KINDS["kindergartens"], rows("kindergartens", institutions)),
            ]
        )
        setup_path = tmp / "setup.xlsx"
        setup_path.write_bytes(setup_book)

        groups = ["small", "middle", "large"]
        age_cols = {"small": "age_3", "middle": "age_4", "large": "age_5"}
        classes = []
        for i in range(n_classes):
            inst = institutions[i % n_institutions]["code"]
            group = groups[(i // n_institutions) % 3]
            boys, girls = 10 + i % 8, 9 + i % 7
            classes.append(
                {
                    "institution_code": inst,
                    "school_year": 2014 + (i // (n_institutions * 3)) % 10,
                    "name": f"{group}{i}",
                    "age_group": group,
                    "boys": boys,
                    "girls": girls,
                    "minority": i % 4,
                    age_cols[group]: boys + girls,
                }
            )
        t0 = time.perf_counter()
        classes_path = tmp / "classes.xlsx"
        classes_path.write_bytes(build_workbook([(KINDS["classes"], rows("classes", classes))])[0])
        staff = [
            {
                "institution_code": institutions[i % n_institutions]["code"],
                "identity_number": make_number(
                    "530402", dt.date(1970, 1, 1) + dt.timedelta(days=i // 900), i
                ),
                "name": f"教工{i}",
                "sex": "F" if i % 5 else "M",
                "role": "teacher" if i % 3 else "nursery",
                "certificate": "kg_teacher" if i % 3 else "nursery",
                "employment": "establishment" if i % 2 else "contract",
                "start_date": dt.date(2010, 9, 1) + dt.timedelta(days=i % 3000),
                "training_hours": i % 120,
            }
            for i in range(n_staff)
        ]
        staff_path = tmp / "staff.xlsx"
        staff_path.write_bytes(build_workbook([(KINDS["staff"], rows("staff", staff))])[0])
        generate_s = time.perf_counter() - t0

        setup = _run_import(setup_path, db)
        result = {
            "benchmark": "intake",
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "quick": args.quick,
            "database": "sqlite",
            "targets": {"wall_s": TARGET_SECONDS, "peak_mb": TARGET_MB},
            "generate_workbooks_s": round(generate_s, 2),
            "setup": {"divisions": len(divisions), "institutions": n_institutions, **setup},
        }
        for key, path, n in (("classes", classes_path, n_classes), ("staff", staff_path, n_staff)):
            first = _run_import(path, db)
            again = _run_import(path, db)
            result[key] = {
                "rows": n,
                "file_mb": round(path.stat().st_size / 1e6, 2),
                "import": first,
                "reimport_unchanged": again,
                "meets_target": first["wall_s"] < TARGET_SECONDS and first["peak_mb"] < TARGET_MB,
            }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
