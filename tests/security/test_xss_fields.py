"""Script in every free-text field never runs on a page, and formula text in every field never runs
in an export (issue 22, "a standing attack suite").

Every text field of every eduplan model is given a payload through the one save path
(``common.saving.save_record``: full_clean, history, audit) on one row; a field whose rules refuse
the payload is safe by refusal. The accepted payload is then given to the field's other rows too,
so whichever row a page shows carries it. The city officer's and an anonymous visitor's crawls of
the demo city (tests/web/crawl.py) follow every link; no page may contain the payload's tag
unescaped, and every CSV or workbook reached may not carry it as a live formula.

The payload ``=1+2"><i id=xNN>`` is both: it starts like a formula, closes an attribute and opens
a tag, with a number naming its field."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.test import Client, override_settings
from django.utils import translation

from tests.factories import memory_caches
from tests.web.crawl import DEMO_PASSWORD, build_demo_world, links, pattern_key

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
generator = pytest.importorskip("eduplan.demo.generator")

MAX_PAGES = 500
RAW = re.compile(r"<i id=x(\d+)>")
ESCAPED = re.compile(r"&lt;i id=x(\d+)&gt;")


def payload(n: int) -> str:
    return f'=1+2"><i id=x{n}>'


def text_fields() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Free text an officer or a visitor can type: CharField and TextField without choices."""
    for model in apps.get_models():
        if not model.__module__.startswith("eduplan.") or model.__name__.startswith("Historical"):
            continue
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, (models.CharField, models.TextField))
                and not f.choices
                and not f.primary_key
                and f.editable
                and (f.max_length is None or f.max_length >= len(payload(999)))
            ):
                yield model, f


def poison() -> dict[int, str]:
    """Set each field's payload through the save path; the fields that took it, by number."""
    from eduplan.common.saving import save_record
    from eduplan.registry.models.version import REGISTRY, WORK, bump_version

    taken: dict[int, str] = {}
    for n, (model, f) in enumerate(text_fields(), start=1):
        label = f"{model._meta.label}.{f.name}"
        for obj in model._default_manager.all()[:5]:
            setattr(obj, f.attname, payload(n))
            try:
                with transaction.atomic():
                    save_record(obj, reason="攻击测试 attack suite", scope_checked=True)
            except (ValidationError, ValueError, TypeError, IntegrityError):
                continue
            taken[n] = label
            if not f.unique:
                try:
                    with transaction.atomic():
                        model._default_manager.update(**{f.attname: payload(n)})
                except IntegrityError:  # unique together with another field: that row carries it
                    pass
            break
    bump_version(REGISTRY)
    bump_version(WORK)
    return taken


def crawl_all(client: Client, start: str) -> list[tuple[str, int, str, bytes]]:
    """(url, status, content type, body) of every page and file reachable from ``start``."""
    seen: set[str] = set()
    queue = [start]
    out = []
    while queue and len(out) < MAX_PAGES:
        url = queue.pop(0)
        key = pattern_key(url)
        if key in seen:
            continue
        seen.add(key)
        response = client.get(url, follow=True)
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        kind = response.get("Content-Type", "")
        out.append((url, response.status_code, kind, body))
        if kind.startswith("text/html") and response.status_code < 400:
            queue.extend(h for h in links(body.decode(), url) if pattern_key(h) not in seen)
    return out


@pytest.fixture(scope="module")
def attacked(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            CACHES=memory_caches(),
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        translation.override("zh-hans"),
        transaction.atomic(),
    ):
        from django.core.cache import cache

        from eduplan.common.cache import forget_local

        cache.clear()
        forget_local()
        build_demo_world()
        taken = poison()
        city = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert city.login(username="city", password=DEMO_PASSWORD)
        pages = crawl_all(city, "/office/") + crawl_all(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), "/")
        transaction.set_rollback(True)
    return taken, pages


def test_payloads_reach_many_fields_and_pages(attacked):
    taken, pages = attacked
    shown = {
        int(n)
        for _, _, kind, body in pages
        if kind.startswith("text/html")
        for n in ESCAPED.findall(body.decode())
    }
    assert len(taken) > 20, taken
    # the payload is shown, escaped, for many of the fields that took it: the crawl reaches them
    assert len(shown) > 10, sorted(taken[n] for n in shown)


def test_no_page_carries_a_payload_unescaped(attacked):
    taken, pages = attacked
    bad = [
        (url, taken.get(int(n), n))
        for url, _, kind, body in pages
        if kind.startswith("text/html")
        for n in RAW.findall(body.decode())
    ]
    assert bad == []


def test_no_page_fails(attacked):
    _, pages = attacked
    assert [(url, status) for url, status, _, _ in pages if status >= 500] == []


def test_no_export_carries_a_live_formula(attacked):
    from openpyxl import load_workbook

    _, pages = attacked
    files = 0
    for url, status, kind, body in pages:
        if status != 200:
            continue
        if "csv" in kind:
            files += 1
            for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
                assert not any(f.startswith("=1+2") for f in row), (url, row)
        elif "spreadsheetml" in kind:
            files += 1
            for ws in load_workbook(io.BytesIO(body)).worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (url, ws.title, cell.coordinate, cell.value)
    assert files > 0
