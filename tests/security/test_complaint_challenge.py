"""A script that reads the complaint form cannot file complaint after complaint (issue 22, 9: "the
complaint challenge is machine-solvable").

The arithmetic question is text on the page: a script that parses the form (every input, hidden
ones included) and the question files as many complaints as the rate limit lets it. After the first
complaint from an address, the form now also asks for proof of work, computed by the page's script
(``complaints/static/complaints/work.js``) and checked on the server; a script that only parses the
page has nothing to send for it and is refused. The first complaint from an address needs no
script (a parent with JavaScript off can still complain)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from eduplan.common import protection
from eduplan.complaints.models import Complaint
from eduplan.plans import standards
from tests.portal.helpers import portal_city

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _portal(settings, monkeypatch):
    settings.ROOT_URLCONF = "tests.portal.urls"
    original = standards.value

    def value(section: str, key: str):
        if (section, key) == ("portal", "challenge_min_seconds"):
            return 0  # a script answers at once; the fill-time rule is tested with the portal
        return original(section, key)

    monkeypatch.setattr(standards, "value", value)


class _Form(HTMLParser):
    """Every named input, select and textarea of the complaint form, as a script would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "complaint" in a.get("class", ""):
            self._in_form = True
        elif self._in_form and tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") != "checkbox":
                self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


_last_page = [""]


def script_fills(client, code: str) -> dict[str, str]:
    """What a script parsing the page sends: every field it finds, the question answered."""
    page = client.get("/complaints/new/", {"kindergarten": code}).content.decode()
    _last_page[0] = page
    form = _Form()
    form.feed(page)
    sum_ = re.search(r"(\d+) 加 (\d+) 等于几", page)
    assert sum_, "the form asks its question as text"
    form.fields.update(
        category="fees",
        description="本学期收取了未公示的兴趣班费用,每月200元。",
        contact="",
        website="",
        answer=str(int(sum_.group(1)) + int(sum_.group(2))),
    )
    return form.fields


def test_the_first_complaint_from_an_address_needs_no_script(client):
    portal_city()
    response = client.post("/complaints/new/", script_fills(client, "K1"))
    assert response.status_code == 200 and 'id="tracking-code"' in response.content.decode()
    assert Complaint.objects.count() == 1


def test_a_script_parsing_the_page_cannot_file_a_second_complaint(client):
    portal_city()
    assert client.post("/complaints/new/", script_fills(client, "K1")).status_code == 200
    for _ in range(3):
        response = client.post("/complaints/new/", script_fills(client, "K1"))
        assert response.status_code == 400
    assert Complaint.objects.count() == 1
    assert "自动验证未完成" in response.content.decode()


def _prefix() -> str:
    """The proof-of-work prefix of the form the script read last (work.js reads the same)."""
    found = re.search(r'data-work-prefix="([^"]+)" data-work-bits="(\d+)"', _last_page[0])
    assert found, "the form asks for proof of work"
    assert int(found.group(2)) == protection.work_bits()
    return found.group(1)


def test_the_work_is_checked_not_just_present(client):
    portal_city()
    client.post("/complaints/new/", script_fills(client, "K1"))
    fields = script_fills(client, "K1")
    prefix, bits = _prefix(), protection.work_bits()
    wrong = next(str(n) for n in range(1000) if not protection.work_ok(prefix, str(n), bits))
    assert client.post("/complaints/new/", {**fields, "work": wrong}).status_code == 400
    # work done for another prefix does not help: the prefix is the form's own single-use nonce
    fields = script_fills(client, "K1")
    other = protection.solve_work("someone-elses-form", bits)
    assert client.post("/complaints/new/", {**fields, "work": other}).status_code == 400
    assert Complaint.objects.count() == 1


def test_a_form_shown_before_the_first_complaint_cannot_be_reused_for_a_second(client):
    """Two forms fetched before filing: the second was issued without work, it is refused."""
    portal_city()
    first, second = script_fills(client, "K1"), script_fills(client, "K1")
    assert client.post("/complaints/new/", first).status_code == 200
    response = client.post("/complaints/new/", second)
    assert response.status_code == 400 and "请在新表单上完成自动验证" in response.content.decode()


def test_the_work_done_as_the_page_does_it_is_accepted(client):
    portal_city()
    client.post("/complaints/new/", script_fills(client, "K1"))
    fields = script_fills(client, "K1")
    fields["work"] = protection.solve_work(_prefix(), protection.work_bits())
    response = client.post("/complaints/new/", fields)
    assert response.status_code == 200 and 'id="tracking-code"' in response.content.decode()
    assert Complaint.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_parent_with_javascript_files_a_second_complaint(live_server, page):
    """A real browser: the page's script does the work while the parent types; sending waits for it."""
    portal_city()
    for n in (1, 2):
        page.goto(f"{live_server.url}/complaints/new/?kindergarten=K1")
        if n == 2:
            assert page.get_attribute("form.complaint", "data-work-bits") == str(protection.work_bits())
        page.select_option("#id_category", "fees")
        page.fill("#id_description", f"第{n}次:开学后另收“特色课程费”每月300元,没有公示。")
        a, b = re.findall(r"\d+", page.inner_text("#challenge-question"))
        page.fill("#id_answer", str(int(a) + int(b)))
        page.click("form.complaint button[type=submit]")
        page.wait_for_selector("#tracking-code", timeout=120_000)
    assert Complaint.objects.count() == 2


def test_the_page_script_hashes_as_the_server_checks():
    """work.js's SHA-256 against hashlib, run by Node.js where it is installed (the browser test
    above needs chromium)."""
    import hashlib
    import json
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed")
    script = Path(protection.__file__).parent.parent / "complaints/static/complaints/work.js"
    messages = ["", "abc", "x" * 55, "x" * 56, "y" * 64, "z" * 130, "AbC-_9xYz0123456:42"]
    program = (
        "global.window = {}; global.document = {addEventListener() {}};"
        f"require({json.dumps(str(script))});"
        f"console.log(JSON.stringify({json.dumps(messages)}.map(window.eduplanWork.firstWord)));"
    )
    out = subprocess.run([node, "-e", program], capture_output=True, text=True, check=True, timeout=60)
    want = [int.from_bytes(hashlib.sha256(m.encode()).digest()[:4], "big") for m in messages]
    assert json.loads(out.stdout) == want
