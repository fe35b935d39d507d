"""Real services for the tests of running on more than one machine: Redis, application servers
started as separate processes (``eduplan serve``), task workers.

A missing Redis skips the test with a visible message on a developer's machine and fails it in CI
(``CI=true``), where ``.ci/run`` starts one."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
#: A Redis database number of its own, so the tests never touch a deployment's keys.
REDIS_DB = 13


def redis_url(db: int = REDIS_DB) -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


def require_redis() -> None:
    """Skip (fail in CI) unless Redis answers on 127.0.0.1:6379."""
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return
    except OSError:
        pass
    message = f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: CI requires it (.ci/run starts redis-server)")
    pytest.skip(f"SKIPPED: {message} (start redis-server to run this test)")


def database_url() -> str:
    """The test database as a URL, for processes started by the test."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: Keys for the servers a test starts (``eduplan serve`` refuses the development key); a test that
#: signs in through its own client first sets them on its settings (:func:`use_server_keys`), so
#: the session it made is valid on the servers.
SERVER_KEYS = {
    "EDUPLAN_SECRET_KEY": "tests-scale-" + "s" * 24 + "-secret-key-0123456789abcdefghijk",
    "EDUPLAN_ID_HASH_KEY": "tests-scale-" + "h" * 24 + "-identity-key-0123456789abcdefgh",
}


def use_server_keys(settings: object) -> None:
    """Sign this test's sessions (and hash identity numbers) under the servers' keys."""
    settings.SECRET_KEY = SERVER_KEYS["EDUPLAN_SECRET_KEY"]  # type: ignore[attr-defined]
    settings.ID_HASH_KEY = SERVER_KEYS["EDUPLAN_ID_HASH_KEY"]  # type: ignore[attr-defined]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EDUPLAN_KEY_FILE", "EDUPLAN_DEBUG")}
    env.update(SERVER_KEYS)
    env["EDUPLAN_SWEEP_AT"] = "off"  # no daily sweep in a test's worker unless the test asks for one
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="eduplan.settings", **extra)
    return env


@contextmanager
def app_servers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[str]]:
    """``count`` application servers (``eduplan serve``, one gunicorn worker each) on loopback
    ports, each its own process tree; yields their base URLs and stops them afterwards."""
    procs: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for i in range(count):
            port = free_port()
            log = (log_dir / f"server-{i}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "eduplan.cli",
                        "serve",
                        "--port",
                        str(port),
                        "--workers",
                        "1",
                        "--no-worker",
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc in zip(urls, procs, strict=True):
            wait_until_up(url, proc, log_dir)
        yield urls
    finally:
        for proc in procs:
            stop(proc)


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log_dir: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            logs = "\n".join(p.read_text(errors="replace") for p in log_dir.glob("*.log"))
            raise AssertionError(f"server at {url} exited ({proc.returncode}):\n{logs}")
        try:
            urllib.request.urlopen(f"{url}/office/login/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"server at {url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started here and its children (its own session)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, 15)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


class Browser:
    """A signed-in session against one server: its cookies kept, the CSRF token sent back on posts."""

    def __init__(self, base: str, session_id: str) -> None:
        self.base = base
        self.cookies = {"sessionid": session_id}

    def _request(self, path: str, data: bytes | None = None, content_type: str | None = None) -> str:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": self.base + path,
        }
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        with urllib.request.urlopen(req, timeout=60) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.read().decode()

    def get(self, path: str) -> str:
        return self._request(path)

    def post(self, path: str, fields: dict[str, str]) -> str:
        """GET the form (for its CSRF token), then post ``fields``; follows the redirect."""
        form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token, f"no CSRF token on {path}"
        body = urlencode({**fields, "csrfmiddlewaretoken": token.group(1)}).encode()
        return self._request(path, body, "application/x-www-form-urlencoded")


class Worker:
    """A task worker (``eduplan worker``) in a process of its own, on the test database and the
    test's ``MEDIA_ROOT``; it can be killed (as a crash would) and started again."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> Worker:
        self.starts += 1
        log = (self.log_dir / f"worker-{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "eduplan.cli", "worker", "--interval", "0.2"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL, as the machine's OOM killer or a power cut would: no clean-up runs."""
        assert self.proc is not None
        os.killpg(self.proc.pid, 9)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("worker-*.log")))
