"""The crawler of issue 23's "no dead end": sign in as a role, follow every link reachable from
its home page (GET only, one URL per URL pattern), and record what a user of that role would hit —
an error status, a form control without a label, a raw code (snake_case word or rule code) in the
visible text of a Chinese page. POST endpoints are covered by the permission matrix, not here.

The world crawled is the demo generator's ``tiny`` city (Yuxi's real divisions, few people) with
its logins and the synthetic supervision and task records of ``make demo``: small, and shaped like
what officers see."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import lxml.html
from django.test import Client
from django.urls import Resolver404, resolve

#: The demo's logins, one per role (eduplan.demo.generator.create_demo_users).
ROLES = ("city", "county", "supervisor", "principal", "viewer")
DEMO_PASSWORD = "eduplan-demo"
#: The demo's reference day (eduplan.demo.supervision.DEFAULT_TODAY).
TODAY = dt.date(2025, 6, 30)
#: Paths a crawl does not follow: the back office, files, language switch, signing out.
SKIP = ("/admin/", "/static/", "/media/", "/i18n/", "/office/logout/", "/favicon")
#: At most this many pages per role (a guard: one URL per pattern keeps the crawl far below it).
MAX_PAGES = 400

#: A raw code in visible text: a snake_case word (on_track) or a rule code (KG-SOCIAL-INSURANCE).
SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
RULE_CODE = re.compile(r"(?<![\w./-])[A-Z]{2,}(?:-[A-Z0-9]+){1,}(?![\w/-])")
CLAUSE_ID = re.compile(r"^[A-Z]+-T?\d+$")
TERMS = {"UTF-8", "GB-T"}
CONTROLS = "//input[not(@type='hidden') and not(@type='submit') and not(@type='button') and not(@type='reset') and not(@type='image')] | //select | //textarea"


def build_demo_world() -> None:
    """The tiny demo with logins, its supervision records and plan-task progress (as ``make demo``)."""
    from eduplan.demo import generator
    from eduplan.demo.supervision import populate
    from eduplan.demo.tasks import demo_tasks

    generator.generate("tiny", 1)
    populate(1, today=TODAY, months=3)
    demo_tasks(TODAY)


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    html: str = ""
    referrer: str = ""
    #: The header row of each sheet of a spreadsheet or CSV download (what a reader sees first).
    export_headers: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    role: str
    pages: list[Page] = field(default_factory=list)

    def html_pages(self) -> list[Page]:
        return [p for p in self.pages if p.html]


def pattern_key(url: str) -> str:
    """One URL per URL pattern: the route that serves the path plus the names of its query
    parameters (a filter is another page; another value of the same filter is not)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
        route = f"{match.namespace}:{match.url_name}:{match.route}"
    except Resolver404:
        route = parts.path
    keys = ",".join(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return f"{route}?{keys}"


def links(html: str, base: str) -> Iterable[str]:
    tree = lxml.html.fromstring(html)
    for href in tree.xpath("//a/@href"):
        href = href.strip()
        if href.startswith("?"):
            href = urlsplit(base).path + href
        if not href.startswith("/") or href.startswith("//"):
            continue
        href = href.split("#", 1)[0]
        if href and not href.startswith(SKIP):
            yield href


def crawl(client: Client, role: str, *, start: str = "/office/") -> Crawl:
    """Breadth-first from the role's home page; follows redirects like a browser."""
    result = Crawl(role)
    seen_patterns: set[str] = set()
    queue: deque[tuple[str, str]] = deque([(start, "")])
    while queue and len(result.pages) < MAX_PAGES:
        url, referrer = queue.popleft()
        key = pattern_key(url)
        if key in seen_patterns:
            continue
        seen_patterns.add(key)
        response = client.get(url, follow=True)
        final = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            final += "?" + response.request["QUERY_STRING"]
        content_type = response.get("Content-Type", "")
        page = Page(url, response.status_code, content_type, referrer=referrer)
        if response.status_code < 400 and content_type.startswith(SPREADSHEETS):
            body = b"".join(response.streaming_content) if response.streaming else response.content
            page.export_headers = header_rows(body, content_type)
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            page.html = response.content.decode()
            if response.status_code < 400:
                for href in links(page.html, final):
                    if pattern_key(href) not in seen_patterns:
                        queue.append((href, url))
        result.pages.append(page)
    return result


#: Downloads whose header row the crawl reads.
SPREADSHEETS = ("application/vnd.openxmlformats-officedocument.spreadsheetml", "text/csv")


def header_rows(content: bytes, content_type: str) -> list[str]:
    """The header cells of every sheet of an xlsx download, or of a CSV's first line."""
    if content_type.startswith("text/csv"):
        import csv
        import io

        text = content.decode("utf-8-sig", errors="replace")
        return next(csv.reader(io.StringIO(text)), [])
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    cells: list[str] = []
    for sheet in book.worksheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        cells += [str(c) for c in first if c is not None]
    return cells


def unlabelled_controls(html: str) -> list[str]:
    """Form controls a screen reader cannot name: no ``<label for>``, no wrapping ``<label>``, no
    ``aria-label``/``aria-labelledby``/``title``."""
    tree = lxml.html.fromstring(html)
    labelled = {label.get("for") for label in tree.xpath("//label[@for]")}
    missing = []
    for control in tree.xpath(CONTROLS):
        if control.get("id") and control.get("id") in labelled:
            continue
        if control.xpath("ancestor::label"):
            continue
        if any((control.get(a) or "").strip() for a in ("aria-label", "aria-labelledby", "title")):
            continue
        missing.append(lxml.html.tostring(control, encoding="unicode")[:160])
    return missing


def visible_text(html: str) -> str:
    """The text a reader sees: no scripts, styles, hidden parts or secondary codes
    (``<span class="code">`` beside a Chinese label)."""
    tree = lxml.html.fromstring(html)
    for node in tree.xpath(
        "//script | //style | //template | //noscript | //*[@hidden] | //*[@aria-hidden='true']"
        " | //*[contains(concat(' ', normalize-space(@class), ' '), ' code ')]"
    ):
        node.drop_tree()
    return " ".join(" ".join(tree.itertext()).split())


#: Chinese characters (CJK ideographs, CJK and full-width punctuation).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
#: Elements meant to stay Chinese on an English page: data in Chinese (an institution's, a
#: division's or a person's name, a free-text note) marked ``lang="zh"`` (or ``zh-…``).
KEPT_CHINESE = "//*[starts-with(@lang, 'zh')]"


def chinese_on_english_page(html: str, names: Iterable[str] = ()) -> list[str]:
    """The visible text pieces of an English page that still hold Chinese, once the elements meant
    to stay Chinese (``lang="zh"``) and the given data names (institutions, divisions, people: the
    registry's own Chinese, wherever a page writes them) are taken out. (The language switch names
    中文 in Chinese, as switches do, and says so with ``lang="zh"``.)"""
    tree = lxml.html.fromstring(html)
    for node in tree.xpath(
        "//script | //style | //template | //noscript | //*[@hidden] | //*[@aria-hidden='true'] | "
        + KEPT_CHINESE
    ):
        node.drop_tree()
    by_length = sorted({n for n in names if n}, key=len, reverse=True)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for text in (element.text, element.tail):
            if not text or not CJK.search(text):
                continue
            rest = text
            for name in by_length:
                if name in rest:
                    rest = rest.replace(name, " ")
            if CJK.search(rest):
                found.append(" ".join(text.split()))
    return found


def raw_codes(html: str) -> list[str]:
    """snake_case words and rule codes a Chinese reader would see. The plan's own article numbers
    (PRE-4.2.4, target PRE-T1) are citations, like 第4.2.4条, and conventional terms (UTF-8) are
    not codes."""
    text = visible_text(html)
    rule_codes = {c for c in RULE_CODE.findall(text) if not CLAUSE_ID.match(c) and c not in TERMS}
    return sorted(set(SNAKE.findall(text)) | rule_codes)
