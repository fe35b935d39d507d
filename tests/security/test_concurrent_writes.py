"""Two officers saving at the same moment on SQLite (issue 22, problem 5).

Both read a record, then both write: in SQLite's default (deferred) transactions the second
writer's snapshot is stale and it fails at once with "database is locked" (7–8 of 10 rounds gave a
500). Writes now begin immediate transactions, so the second waits its turn (busy timeout) and both
saves land; a conflict that still happens is answered 409 "请重试", never 500."""

from __future__ import annotations

import contextlib
import os
import threading

import pytest
from django.db import OperationalError, transaction

from eduplan.registry import actions
from eduplan.registry.models import Institution
from tests.factories import mini_city

sqlite_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "sqlite").split(":")[0] != "sqlite", reason="SQLite's locking"
)


def _save(pk: int, field: str, value: object, barrier: threading.Barrier, errors: list) -> None:
    from django.db import connection as own

    try:
        with transaction.atomic():
            kg = Institution.objects.get(pk=pk)  # both read first, as an edit form's save does
            # the other save may hold the write lock already and be waiting for nobody
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=1)
            actions.update_fields(kg, {field: value}, reason="并发测试 concurrency test")
    except Exception as exc:
        errors.append(exc)
    finally:
        own.close()


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_two_concurrent_saves_both_land():
    m = mini_city()
    for round_ in range(5):
        barrier = threading.Barrier(2)
        errors: list = []
        threads = [
            threading.Thread(target=_save, args=(m.kg_a.pk, "address", f"玉兴路{round_}号", barrier, errors)),
            threading.Thread(target=_save, args=(m.kg_a.pk, "seats", 100 + round_, barrier, errors)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == [], errors
        kg = Institution.objects.get(pk=m.kg_a.pk)
        assert kg.address == f"玉兴路{round_}号" and kg.seats == 100 + round_


@pytest.mark.django_db
def test_a_conflict_that_still_happens_is_409_please_retry(client, monkeypatch):
    from django.contrib.auth.models import User

    mini_city()
    User.objects.create_superuser("root", "root@example.gov.cn", "Root-admin-password-1")
    client.login(username="root", password="Root-admin-password-1")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("eduplan.web.views.search_institutions", locked)
    response = client.get("/office/institutions/", {"q": "幼儿园"})
    assert response.status_code == 409
    assert "请重试" in response.content.decode() and "try again" in response.content.decode()
