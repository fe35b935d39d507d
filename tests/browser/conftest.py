"""Browser tests: Playwright driving Debian's chromium (/usr/bin/chromium, never a downloaded
browser) against the live test server. Outside CI a missing chromium skips them with a message; in
CI it is an error."""

import os
import re
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: `make system-deps` installs it")
        pytest.skip("SKIPPED browser tests: /usr/bin/chromium not installed (make system-deps)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # (fixtures) are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(60_000)
    yield p
    context.close()


def login(page, live_server, username, password="pw-123456"):
    page.goto(f"{live_server.url}/office/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.login button[type=submit]")
    # Officers land on the city dashboard, county-bound users on their county's.
    page.wait_for_url(re.compile(r".*/office/(?!login).*"), timeout=90_000)
