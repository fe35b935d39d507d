"""``make screenshots``: build the demo city, serve it, and capture the main pages with Debian's
chromium into ``docs/images/`` (python -m eduplan.web.screenshots OUTDIR)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "eduplan-demo"
# The demo's supervision records end in this month (demo.supervision.DEFAULT_TODAY).
NOTICE_MONTH = "2025-05"
NOTICE_AS_OF = "2025-06-30"
# Further pages worth a picture (top of the page only).
EXTRA_PAGES = [
    ("/office/supervision/", "supervision.png"),
    ("/office/planning/", "planning.png"),
    ("/office/tasks/", "tasks-board.png"),
    ("/office/tasks/timeline/", "tasks-timeline.png"),
    ("/office/tasks/plans/", "county-plans.png"),
    ("/office/programmes/", "programmes.png"),
    ("/office/workforce/", "workforce.png"),
    ("/", "portal.png"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not answer")


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/office/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/office/(?!login).*"))


def _phone_pages(browser: Any, base: str, out: Path) -> None:
    """The same app on a phone: the portal's map first (near a township typed in pinyin), and an
    officer's dashboard with the menu folded into a drawer and tables as cards."""
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.set_default_timeout(180_000)
    phone.goto(base + "/?place=fhjd&radius=3")
    phone.locator("#place-found").scroll_into_view_if_needed()
    phone.evaluate("window.scrollBy(0, document.getElementById('map').getBoundingClientRect().top - 60)")
    phone.wait_for_timeout(2500)
    phone.screenshot(path=str(out / "phone-portal-near.png"), full_page=False)
    _login(phone, base, "county")
    phone.wait_for_timeout(1000)
    phone.screenshot(path=str(out / "phone-county.png"), full_page=False)
    phone.goto(base + "/office/findings/")
    phone.screenshot(path=str(out / "phone-findings.png"), full_page=False)
    phone.close()


def _principal_home(browser: Any, base: str, out: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.set_default_timeout(180_000)
    _login(page, base, "principal")
    page.screenshot(path=str(out / "principal-home.png"), full_page=False)
    page.close()


def main(outdir: str = "docs/images") -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    eduplan = str(Path(sys.executable).parent / "eduplan")
    db = Path(tempfile.gettempdir()) / "eduplan-screenshots.sqlite3"
    subprocess.run(
        [eduplan, "demo", "--scale", "city", "--seed", "1", "--no-serve", "--db", str(db)], check=True
    )
    subprocess.run([eduplan, "report", "demo", "--db", str(db)], check=True)
    subprocess.run([eduplan, "tasks", "demo", "--db", str(db)], check=True)
    # The monthly notice (通报) as Word, rendered by LibreOffice to PDF and PNG pages.
    notice = out / "notice"
    notice.mkdir(exist_ok=True)
    subprocess.run(
        [
            eduplan,
            "report",
            "monthly",
            "--month",
            NOTICE_MONTH,
            "--as-of",
            NOTICE_AS_OF,
            "--out",
            str(notice / "notice.docx"),
            "--pdf",
            str(notice),
            "--db",
            str(db),
        ],
        check=True,
    )
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    server = subprocess.Popen(
        [eduplan, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page.set_default_timeout(180_000)
            page.goto(base + "/office/login/")
            page.fill("#id_username", "city")
            page.fill("#id_password", PASSWORD)
            page.click("form.login button[type=submit]")
            page.wait_for_url(base + "/office/")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "city-dashboard.png"), full_page=True)
            tile = page.locator(".tile a").first
            county_url = (tile.get_attribute("href") if tile.count() else None) or "/office/"
            page.goto(base + county_url)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "county-dashboard.png"), full_page=True)
            page.goto(base + "/office/institutions/?kind=kindergarten")
            link = page.locator("table.data a").first
            page.goto(base + (link.get_attribute("href") or "/office/institutions/"))
            page.screenshot(path=str(out / "institution.png"), full_page=True)
            for url, name in EXTRA_PAGES:
                page.goto(base + url)
                page.wait_for_timeout(1000)
                page.screenshot(path=str(out / name), full_page=False)
            page.goto(base + "/office/?year=")
            grid = page.locator("#county-grid")
            if grid.count():
                grid.locator("th[data-indicator] button.sort").first.click()  # sorted by a target
                box = grid.locator("xpath=..")
                box.scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                box.screenshot(path=str(out / "county-grid.png"))
            page.goto(base + "/office/findings/")
            page.screenshot(path=str(out / "findings.png"), full_page=False)
            _phone_pages(browser, base, out)
            _principal_home(browser, base, out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"screenshots written to {out}/")


if __name__ == "__main__":
    main(*sys.argv[1:2])
