"""Accessibility of every crawled page (issue 23): axe-core, from the npm registry (``make
browser-deps`` installs it into the git-ignored ``.cache/axe``), runs in Chromium on each page the
crawler (tests/web/crawl.py) reaches from each demo role's home, and finds no serious or critical
violation — contrast, names of controls and links, landmarks, language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from tests.browser.conftest import login
from tests.web.crawl import DEMO_PASSWORD, ROLES, build_demo_world, crawl, pattern_key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing: `make browser-deps` installs it")
        pytest.skip("SKIPPED accessibility check: axe-core not installed (make browser-deps)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def audit_page(page):
    """A page whose context lets the auditing tool in: axe-core is injected as a script, which the
    site's Content-Security-Policy (no inline script) rightly refuses to any page."""
    context = page.context.browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def audit(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in SERIOUS]


def test_no_serious_violation_on_any_crawled_page(audit_page, live_server, axe_source, settings, tmp_path):
    page = audit_page
    settings.MEDIA_ROOT = tmp_path / "media"
    build_demo_world()
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    for role in ROLES:
        client = Client()
        assert client.login(username=role, password=DEMO_PASSWORD)
        urls = [
            p.url
            for p in crawl(client, role).html_pages()
            if p.status < 400 and pattern_key(p.url) not in seen
        ]
        seen.update(pattern_key(u) for u in urls)
        page.context.clear_cookies()
        login(page, live_server, role, password=DEMO_PASSWORD)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            found = audit(page, axe_source)
            if found:
                problems[f"{role} {url}"] = found
    assert len(seen) > 30
    assert not problems, "\n".join(f"{where}: {'; '.join(found)}" for where, found in problems.items())
