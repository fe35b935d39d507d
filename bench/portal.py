"""Benchmark: the public portal's kindergarten directory search at province scale (Yunnan, ~11,000
listed kindergartens) under more and more parents, against a served instance (gunicorn).

    .venv/bin/python bench/portal.py [--quick] [--db PATH] [--ramp 50,100,150,200,250 | --users N]
                                     [--duration 60] [--think 1.0] [--port 8765] [--workers N]

Target (issue 20): the most parents served with 0 errors and directory search p95 <= 100 ms, at
least 150, with a think time of 1 s. Each step of ``--ramp`` is measured on the same server; the
largest step meeting the target is reported as ``most_parents_served``.

- Data: ``eduplan demo --scale province --seed 1 --no-serve --db PATH`` (several minutes; pass
  ``--db`` to reuse a demo file). ``--quick``: the ``tiny`` demo, 10 users, 15 s.
- Server: ``eduplan serve --db PATH --port N`` (gunicorn on 127.0.0.1, its default workers and
  threads), with an empty cache directory of its own and, as a deployment of several workers would
  have, the shared cache in Redis (``--redis``, '' for none), where a page rendered for one parent
  is kept for the next (eduplan.portal.caching). Until the project's URL layout mounts the
  portal at ``/``, the benchmark serves it through a small settings overlay that does.
- Load: a threaded load generator on http.client (nothing to install). Each of the ``--users``
  simulated parents keeps one keep-alive connection and loops: one request, then a pause of
  0.5–1.5 × ``--think`` seconds (a person reading results; ``--think 0`` is a closed-loop stress
  test instead). The mix: a name fragment, pinyin initials, a township, filters, "near me", paging,
  and a kindergarten's page. Search terms are sampled from the demo itself. Three in ten requests
  go back to a page the parent saw before, with the ETag the browser kept (``If-None-Match``):
  public pages are tagged with the data version, and a page unchanged since costs a 304.
- Figures: per request kind and overall — count, errors, p50/p95/p99/max in ms — throughput, and
  the machine's load average (the machine may be shared: the generator runs on it too).

Prints one JSON document.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from eduplan.security.keys import ensure_key_file

ROOT = Path(__file__).resolve().parents[1]
EDUPLAN = Path(sys.executable).parent / "eduplan"  # the running venv's, wherever it is
TARGET_P95_MS = 100.0
TARGET_PARENTS = 150
SEARCH_KINDS = ("name", "initials", "township", "filters", "near", "paging")
OVERLAY_SETTINGS = """from eduplan.settings import *  # noqa: F403
ROOT_URLCONF = "portal_bench_urls"
"""
OVERLAY_URLS = """from django.urls import include, path
from eduplan.urls import urlpatterns as project
urlpatterns = [
    path("office/complaints/", include("eduplan.complaints.urls")),
    path("", include("eduplan.portal.urls")),
    *project,
]
"""


def eduplan(*args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run([str(EDUPLAN), *args], check=True, env=env, **kw)


def make_demo(scale: str, path: Path) -> float:
    started = time.monotonic()
    eduplan(
        "demo",
        "--scale",
        scale,
        "--seed",
        "1",
        "--no-serve",
        "--db",
        str(path),
        "-v",
        "0",
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def portal_mounted() -> bool:
    """Whether the project's URL layout already serves the portal at ``/``."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','eduplan.settings'); django.setup();"
        "from django.urls import resolve; import sys;"
        "sys.exit(0 if resolve('/complaints/track/').func.__module__ == 'eduplan.portal.views' else 1)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT)
    return result.returncode == 0


# -- search terms from the demo -------------------------------------------------------------------


def sample_terms(db: Path, rng: random.Random) -> dict[str, list[Any]]:
    from pypinyin import Style, lazy_pinyin

    con = sqlite3.connect(db)
    rows = con.execute(
        """SELECT i.code, i.name, c.code, d.code FROM registry_institution i
           JOIN registry_division c ON c.id = i.county_id JOIN registry_division d ON d.id = i.division_id
           WHERE i.kind = 'kindergarten' AND i.licence_status IN ('licensed', 'teaching_point')"""
    ).fetchall()
    con.close()
    picks = rng.sample(rows, min(400, len(rows)))
    names = []
    initials = []
    for _, name, _, _ in picks:
        stem = name.replace("幼儿园", "")
        if len(stem) >= 2:
            start = rng.randrange(0, len(stem) - 1)
            names.append(stem[start : start + 2])
        letters = "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()
        initials.append(letters[: rng.choice((2, 3, 4))])
    return {
        "codes": [r[0] for r in picks],
        "names": names,
        "initials": initials,
        "places": [(r[2], r[3]) for r in picks],
        "count": len(rows),
    }


