"""Browser tests: Playwright driving Debian's chromium (/usr/bin/chromium, never a downloaded
browser) against the live test server. Outside CI a missing chromium skips them with a message; in
CI it is an error."""

import re

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


def login(page, live_server, username, password="pw-123456"):
    page.goto(f"{live_server.url}/office/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.login button[type=submit]")
    # Officers land on the city dashboard, county-bound users on their county's.
    page.wait_for_url(re.compile(r".*/office/(?!login).*"), timeout=90_000)
