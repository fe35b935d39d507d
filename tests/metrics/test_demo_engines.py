"""The full indicator set on the demo city (``eduplan demo``'s generator, its ``tiny`` scale: Yuxi's
real 9 counties and 76 townships, two school years) on the app's database — SQLite, or PostgreSQL
when the suite runs with DATABASE_URL set — and on DuckDB over its Parquet export: identical."""

from __future__ import annotations

import pytest
from django.test import override_settings

from eduplan.metrics import engines
from eduplan.metrics.indicators import compute_indicators

pytestmark = pytest.mark.django_db

generator = pytest.importorskip("eduplan.demo.generator")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield generator.generate("tiny", 1, users=False)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_demo_city_identical_on_the_database_and_duckdb(demo, tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        app = engines.from_django()
        on_app = compute_indicators(engine=app, incidents=[])
        engines.export_parquet(app, tmp_path)
    on_duckdb = compute_indicators(engine=engines.duckdb_parquet(tmp_path), incidents=[])
    assert on_app == on_duckdb
    city = [r for r in on_app if r["level"] == "city"]
    assert {r["division"] for r in city} == {"530400"}
    assert len({r["division"] for r in on_app if r["level"] == "county"}) == 9
    # The demo is a plausible city: its gross enrollment rate is a number, not a gap.
    ger = [r for r in city if r["indicator"] == "preschool_ger"]
    assert ger and all(r["value"] is not None and r["value"] > 0 for r in ger)
