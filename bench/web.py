"""County dashboard under load: 50 signed-in users against `eduplan serve` (gunicorn) at city
scale, driven by wrk. Prints JSON: requests, errors, p50/p95/p99 in ms. `--quick`: 10 users for 10 s.

Each user holds its own session (a real login through the login form, CSRF included) and requests
the county dashboard in a loop with a random pause (exponential, mean `--think`), like an officer
clicking around; `--think 0` is a closed loop at full speed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from eduplan.security.keys import ensure_key_file

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
        # the server refuses the development key: local keys, made once and kept
        "EDUPLAN_KEY_FILE": str(ensure_key_file(Path(tempfile.gettempdir()) / "eduplan-bench-keys.json")),
    }
    server = subprocess.Popen(
        [EDUPLAN, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        ready_by = time.monotonic() + 180
        while True:
            try:
                request(port, "GET", "/office/login/", {})
                break
            except OSError:
                if time.monotonic() > ready_by or server.poll() is not None:
                    raise SystemExit("eduplan serve did not start within 180 s") from None
                time.sleep(0.3)
        cookies = [login(port, "county") for _ in range(users)]
        path = "/office/county/530402/"
        for cookie in cookies[:4] * 2:  # every worker computes (or loads) its cached figures once
            resp, _ = request(port, "GET", path, {"Cookie": cookie})
            if resp.status != 200:
                raise RuntimeError(f"{path} answered {resp.status}")
        result = run_wrk(port, path, cookies, users=users, duration=duration, think_s=args.think)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # workers finishing kept-alive connections
            server.kill()
            server.wait()
    print(
        json.dumps(
            {
                "bench": "web county dashboard",
                "tool": "wrk",
                "users": users,
                "seconds": duration,
                "think_s": args.think,
                **result,
                "target": "p95 < 200 ms, 0 errors",
            },
            indent=2,
        )
    )


WRK_SCRIPT = """
local cookies = {}
for c in string.gmatch("%(cookies)s", "[^|]+") do cookies[#cookies + 1] = c end
local n = 0
request = function()
  n = n %% #cookies + 1
  return wrk.format("GET", "%(path)s", {["Cookie"] = cookies[n]})
end
-- each connection is one user: an exponential pause (mean think time) before each request
delay = function()
  return math.floor(-math.log(1 - math.random()) * %(think_ms)d)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"errors\\": %%d, \\"p50_ms\\": %%.1f, \\"p95_ms\\": %%.1f, \\"p99_ms\\": %%.1f, \\"max_ms\\": %%.1f, \\"requests_per_s\\": %%.1f, \\"error_kinds\\": {\\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, \\"status\\": %%d, \\"timeout\\": %%d}}\\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def run_wrk(port: int, path: str, cookies: list[str], *, users: int, duration: float, think_s: float) -> dict:
    """``wrk`` (Debian's package; C, so the load generator barely takes CPU from the server), one
    connection per user, each with its own signed-in session and think time."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: `apt-get install wrk` (make bench installs it)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % {"cookies": "|".join(cookies), "path": path, "think_ms": int(think_s * 1000)})
    out = subprocess.run(
        [
            wrk,
            "-t",
            "2",
            "-c",
            str(users),
            "-d",
            f"{int(duration)}s",
            "--timeout",
            "10s",
            "-s",
            f.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


if __name__ == "__main__":
    main()
