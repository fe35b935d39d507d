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


def _require_pyspark() -> None:
    import importlib.util
    import os

    if importlib.util.find_spec("pyspark") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pyspark is missing: `make test` installs eduplan[spark]")
        pytest.skip("SKIPPED: Spark engine test (pyspark not installed: pip install 'eduplan[spark]')")


def test_demo_city_identical_on_spark_local(demo, tmp_path, django_db_blocker, monkeypatch):
    """Spark in local mode (Ibis' PySpark backend, the machine's Java 17) over the same Parquet
    export: every record identical to the app's database."""
    _require_pyspark()
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    with django_db_blocker.unblock():
        app = engines.from_django()
        on_app = compute_indicators(engine=app, incidents=[])
        engines.export_parquet(app, tmp_path)
    spark = engines.parquet_engine("spark", tmp_path, master="local[2]")
    assert spark.name == "spark"
    assert compute_indicators(engine=spark, incidents=[]) == on_app


def test_engine_and_spark_master_need_parquet():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--parquet"):
        call_command("indicators", "--engine", "spark")
    with pytest.raises(CommandError, match="--parquet"):
        call_command("indicators", "--spark-master", "spark://x:7077")


def test_spark_master_without_spark_engine_is_refused(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        engines.export_parquet(engines.from_django(), tmp_path)
    with pytest.raises(engines.EngineError, match="--engine spark"):
        engines.parquet_engine("duckdb", tmp_path, master="spark://x:7077")
