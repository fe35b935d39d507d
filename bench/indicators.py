"""Benchmark: the full indicator set (every indicator of the plan, every county and city, every school
year, with forecasts) at city, province and nation scale, on SQLite and on DuckDB over Parquet.

    .venv/bin/python bench/indicators.py [--quick] [--scales city,province,nation]
                                         [--engines sqlite,duckdb] [--source synthetic|demo]

Data: by default synthetic registry tables written straight into SQLite and Parquet with the
registry's table layout (eduplan.metrics.synthetic; seconds even for a nation). ``--source demo``
uses ``eduplan demo --scale S --seed N --no-serve --db PATH`` and ``eduplan export-parquet`` instead.

Each timing runs in a fresh process, so peak memory is the computation's own:
``first`` — a new process with an empty compiled-SQL cache (Ibis compiles every query);
``cached`` — a new process whose SQL cache is filled (what every later ``eduplan indicators`` run
costs); ``warm`` — a second computation in that process (a long-running web app).
Targets: city ≤ 0.5 s on SQLite, nation ≤ 10 s on DuckDB, on 2 cores (the floor the time-true
measures must keep, issue 16; the first targets were 1 s and 30 s) — judged on ``cached``,
the fastest of ``--repeat`` runs (3; nation 1). The machine is shared: the load average and the
process CPU time are printed beside wall times.

Prints one JSON document. ``--quick``: city scale only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {("city", "sqlite"): 0.5, ("nation", "duckdb"): 10.0}


def peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` starts afresh at exec, unlike ``ru_maxrss``,
    which would include the parent's size at fork (the parent holds the generated tables)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(engine: str, path: str, cache_dir: str, repeat: str = "2") -> None:
    """Time the indicator set on one engine in this (fresh) process and print JSON."""
    os.environ["EDUPLAN_CACHE_DIR"] = cache_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    import django

    django.setup()
    from eduplan.metrics.incidents import NO_INCIDENTS
    from eduplan.metrics.indicators import compute_indicators

    def once() -> tuple[float, float, int]:
        eng = open_engine(engine, path)
        wall, cpu = time.perf_counter(), time.process_time()
        records = compute_indicators(engine=eng, incidents=NO_INCIDENTS)
        return time.perf_counter() - wall, time.process_time() - cpu, len(records)

    wall, cpu, n = once()
    warm_wall, warm_cpu = once()[:2] if repeat == "2" else (None, None)
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "warm_wall": warm_wall,
                "warm_cpu": warm_cpu,
                "records": n,
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


def run_child(engine: str, path: Path, cache_dir: Path, repeat: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(path), str(cache_dir), str(repeat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed ({engine} {path}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_synthetic(scale: str, seed: int, work: Path, want_sqlite: bool) -> dict[str, Path]:
    from eduplan.metrics import synthetic

    started = time.perf_counter()
    tables = synthetic.generate(scale, seed=seed)
    paths = {"duckdb": work / f"{scale}-parquet"}
    synthetic.write_parquet(tables, paths["duckdb"])
    if want_sqlite:
        paths["sqlite"] = work / f"{scale}.sqlite3"
        synthetic.write_sqlite(tables, paths["sqlite"])
    rows = {name: t.num_rows for name, t in tables.items()}
    print(f"# {scale}: data ready in {time.perf_counter() - started:.1f} s: {rows}", file=sys.stderr)
    return paths


def prepare_demo(scale: str, seed: int, work: Path) -> dict[str, Path]:
    eduplan = shutil.which("eduplan", path=str(Path(sys.executable).parent)) or "eduplan"
    db = work / f"demo-{scale}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([eduplan, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        [eduplan, "demo", "--scale", scale, "--seed", str(seed), "--no-serve", "--db", str(db)],
        check=True,
        env=env,
        cwd=ROOT,
    )
    parquet = work / f"demo-{scale}-parquet"
    subprocess.run([eduplan, "export-parquet", str(parquet), "--db", str(db)], check=True, env=env, cwd=ROOT)
    return {"sqlite": db, "duckdb": parquet}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="city scale only")
    parser.add_argument("--scales", default="city,province,nation")
    parser.add_argument("--engines", default="sqlite,duckdb")
    parser.add_argument("--source", choices=("synthetic", "demo"), default="synthetic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="cached runs per engine at city and province scale; the fastest counts (noise only adds time)",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="time against rows: the nation's shape with 1, 2, 4 … provinces (--curve-provinces), "
        "on each of --engines (Parquet engines only: duckdb, spark)",
    )
    parser.add_argument("--curve-provinces", default="1,2,4,8,16,31")
    parser.add_argument(
        "--spark-max-provinces",
        type=int,
        default=31,
        help="the largest size Spark local is timed at in --curve (it is slow on a loaded machine)",
    )
    parser.add_argument("--workdir", help="keep the generated data here (default: a temporary directory)")
    parser.add_argument(
        "--child", nargs=4, metavar=("ENGINE", "PATH", "CACHE", "REPEAT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    import django

    django.setup()
    scales = ["city"] if args.quick else args.scales.split(",")
    chosen = args.engines.split(",")
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="eduplan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.curve:
        try:
            curve(args, chosen, work)
        finally:
            if not args.workdir:
                shutil.rmtree(work, ignore_errors=True)
        return
    results = []
    try:
        for scale in scales:
            if args.source == "demo":
                paths = prepare_demo(scale, args.seed, work)
            else:
                paths = prepare_synthetic(scale, args.seed, work, "sqlite" in chosen)
            for engine in chosen:
                cache = work / f"sql-cache-{scale}-{engine}"
                shutil.rmtree(cache, ignore_errors=True)
                load = os.getloadavg()[0]
                first = run_child(engine, paths[engine], cache, 1)
                runs = [
                    run_child(engine, paths[engine], cache, 2)
                    for _ in range(1 if scale == "nation" else args.repeat)
                ]
                cached = min(runs, key=lambda r: r["wall"])
                target = TARGETS.get((scale, engine))
                results.append(
                    {
                        "scale": scale,
                        "engine": engine,
                        "records": cached["records"],
                        "first_s": round(first["wall"], 3),
                        "cached_s": round(cached["wall"], 3),
                        "cached_cpu_s": round(cached["cpu"], 3),
                        "warm_s": round(cached["warm_wall"], 3),
                        "peak_rss_mb": round(cached["peak_rss_mb"]),
                        "load_average": round(load, 2),
                        "target_s": target,
                        "target_met": None if target is None else cached["wall"] < target,
                    }
                )
                print(f"# {scale} {engine}: {results[-1]}", file=sys.stderr)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(
        json.dumps(
            {"benchmark": "indicators", "source": args.source, "cpus": os.cpu_count(), "results": results},
            ensure_ascii=False,
            indent=2,
        )
    )


# -- engines (SQLite, DuckDB, Spark local) and the growth curve (issue 20) --------------------------

#: Spark's master for the benchmark: local mode on the machine's 2 cores unless told otherwise.
SPARK_MASTER = os.environ.get("EDUPLAN_BENCH_SPARK_MASTER", "local[2]")


def open_engine(engine: str, path: str):  # -> eduplan.metrics.engines.Engine
    from eduplan.metrics import engines

    if engine == "sqlite":
        return engines.sqlite(path)
    if engine == "duckdb":
        return engines.duckdb_parquet(path)
    if engine == "spark":
        return engines.spark_parquet(path, master=SPARK_MASTER)
    raise SystemExit(f"unknown engine {engine!r}: sqlite, duckdb or spark")


def curve(args: argparse.Namespace, chosen: list[str], work: Path) -> None:
    """How time grows with rows: the nation's shape (cities, counties, kindergartens per county) with
    more and more provinces, each timed ``cached`` (a fresh process, SQL cache filled) on each
    Parquet engine. Prints the points and the fitted exponent b of ``seconds ∝ rows^b``."""
    import math
    from dataclasses import replace

    from eduplan.metrics import synthetic

    nation = synthetic.SCALES["nation"]
    points = []
    for provinces in [int(p) for p in args.curve_provinces.split(",")]:
        tables = synthetic.generate(replace(nation, provinces=provinces), seed=args.seed)
        rows = sum(t.num_rows for t in tables.values())
        parquet = work / f"curve-{provinces}-parquet"
        synthetic.write_parquet(tables, parquet)
        del tables
        for engine in chosen:
            if engine == "sqlite" or (engine == "spark" and provinces > args.spark_max_provinces):
                continue
            cache = work / f"sql-cache-curve-{provinces}-{engine}"
            shutil.rmtree(cache, ignore_errors=True)
            load = os.getloadavg()[0]
            first = run_child(engine, parquet, cache, 1)
            cached = run_child(engine, parquet, cache, 1)
            point = {
                "engine": engine,
                "provinces": provinces,
                "rows": rows,
                "records": cached["records"],
                "first_s": round(first["wall"], 3),
                "cached_s": round(cached["wall"], 3),
                "cached_cpu_s": round(cached["cpu"], 3),
                "peak_rss_mb": round(cached["peak_rss_mb"]),
                "load_average": round(load, 2),
            }
            points.append(point)
            print(f"# curve {point}", file=sys.stderr)
        shutil.rmtree(parquet, ignore_errors=True)
    fits = {}
    for engine in {p["engine"] for p in points}:
        xs = [(math.log(p["rows"]), math.log(p["cached_s"])) for p in points if p["engine"] == engine]
        if len(xs) >= 2:
            mx, my = sum(x for x, _ in xs) / len(xs), sum(y for _, y in xs) / len(xs)
            var = sum((x - mx) ** 2 for x, _ in xs)
            fits[engine] = round(sum((x - mx) * (y - my) for x, y in xs) / var, 3) if var else None
    print(
        json.dumps(
            {
                "benchmark": "indicators-curve",
                "cpus": os.cpu_count(),
                "spark_master": SPARK_MASTER,
                "points": points,
                "exponent_seconds_per_rows": fits,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
