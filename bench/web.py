"""County dashboard under load: 50 signed-in users against `eduplan serve` (gunicorn) at city
scale. Prints JSON: requests, errors, p50/p95/p99 in ms. `--quick`: 10 users for 10 s.

Each user holds its own session (a real login through the login form, CSRF included) and requests
the county dashboard in a loop with a short random pause, like an officer clicking around.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

EDUPLAN = str(Path(sys.executable).parent / "eduplan")
PASSWORD = "eduplan-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp, data


def cookies_of(resp) -> dict[str, str]:
    out = {}
    for header, value in resp.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            out[name] = rest.split(";", 1)[0]
    return out


def login(port: int, username: str) -> str:
    resp, data = request(port, "GET", "/office/login/", {})
    jar = cookies_of(resp)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    resp, _ = request(
        port,
        "POST",
        "/office/login/",
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/office/login/",
        },
        body,
    )
    jar.update(cookies_of(resp))
    if "sessionid" not in jar:
        raise RuntimeError("login failed")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--users", type=int)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between requests (s)")
    parser.add_argument("--db", help="an existing demo SQLite file (else the city demo is generated)")
    args = parser.parse_args()
    users = args.users or (10 if args.quick else 50)
    duration = args.duration or (10 if args.quick else 40)
    db = Path(args.db) if args.db else Path(tempfile.gettempdir()) / "eduplan-bench-web.sqlite3"
    if not args.db:
        subprocess.run(
            [EDUPLAN, "demo", "--scale", "city", "--seed", "1", "--no-serve", "--db", str(db), "-v", "0"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "EDUPLAN_CACHE_DIR": tempfile.mkdtemp(prefix="eduplan-bench-cache-"),
    }
    server = subprocess.Popen(
        [EDUPLAN, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            try:
                request(port, "GET", "/office/login/", {})
                break
            except OSError:
                time.sleep(0.3)
        cookie = login(port, "county")
        path = "/office/county/530402/"
        request(port, "GET", path, {"Cookie": cookie})  # warm the indicator cache once
        samples: list[tuple[float, int]] = []
        lock = threading.Lock()
        stop = time.monotonic() + duration

        def user(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    resp, _ = request(port, "GET", path, {"Cookie": cookie})
                    status = resp.status
                except OSError:
                    status = 0
                with lock:
                    samples.append(((time.perf_counter() - t) * 1000, status))
                time.sleep(rng.expovariate(1 / args.think) if args.think else 0)

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        server.terminate()
        server.wait(timeout=20)
    times = sorted(ms for ms, _ in samples)
    errors = sum(1 for _, status in samples if status != 200)

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * len(times)))], 1) if times else float("nan")

    print(
        json.dumps(
            {
                "bench": "web county dashboard",
                "users": users,
                "seconds": duration,
                "think_s": args.think,
                "requests": len(samples),
                "errors": errors,
                "p50_ms": pct(0.50),
                "p95_ms": pct(0.95),
                "p99_ms": pct(0.99),
                "target": "p95 < 200 ms, 0 errors",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