def next_request(kind: str, terms: dict[str, list[Any]], rng: random.Random) -> str:
    if kind == "name":
        params = {"q": rng.choice(terms["names"])}
    elif kind == "initials":
        params = {"q": rng.choice(terms["initials"])}
    elif kind == "township":
        county, town = rng.choice(terms["places"])
        params = {"county": county, "township": town}
    elif kind == "filters":
        county, _ = rng.choice(terms["places"])
        params = {"county": county, rng.choice(["public", "inclusive", "seats"]): "1"}
        if rng.random() < 0.3:
            params["grade"] = "first"
    elif kind == "near":
        params = {"lat": f"{rng.uniform(22, 28):.4f}", "lon": f"{rng.uniform(98, 105):.4f}", "radius": "5"}
    elif kind == "paging":
        params = {"q": "幼儿园", "page": str(rng.randint(2, 40))}
    else:
        return f"/kindergartens/{rng.choice(terms['codes'])}/"
    return "/?" + urlencode(params)


MIX = [
    ("name", 3),
    ("initials", 2),
    ("township", 2),
    ("filters", 2),
    ("near", 1),
    ("paging", 1),
    ("detail", 2),
]


# -- the load generator ---------------------------------------------------------------------------


#: The share of a parent's requests that go back to a page seen before (the results after a
#: kindergarten's page, a page kept open): the browser revalidates it with its ETag.
REVISIT = 0.3
OK = (200, 304)


def user(
    port: int, until: float, think: float, terms: dict, seed: int, out: list, lock: threading.Lock
) -> None:
    rng = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    local: list[tuple[str, float, int]] = []
    seen: dict[str, str] = {}  # the browser's cache: path -> ETag
    time.sleep(rng.uniform(0, max(think, 0.05)))  # users do not all arrive in the same instant
    while time.monotonic() < until:
        headers = {"Accept-Language": "zh-CN"}
        if seen and rng.random() < REVISIT:
            kind = "revisit"
            path = rng.choice(list(seen))
            headers["If-None-Match"] = seen[path]
        else:
            kind = rng.choice(kinds)
            path = next_request(kind, terms, rng)
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("ETag"):
                seen[path] = response.getheader("ETag")
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local.append((kind, (time.perf_counter() - started) * 1000, status))
        if think > 0:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
    conn.close()
    with lock:
        out.extend(local)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(samples: list[tuple[str, float, int]]) -> dict[str, Any]:
    ms = [s[1] for s in samples if s[2] in OK]
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if s[2] not in OK),
        "not_modified": sum(1 for s in samples if s[2] == 304),
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
    }


