"""Fixtures of the metrics tests: the hand-built golden city, built once per module."""

from __future__ import annotations

import pytest

from tests.metrics import golden


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The golden city (tests/metrics/golden.py), inside a transaction rolled back after the module."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield golden.build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
