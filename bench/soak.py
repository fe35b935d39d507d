"""Soak: 50 users for 60 s while a 100,000-row import and two editors run (issue 22, "Done when").

The app is served as in production (``eduplan serve``: gunicorn, several workers and threads) on a
throw-away database. Then, at once:

- ``--users`` visitors (50) walk the portal and, signed in, the officers' pages, one request after
  another, for ``--seconds`` (60);
- two county officers edit one kindergarten each through the edit form, again and again; each save
  is timed (its wait for the write lock included);
- a few seconds in, ``eduplan import`` writes a classes workbook of ``--rows`` rows (100,000) into
  the same database.

The run goes on until the import has finished too. Targets: 0 errors (no 5xx, no failed save, no
refused connection; a save answered 409 "请重试" counts as an error), the editors' longest wait
≤ 5 s, no gunicorn worker killed (timeouts, signals), the import succeeded.

    .venv/bin/python bench/soak.py                                        # SQLite
    .venv/bin/python bench/soak.py --database-url postgres://u@host/empty  # PostgreSQL (emptied!)
    .venv/bin/python bench/soak.py --quick                                # 10 users, 20 s, 10,000 rows

Prints one JSON object. The figures depend on the machine's load: the JSON carries the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EDUPLAN = BIN / "eduplan"
PASSWORD = "Soak-bench-password-1"
TARGET_WAIT_S = 5.0
N_COUNTIES = 10


def _env(database_url: str, media: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="eduplan.settings",
        PYTHONPATH=str(ROOT / "src"),
        EDUPLAN_SECRET_KEY=secrets.token_urlsafe(50),
        EDUPLAN_ID_HASH_KEY=secrets.token_urlsafe(50),
        EDUPLAN_MEDIA_ROOT=str(media),
        EDUPLAN_LOGIN_MAX_FAILURES="1000",
    )
    env.pop("EDUPLAN_DEBUG", None)
    return env


def _workbooks(tmp: Path, rows: int) -> tuple[Path, Path, list[str]]:
    """A setup workbook (a city, its counties and townships, kindergartens) and a classes workbook."""
    from eduplan.intake.kinds import KINDS
    from eduplan.intake.templates import build_workbook, file_value

    def as_rows(kind_key: str, dicts: list[dict]) -> list[list]:
        kind = KINDS[kind_key]
        return [[file_value(c, d.get(c.key)) for c in kind.columns] for d in dicts]

    counties = [f"5304{i:02d}" for i in range(2, 2 + N_COUNTIES)]
    towns = [f"{c}{t:03d}" for c in counties for t in range(1, 11)]
    divisions = [{"code": "530400", "name": "玉溪市", "level": "city"}]
    divisions += [{"code": c, "name": f"县{c}", "level": "county", "parent_code": "530400"} for c in counties]
    divisions += [{"code": t, "name": f"镇{t}", "level": "township", "parent_code": t[:6]} for t in towns]
    n_inst = max(50, rows // 30)
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
        for i in range(n_inst)
    ]
    setup = tmp / "setup.xlsx"
    setup.write_bytes(
        build_workbook(
            [
                (KINDS["divisions"], as_rows("divisions", divisions)),
                (KINDS["kindergartens"], as_rows("kindergartens", institutions)),
            ]
        )[0]
    )
    groups, ages = ["small", "middle", "large"], {"small": "age_3", "middle": "age_4", "large": "age_5"}
    classes = []
    for i in range(rows):
        group = groups[(i // n_inst) % 3]
        boys, girls = 10 + i % 8, 9 + i % 7
        classes.append(
            {
                "institution_code": institutions[i % n_inst]["code"],
                "school_year": 2014 + (i // (n_inst * 3)) % 10,
                "name": f"{group}{i}",
                "age_group": group,
                "boys": boys,
                "girls": girls,
                "minority": i % 4,
                ages[group]: boys + girls,
            }
        )
    big = tmp / "classes.xlsx"
    big.write_bytes(build_workbook([(KINDS["classes"], as_rows("classes", classes))])[0])
    return setup, big, [i["code"] for i in institutions]


def _prepare(env: dict[str, str], tmp: Path, rows: int) -> tuple[Path, list[str]]:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    setup, big, codes = _workbooks(tmp, rows)
    subprocess.run([str(EDUPLAN), "import", str(setup)], env=env, check=True, capture_output=True)

    from eduplan.accounts.actions import create_user_with_role
    from eduplan.registry.choices import Role
    from eduplan.registry.models import Division

    city = Division.objects.get(code="530400")
    create_user_with_role("soak_city", PASSWORD, Role.CITY_OFFICER, division=city)
    for i in (1, 2):
        county = Division.objects.get(code=f"5304{i + 1:02d}")
        create_user_with_role(f"soak_editor{i}", PASSWORD, Role.COUNTY_OFFICER, division=county)
    from django.db import connections

    connections.close_all()
    return big, codes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Forms(HTMLParser):
    """The fields of every POST form of a page, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._in = False

    @property
    def fields(self) -> dict[str, str]:
        return self.forms[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in = True
            self.forms.append({})
        if not self._in:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[name] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.fields):
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in = False


