"""The same indicators on every engine — the app's database (SQLite, or PostgreSQL when the suite runs
with DATABASE_URL set; CI runs both) and its Parquet export on DuckDB — on the golden city. Records
must be identical, field for field. (test_engines_synthetic.py does the same on a generated city.)"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from eduplan.metrics import engines
from eduplan.metrics.indicators import compute_indicators

pytestmark = pytest.mark.django_db


def test_golden_city_identical_on_the_database_and_duckdb(city, tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        app = engines.from_django()
        on_app = compute_indicators(engine=app, incidents=[])
        counts = engines.export_parquet(app, tmp_path)
    on_duckdb = compute_indicators(engine=engines.duckdb_parquet(tmp_path), incidents=[])
    assert counts["registry_schoolclass"] == 49 and counts["registry_division"] == 11
    assert on_app == on_duckdb
    assert len(on_app) > 300


def test_export_has_only_the_canonical_columns(city, tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        engines.export_parquet(engines.from_django(), tmp_path)
    staff = pq.read_schema(tmp_path / "registry_staffmember.parquet")
    assert set(staff.names) == set(engines.TABLES["registry_staffmember"])
    assert "id_hash" not in staff.names and "name" not in staff.names
    assert str(pq.read_schema(tmp_path / "registry_division.parquet").field("valid_to").type) == "date32[day]"


def test_missing_or_broken_parquet_file_is_named(tmp_path):
    with pytest.raises(engines.EngineError) as err:
        engines.duckdb_parquet(tmp_path)
    assert "registry_division.parquet" in str(err.value) and "export-parquet" in str(err.value)
    for name in engines.TABLES:
        (tmp_path / f"{name}.parquet").write_bytes(b"not parquet")
    with pytest.raises(engines.EngineError) as err:
        engines.duckdb_parquet(tmp_path)
    assert "registry_division.parquet" in str(err.value) and "not a valid Parquet file" in str(err.value)
