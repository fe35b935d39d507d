"""The same indicators on every engine on a generated city (eduplan.metrics.synthetic): the app's
database (SQLite, or PostgreSQL when DATABASE_URL is set; CI runs both), its Parquet export on
DuckDB, and DuckDB straight from the generator's tables — identical records and measures."""

from __future__ import annotations

import pytest

from eduplan.metrics import engines, synthetic
from eduplan.metrics.indicators import compute_indicators
from eduplan.metrics.measures import build_measures, compute_measures
from eduplan.metrics.params import load_params
from tests.metrics import synthetic_django

pytestmark = pytest.mark.django_db

SMALL_CITY = synthetic.Scale(1, 1, 3, 3, 6, 2, 2, 1, years=(2021, 2022, 2023, 2024))


def test_synthetic_city_identical_on_every_engine(tmp_path):
    tables = synthetic.generate(SMALL_CITY, seed=7)
    synthetic_django.load(tables)
    app = engines.from_django()
    on_app = compute_indicators(engine=app, incidents=[], city=None)
    engines.export_parquet(app, tmp_path / "export")
    on_export = compute_indicators(engine=engines.duckdb_parquet(tmp_path / "export"), incidents=[])
    on_memory = compute_indicators(engine=engines.duckdb_tables(tables), incidents=[])
    assert on_app == on_export == on_memory
    # Every indicator of the plan is there for the city and its counties, every year.
    assert {r["year"] for r in on_app} == {2021, 2022, 2023, 2024}
    assert len({r["division"] for r in on_app}) == 1 + 3
    # Measures too, not only the rounded records.
    params = load_params()
    a = compute_measures(app, params, build_measures(params)).sort_values(["county_id", "school_year"])
    b = compute_measures(engines.duckdb_tables(tables), params, build_measures(params))
    b = b.sort_values(["county_id", "school_year"])
    assert a.shape == b.shape
    for col in a.columns:
        assert a[col].to_numpy() == pytest.approx(b[col].to_numpy(), rel=1e-12), col