def _form(html: str, having: str = "csrfmiddlewaretoken") -> dict[str, str]:
    """The first POST form of the page with a field named ``having``."""
    p = _Forms()
    p.feed(html)
    return next((f for f in p.forms if having in f), {})


def _login(base: str, username: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/office/login/", timeout=120)
    data = _form(page.text, having="username")
    data.update(username=username, password=PASSWORD)
    r = s.post(f"{base}/office/login/", data=data, timeout=120, allow_redirects=False)
    if r.status_code != 302:
        raise SystemExit(f"login of {username} failed: {r.status_code}")
    return s


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    saves: list[float] = field(default_factory=list)
    save_errors: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def _visitor(base: str, n: int, codes: list[str], stop: threading.Event, tally: Tally) -> None:
    """A portal visitor, or (every fifth) a city officer looking at the officers' pages."""
    try:
        s = _login(base, "soak_city") if n % 5 == 0 else requests.Session()
    except Exception as exc:
        tally.error(f"login: {type(exc).__name__}")
        return
    if n % 5 == 0:
        pages = ["/office/", "/office/institutions/", f"/office/institutions/{codes[n % len(codes)]}/"]
    else:
        code = codes[(n * 7) % len(codes)]
        pages = ["/", f"/kindergartens/{code}/", "/lists/", "/stats/", f"/?q={code}", "/complaints/"]
    i = 0
    while not stop.is_set():
        url = base + pages[i % len(pages)]
        i += 1
        t0 = time.perf_counter()
        try:
            r = s.get(url, timeout=120)
        except requests.RequestException as exc:
            tally.error(f"connection: {type(exc).__name__}")
            continue
        with tally.lock:
            tally.latencies.append(time.perf_counter() - t0)
        if r.status_code >= 400:
            tally.error(f"{r.status_code} {pages[(i - 1) % len(pages)]}")


def _editor(base: str, n: int, code: str, stop: threading.Event, tally: Tally) -> None:
    """A county officer saving one kindergarten's seats again and again, each save timed."""
    try:
        s = _login(base, f"soak_editor{n}")
    except Exception as exc:
        tally.save_errors.append(f"login: {exc}")
        return
    url = f"{base}/office/institutions/{code}/edit/"
    k = 0
    while not stop.is_set():
        try:
            data = _form(s.get(url, timeout=120).text, having="version")
            k += 1
            data["seats"] = str(300 + k % 50)
            data["reason"] = f"核对学位 soak edit {k}"
            t0 = time.perf_counter()
            r = s.post(url, data=data, timeout=120, allow_redirects=False)
            wait = time.perf_counter() - t0
        except requests.RequestException as exc:
            tally.save_errors.append(f"{type(exc).__name__}: {exc}")
            continue
        with tally.lock:
            tally.saves.append(wait)
        if r.status_code != 302:
            problems = re.findall(r'class="errorlist[^"]*">(.*?)</ul>', r.text, re.S)
            tally.save_errors.append(f"{r.status_code}: {re.sub(r'<[^>]+>', ' ', ' '.join(problems))[:200]}")
        time.sleep(0.5)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return (
        round(statistics.quantiles(values, n=100)[int(q) - 1], 3) if len(values) > 1 else round(values[0], 3)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY database to use (default: a temporary SQLite file)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="10 users, 20 s, 10,000 rows")
    args = parser.parse_args()
    if args.quick:
        args.users, args.seconds, args.rows = 10, 20, 10_000

    with tempfile.TemporaryDirectory(prefix="eduplan-soak-") as tmp_name:
        tmp = Path(tmp_name)
        url = args.database_url or f"sqlite:///{tmp / 'soak.sqlite3'}"
        env = _env(url, tmp / "media")
        t0 = time.perf_counter()
        big, codes = _prepare(env, tmp, args.rows)
        prepare_s = time.perf_counter() - t0
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = tmp / "gunicorn.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [
                    str(EDUPLAN),
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                    "--threads",
                    str(args.threads),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            for _ in range(240):
                try:
                    if requests.get(f"{base}/office/login/", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.5)
            else:
                raise SystemExit(f"the server did not start:\n{log_path.read_text()[-3000:]}")
            result = _soak(args, env, base, big, codes, server)
        finally:
            server.terminate()
            server.wait(timeout=60)
        text = log_path.read_text(errors="replace")
        result["prepare_s"] = round(prepare_s, 1)
        result["workers_killed"] = len(
            re.findall(
                r"WORKER TIMEOUT|was sent SIGKILL|was terminated due to signal|Worker .* exited with code [1-9]",
                text,
            )
        )
        result["workers_booted"] = len(re.findall(r"Booting worker", text))
        result["ok"] = (
            result["errors_total"] == 0
            and result["editors"]["errors"] == []
            and (result["editors"]["longest_wait_s"] or 0) <= TARGET_WAIT_S
            and result["workers_killed"] == 0
            and result["import"]["exit_code"] == 0
        )
    print(json.dumps(result, ensure_ascii=False, indent=2))


def _soak(
    args, env: dict[str, str], base: str, big: Path, codes: list[str], server: subprocess.Popen
) -> dict:
    tally = Tally()
    stop = threading.Event()
    editor_codes = [next(c for c in codes if _county_of(c, codes) == n) for n in (1, 2)]
    threads = [
        threading.Thread(target=_visitor, args=(base, n, codes, stop, tally), daemon=True)
        for n in range(args.users)
    ]
    threads += [
        threading.Thread(target=_editor, args=(base, n, editor_codes[n - 1], stop, tally), daemon=True)
        for n in (1, 2)
    ]
    start = time.perf_counter()
    load_before = os.getloadavg()
    for t in threads:
        t.start()
    time.sleep(min(5, args.seconds / 4))
    import_start = time.perf_counter()
    imp = subprocess.Popen(
        [str(EDUPLAN), "import", str(big)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = start + args.seconds
    while time.perf_counter() < deadline or imp.poll() is None:
        if time.perf_counter() - start > 1800:
            imp.kill()
            break
        time.sleep(0.5)
    out, err = imp.communicate()
    import_s = time.perf_counter() - import_start
    stop.set()
    for t in threads:
        t.join(timeout=180)
    duration = time.perf_counter() - start
    return {
        "benchmark": "soak",
        "database": env["DATABASE_URL"].split(":")[0],
        "machine": {
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "users": args.users,
        "seconds": round(duration, 1),
        "server": {"workers": args.workers, "threads": args.threads},
        "requests": len(tally.latencies),
        "requests_per_s": round(len(tally.latencies) / duration, 1),
        "latency_s": {
            "p50": _pct(tally.latencies, 50),
            "p95": _pct(tally.latencies, 95),
            "max": round(max(tally.latencies), 3) if tally.latencies else None,
        },
        "errors_total": sum(tally.errors.values()),
        "errors": tally.errors,
        "editors": {
            "saves": len(tally.saves),
            "longest_wait_s": round(max(tally.saves), 3) if tally.saves else None,
            "p95_wait_s": _pct(tally.saves, 95),
            "target_wait_s": TARGET_WAIT_S,
            "errors": tally.save_errors[:10],
        },
        "import": {
            "rows": args.rows,
            "exit_code": imp.returncode,
            "wall_s": round(import_s, 1),
            "summary": [line for line in out.splitlines() if "created" in line][:3],
            "stderr_tail": err[-500:] if imp.returncode else "",
        },
        "server_alive": server.poll() is None,
    }


def _county_of(code: str, codes: list[str]) -> int:
    """Kindergarten K<i> is in township i mod 100, so in county (i mod 100) // 10 + 1."""
    return (int(code[1:]) % (N_COUNTIES * 10)) // 10 + 1


if __name__ == "__main__":
    main()