def session_cpu_s(sid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of session ``sid`` (the
    server: gunicorn's master and workers) — what serving cost, whatever else shares the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # field 6 of stat: the session id
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/complaints/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def measure(port: int, sid: int, users: int, duration: float, think: float, terms: dict, seed: int) -> dict:
    """``users`` parents for ``duration`` seconds: their figures and the server's CPU."""
    load_before = os.getloadavg()[0]
    cpu_before = session_cpu_s(sid)
    samples: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    until = time.monotonic() + duration
    started = time.monotonic()
    threads = [
        threading.Thread(target=user, args=(port, until, think, terms, seed * 1000 + i, samples, lock))
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    server_cpu = session_cpu_s(sid) - cpu_before
    headline = summary([s for s in samples if s[0] in SEARCH_KINDS])
    step = {
        "users": users,
        "load_1min_before": round(load_before, 2),
        "load_1min_after": round(os.getloadavg()[0], 2),
        "throughput_rps": round(len(samples) / elapsed, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, len(samples)), 2),
        "directory_search": headline,
        "all_requests": summary(samples),
        "by_kind": {k: summary([s for s in samples if s[0] == k]) for k in [*(k for k, _ in MIX), "revisit"]},
        "meets_target": headline["errors"] == 0 and headline["p95_ms"] <= TARGET_P95_MS,
    }
    print(
        f"# {users} parents: {step['directory_search']} cpu/request {step['server_cpu_ms_per_request']} ms",
        file=sys.stderr,
    )
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny demo, 10 users, 15 s")
    parser.add_argument("--db", help="an existing demo SQLite file (else one is generated)")
    parser.add_argument("--users", type=int, help="one step of this many parents (else --ramp)")
    parser.add_argument(
        "--ramp", default="50,100,150,200,250", help="parents at each step; the most served is reported"
    )
    parser.add_argument("--duration", type=float, help="seconds of measured load")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests (s)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: eduplan serve's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/14",
        help="the shared cache of a deployment (kept pages shared by every worker); '' for none "
        "(each worker keeps its own)",
    )
    args = parser.parse_args()
    scale = "tiny" if args.quick else "province"
    ramp = [args.users] if args.users else [10] if args.quick else [int(n) for n in args.ramp.split(",")]
    duration = args.duration or (15.0 if args.quick else 60.0)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="eduplan-bench-portal-") as tmp:
        work = Path(tmp)
        demo_s = None
        if args.db:
            db = Path(args.db).resolve()
            eduplan("migrate", "--db", str(db), "-v", "0", stdout=subprocess.DEVNULL)
        else:
            db = work / f"{scale}.sqlite3"
            demo_s = round(make_demo(scale, db), 1)
        terms = sample_terms(db, rng)
        env = {
            **os.environ,
            "EDUPLAN_CACHE_DIR": str(work / "cache"),
            # the server refuses the development key: local keys, made once and kept
            "EDUPLAN_KEY_FILE": str(ensure_key_file(Path(tempfile.gettempdir()) / "eduplan-bench-keys.json")),
        }
        prefix = f"eduplan-bench-portal-{os.getpid()}"
        if args.redis:
            env.update(EDUPLAN_CACHE_URL=args.redis, EDUPLAN_CACHE_PREFIX=prefix)
        overlay = not portal_mounted()
        if overlay:
            (work / "portal_bench_settings.py").write_text(OVERLAY_SETTINGS)
            (work / "portal_bench_urls.py").write_text(OVERLAY_URLS)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work), env.get("PYTHONPATH", "")]))
            env["DJANGO_SETTINGS_MODULE"] = "portal_bench_settings"
        serve = [str(EDUPLAN), "serve", "--db", str(db), "--port", str(args.port)]
        if args.workers:
            serve += ["--workers", str(args.workers)]
        server = subprocess.Popen(
            serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            wait_until_up(args.port, server)
            # Warm-up: every worker builds or loads the directory once (the first request after a
            # registry write pays this; it is reported, not hidden).
            first = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=300)
            conn.request("GET", "/?" + urlencode({"q": "幼儿园"}))
            conn.getresponse().read()
            first_ms = round((time.perf_counter() - first) * 1000, 1)
            warm: list = []
            warm_threads = [
                threading.Thread(
                    target=user,
                    args=(args.port, time.monotonic() + 5, 0.05, terms, 10_000 + i, warm, threading.Lock()),
                )
                for i in range(8)
            ]
            for t in warm_threads:
                t.start()
            for t in warm_threads:
                t.join()
            steps = [measure(args.port, server.pid, n, duration, args.think, terms, args.seed) for n in ramp]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            if args.redis:
                import redis

                r = redis.Redis.from_url(args.redis)
                for key in r.scan_iter(f"{prefix}:*"):
                    r.delete(key)

    served = [st["users"] for st in steps if st["meets_target"]]
    last = steps[-1]
    result = {
        "benchmark": "portal",
        "scale": scale,
        "kindergartens_listed": terms["count"],
        "demo_generation_s": demo_s,
        "server": {
            "command": "eduplan serve",
            "workers": args.workers or "default",
            "portal_overlay": overlay,
            "shared_cache": args.redis or "none (each worker keeps its own pages)",
        },
        "load": {
            "users": ramp,
            "duration_s": duration,
            "think_s": args.think,
            "revisits_with_etag": REVISIT,
            "generator": "threads + http.client",
        },
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "first_request_ms": first_ms,
        "most_parents_served": max(served) if served else 0,
        "target": {"directory_search_p95_ms": TARGET_P95_MS, "errors": 0, "parents_at_least": TARGET_PARENTS},
        "steps": [{k: v for k, v in st.items() if k != "by_kind"} for st in steps],
        "by_kind_at_largest": last["by_kind"],
        "meets_target": bool(served) and max(served) >= TARGET_PARENTS,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
