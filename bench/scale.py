"""Benchmark: what running beyond one machine costs at each size (city, province, nation).

    .venv/bin/python bench/scale.py [--scales city,province,nation] [--spark] [--redis URL]

For each size, on synthetic registry tables (eduplan.metrics.synthetic) written as an
``export-parquet`` directory:

- ``rows`` and ``parquet_mb``: what the analytics engines read;
- ``duckdb_s`` (and ``spark_s`` with ``--spark``, local mode on 2 cores): the whole indicator set in
  a fresh process with its SQL cache filled (bench/indicators.py's ``cached`` figure);
- ``shared_cache``: the computed indicator records as an entry of the shared cache (Redis, the
  ``EDUPLAN_CACHE_URL`` of the application servers): its size, and the time to write it once and to
  read it back — what every other application server pays instead of computing the figures;

and once, the task queue: the time from queuing a task to a worker starting it, on the database
backend (``eduplan worker``, polling every second) and on RQ (Redis).

Prints one JSON document. The machine may be shared: the load average is printed beside each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import indicators as bench_indicators  # noqa: E402  (bench/indicators.py, beside this file)


def directory_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def records_entry(parquet: Path) -> list:
    """The indicator records as the application caches them (computed here once, on DuckDB)."""
    from eduplan.metrics import engines
    from eduplan.metrics.incidents import NO_INCIDENTS
    from eduplan.metrics.indicators import compute_indicators

    return compute_indicators(engine=engines.duckdb_parquet(parquet), incidents=NO_INCIDENTS)


def shared_cache_figures(records: list, url: str) -> dict:
    import redis

    r = redis.Redis.from_url(url)
    key = f"eduplan-bench-scale-{os.getpid()}"
    blob = pickle.dumps(records, pickle.HIGHEST_PROTOCOL)
    t0 = time.perf_counter()
    r.set(key, blob, ex=600)
    write = time.perf_counter() - t0
    reads = []
    for _ in range(5):
        t0 = time.perf_counter()
        pickle.loads(r.get(key))
        reads.append(time.perf_counter() - t0)
    r.delete(key)
    return {
        "entry_mb": round(len(blob) / 1e6, 2),
        "write_ms": round(write * 1000, 1),
        "read_ms": round(min(reads) * 1000, 1),
    }


def queue_latency(backend: str, redis_url: str, work: Path) -> dict:
    """Queue a no-op task and time until a worker (started beforehand) has run it."""
    db = work / f"queue-{backend}.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "eduplan.settings",
        "EDUPLAN_TASKS_BACKEND": backend,
        "EDUPLAN_RQ_URL": redis_url,
        "EDUPLAN_SWEEP_AT": "off",
        "PYTHONPATH": str(ROOT / "src"),
    }
    eduplan = str(Path(sys.executable).parent / "eduplan")
    subprocess.run([eduplan, "migrate", "-v0"], check=True, env=env)
    worker = subprocess.Popen(
        [eduplan, "worker", "--interval", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    probe = (
        "import time, django; django.setup()\n"
        "from eduplan.web.probe import probe\n"
        "times = []\n"
        "for _ in range(5):\n"
        "    t0 = time.perf_counter(); result = probe.enqueue()\n"
        "    while True:\n"
        "        result.refresh()\n"
        "        if result.is_finished: break\n"
        "        time.sleep(0.01)\n"
        "    times.append(time.perf_counter() - t0)\n"
        "print(min(times), max(times))\n"
    )
    try:
        time.sleep(5)  # the worker's start-up is not the queue's latency
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True, timeout=300
        ).stdout.split()
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
    return {"backend": backend, "best_s": round(float(out[0]), 3), "worst_s": round(float(out[1]), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="city,province,nation")
    parser.add_argument("--spark", action="store_true", help="also time Spark local (slow to start)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-queue", action="store_true", help="skip the task queue latency")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
    import django

    django.setup()
    from eduplan.metrics import synthetic

    work = Path(tempfile.mkdtemp(prefix="eduplan-bench-scale-"))
    sizes = []
    try:
        for scale in args.scales.split(","):
            tables = synthetic.generate(scale, seed=args.seed)
            rows = sum(t.num_rows for t in tables.values())
            parquet = work / f"{scale}-parquet"
            synthetic.write_parquet(tables, parquet)
            del tables
            figure: dict = {"scale": scale, "rows": rows, "parquet_mb": directory_mb(parquet)}
            engines = ["duckdb", *(["spark"] if args.spark else [])]
            for engine in engines:
                cache = work / f"sql-cache-{scale}-{engine}"
                figure["load_average"] = round(os.getloadavg()[0], 2)
                bench_indicators.run_child(engine, parquet, cache, 1)  # fills the SQL cache
                figure[f"{engine}_s"] = round(
                    bench_indicators.run_child(engine, parquet, cache, 1)["wall"], 3
                )
            if args.redis:
                figure["shared_cache"] = shared_cache_figures(records_entry(parquet), args.redis)
            sizes.append(figure)
            print(f"# {figure}", file=sys.stderr)
            shutil.rmtree(parquet, ignore_errors=True)
        queue = (
            []
            if args.no_queue
            else [
                queue_latency(b, args.redis or "redis://127.0.0.1:6379/0", work) for b in ("database", "rq")
            ]
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        json.dumps(
            {"benchmark": "scale", "cpus": os.cpu_count(), "sizes": sizes, "task_queue": queue},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
