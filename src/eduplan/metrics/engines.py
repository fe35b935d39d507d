"""Where measures run: the app's own database (SQLite or PostgreSQL, through Django's connection or
a URL), DuckDB over a Parquet export, or Spark over the same export (Ibis' PySpark backend, for
national data on a cluster). The measures never name an engine (ARCHITECTURE.md,
"Ibis for measures"); this module is the only place that does.

Every engine presents the same *canonical tables*: the registry tables restricted to the columns
the measures read (:data:`TABLES`), with one type per column on every engine — integers as int64,
dates as ``yyyymmdd`` integers (so that "open on 1 September 2024" is ``x <= 20240901`` everywhere:
SQLite stores dates as text, PostgreSQL and DuckDB as dates). ``eduplan export-parquet`` writes
exactly these columns, with real dates, one Parquet file per table.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd

# The institution attributes that change over time, as the measures read them: today's on the
# institution, and dated on its attribute rows (registry.models.states).
DATED_COLUMNS: dict[str, str] = {
    "ownership": "string",
    "inclusive": "boolean",
    "inclusive_since": "date",
    "licence_status": "string",
    "grade": "string",
    "grade_year": "int64",
    "rating": "string",
    "is_county_high_school": "boolean",
    "is_new_build": "boolean",
    "network_connected": "boolean",
    "is_demonstration": "boolean",
}

# The registry's tables as the measures see them. Types: int64, string, boolean, date.
TABLES: dict[str, dict[str, str]] = {
    "registry_division": {
        "id": "int64",
        "code": "string",
        "name": "string",
        "level": "string",
        "parent_id": "int64",
        "county_id": "int64",
        "city_id": "int64",
        "valid_from": "date",
        "valid_to": "date",
    },
    "registry_populationcount": {
        "division_id": "int64",
        "year": "int64",
        "age_min": "int64",
        "age_max": "int64",
        "sex": "string",
        "basis": "string",
        "count": "int64",
    },
    "registry_births": {"division_id": "int64", "year": "int64", "basis": "string", "count": "int64"},
    "registry_institution": {
        "id": "int64",
        "code": "string",
        "kind": "string",
        "division_id": "int64",
        "county_id": "int64",
        **DATED_COLUMNS,
        "established_on": "date",
        "closed_on": "date",
    },
    # Effective-dated attributes (registry.models.states): the row in force on each census day.
    "registry_institutionstate": {
        "id": "int64",
        "institution_id": "int64",
        "effective_from": "date",
        **DATED_COLUMNS,
        "seats": "int64",
    },
    # Only which county an institution was in: a county split keeps earlier years with the old county.
    "registry_historicalinstitution": {"id": "int64", "county_id": "int64"},
    "registry_schoolclass": {
        "institution_id": "int64",
        "school_year": "int64",
        "age_group": "string",
        "is_new_intake": "boolean",
        "boys": "int64",
        "girls": "int64",
        "age_under3": "int64",
        "age_3": "int64",
        "age_4": "int64",
        "age_5": "int64",
        "age_over5": "int64",
    },
    "registry_staffmember": {
        "institution_id": "int64",
        "role": "string",
        "certificate": "string",
        "start_date": "date",
        "end_date": "date",
    },
    "registry_pairing": {
        "kind": "string",
        "supporter_id": "int64",
        "supported_id": "int64",
        "start_date": "date",
        "end_date": "date",
    },
    # Programme registers (eduplan.programmes) behind the designation counts.
    "programmes_designation": {
        "institution_id": "int64",
        "kind": "string",
        "designated_on": "date",
        "revoked_on": "date",
    },
    "programmes_demonstrationarea": {"division_id": "int64", "designated_on": "date", "revoked_on": "date"},
    # The 普及普惠 certification register: the share of counties certified on the assessment day.
    "programmes_countycertification": {
        "county_id": "int64",
        "kind": "string",
        "certified_on": "date",
        "revoked_on": "date",
    },
    # Figures of statistical returns (eduplan.returns): read for institutions without records.
    "returns_returnaggregate": {
        "institution_id": "int64",
        "school_year": "int64",
        "table_key": "string",
        "row_key": "string",
        "column_key": "string",
        "value": "int64",
    },
}


#: Tables an older ``export-parquet`` directory may lack (read as empty): the returns' figures, the
#: attribute rows (without them every year reads the institutions' current values) and the
#: certification register.
OPTIONAL_TABLES = frozenset(
    {"returns_returnaggregate", "registry_institutionstate", "programmes_countycertification"}
)


def sql_cache_dir() -> Path | None:
    """Where compiled SQL is kept between runs: ``EDUPLAN_CACHE_DIR``, else ``~/.cache/eduplan/sql``
    (``EDUPLAN_CACHE_DIR=off`` disables it). Entries are named by a hash of the metrics code, the
    Ibis and sqlglot versions, the engine's column types and the parameters, so a change to any of
    them simply misses the cache."""
    configured = os.environ.get("EDUPLAN_CACHE_DIR")
    if configured and configured.lower() in ("off", "0", "none"):
        return None
    base = (
        Path(configured)
        if configured
        else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "eduplan"
    )
    return base / "sql"


@functools.cache
def _code_version() -> str:
    import sqlglot

    h = hashlib.sha256(f"{ibis.__version__} {sqlglot.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def _disk_path(full: tuple[Any, ...]) -> Path | None:
    directory = sql_cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(f"{_code_version()} {full!r}".encode()).hexdigest()
    return directory / f"{digest}.json"


def _disk_get(full: tuple[Any, ...]) -> tuple[str, Any] | None:
    path = _disk_path(full)
    try:
        if path is None or not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["sql"], ibis.schema(data["schema"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _disk_put(full: tuple[Any, ...], expr: ir.Table, backend: Any) -> tuple[str, Any]:
    sql, schema = str(backend.compile(expr)), expr.schema()
    path = _disk_path(full)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            payload = {"sql": sql, "schema": {n: str(t) for n, t in schema.items()}}
            tmp.write_text(json.dumps(payload), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: compile every run, still correct
    return sql, schema


class EngineError(RuntimeError):
    """An engine that cannot be opened or lacks a table; the message names the file or database."""


def date_key(col: ir.DateValue) -> ir.IntegerValue:
    """``yyyymmdd`` as an integer (NULL stays NULL)."""
    return (
        col.year().cast("int64") * 10000 + col.month().cast("int64") * 100 + col.day().cast("int64")
    ).cast("int64")


def canonical(table: ir.Table, name: str, *, dates_as_keys: bool = True) -> ir.Table:
    """``table`` restricted to the canonical columns of ``name`` with canonical types."""
    spec = TABLES[name]
    missing = [c for c in spec if c not in table.columns]
    if missing:
        raise EngineError(f"{name}: 缺少列 / missing columns {', '.join(missing)}")
    cols: dict[str, Any] = {}
    for col, kind in spec.items():
        value = table[col]
        if kind == "date":
            cols[col] = date_key(value) if dates_as_keys else value.cast("date")
        elif kind == "boolean":
            cols[col] = value.cast("boolean") if not value.type().is_boolean() else value
        else:
            cols[col] = value.cast(kind)
    return table.select(**cols)


_SQL_CACHE: dict[tuple[Any, ...], tuple[str, Any]] = {}


@dataclass
class Engine:
    """An Ibis backend plus the canonical tables it holds.

    Two engine-level economies, invisible to the measures: compiled SQL is cached per process
    (Ibis compilation costs more than running a city's queries), and a relation several queries
    share can be computed once into a temporary table (:meth:`materialize`).
    """

    name: str
    backend: Any
    _source: Mapping[str, ir.Table] = field(default_factory=dict)
    _cache: dict[str, ir.Table] = field(default_factory=dict)
    _temp: dict[str, Any] = field(default_factory=dict)

    def raw(self, name: str) -> ir.Table:
        if name in self._source:
            return self._source[name]
        try:
            table = self.backend.table(name)
        except Exception as exc:
            raise EngineError(f"{self.name}: 找不到表 {name} / table {name!r} not found") from exc
        self._source = {**self._source, name: table}
        return table

    def table(self, name: str) -> ir.Table:
        if name not in self._cache:
            self._cache[name] = canonical(self.raw(name), name)
        return self._cache[name]

    def tables(self) -> dict[str, ir.Table]:
        return {name: self.table(name) for name in TABLES}

    def fingerprint(self) -> tuple[Any, ...]:
        """What compiled SQL depends on besides the expression: the engine and the raw column types."""
        return (self.name, tuple((n, tuple(map(str, self.raw(n).schema().types))) for n in TABLES))

    def compile(self, key: tuple[Any, ...], build: Callable[[], ir.Table]) -> tuple[str, ir.Schema]:
        """SQL and schema of the expression ``build()`` names by ``key`` (hashable: the expression's
        name and parameters), compiled once per engine layout: kept for the process and on disk
        (:func:`sql_cache_dir`), so a command's first run is as fast as its second."""
        full = (self.fingerprint(), key)
        if full not in _SQL_CACHE:
            _SQL_CACHE[full] = _disk_get(full) or _disk_put(full, build(), self.backend)
        return _SQL_CACHE[full]

    def _fetch(self, sql: str) -> list[tuple[Any, ...]]:
        if self.name == "spark":
            return [tuple(row) for row in self.backend._session.sql(sql).collect()]
        con = self.backend.con
        if self.name == "postgres":
            with con.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        return con.execute(sql).fetchall()

    def _run(self, sql: str) -> None:
        if self.name == "spark":
            self.backend._session.sql(sql)
            return
        con = self.backend.con
        if self.name == "postgres":
            with con.cursor() as cur:
                cur.execute(sql)
        else:
            con.execute(sql)

    def query(self, key: tuple[Any, ...], build: Callable[[], ir.Table]) -> pd.DataFrame:
        """Run the expression ``build()`` (built only when its SQL is not cached yet)."""
        return self._frame(*self.compile(key, build))

    def execute(self, expr: ir.Table) -> pd.DataFrame:
        """Run ``expr`` once, without caching its SQL."""
        return self._frame(str(self.backend.compile(expr)), expr.schema())

    def _frame(self, sql: str, schema: Any) -> pd.DataFrame:
        df = pd.DataFrame.from_records(self._fetch(sql), columns=schema.names)
        for col, dtype in schema.items():
            if dtype.is_numeric() and len(df):
                df[col] = pd.to_numeric(df[col])
        return df

    def materialize(
        self, name: str, key: tuple[Any, ...], build: Callable[[], ir.Table], index: tuple[str, ...] = ()
    ) -> None:
        """Compute ``build()`` once into a temporary table of this connection, read back with
        :meth:`temp_table` and dropped by :meth:`release`."""
        sql, schema = self.compile(key, build)
        temp = f"_eduplan_{name}"
        if self.name == "spark":  # Spark has temporary views, kept in the executors' memory
            frame = self.backend._session.sql(sql)
            frame.cache()
            frame.createOrReplaceTempView(temp)
            self._temp[f"`{temp}`"] = schema
            return
        qualified = {"sqlite": f'temp."{temp}"', "postgres": f'pg_temp."{temp}"'}.get(self.name, f'"{temp}"')
        self._run(f"DROP TABLE IF EXISTS {qualified}")
        self._run(f'CREATE TEMPORARY TABLE "{temp}" AS {sql}')
        if index and self.name == "sqlite":
            self._run(f'CREATE INDEX temp."{temp}_ix" ON "{temp}" ({", ".join(index)})')
        self._temp[qualified] = schema

    def temp_table(self, name: str) -> ir.Table:
        if self.name == "spark":
            return self.backend.sql(
                f"SELECT * FROM `_eduplan_{name}`", schema=self._temp[f"`_eduplan_{name}`"]
            )
        qualified = next(q for q in self._temp if q.endswith(f'"_eduplan_{name}"'))
        return self.backend.sql(f'SELECT * FROM "_eduplan_{name}"', schema=self._temp[qualified])

    def release(self) -> None:
        while self._temp:
            qualified, _ = self._temp.popitem()
            if self.name == "spark":
                self.backend._session.catalog.dropTempView(qualified.strip("`"))
            else:
                self._run(f"DROP TABLE IF EXISTS {qualified}")


def from_django(alias: str = "default") -> Engine:
    """The app's own database through Django's open connection, so an Ibis query sees exactly what
    Django sees (including rows of a transaction not yet committed, as in tests)."""
    from django.db import connections

    conn = connections[alias]
    conn.ensure_connection()
    raw = conn.connection
    if conn.vendor == "sqlite":
        backend = ibis.sqlite.from_connection(raw)
        # Ibis makes LIKE case-sensitive on the connection it is given; Django's SQLite lookups
        # (icontains …) rely on SQLite's default, so put it back.
        raw.execute("PRAGMA case_sensitive_like = OFF")
        name = "sqlite"
    elif conn.vendor == "postgresql":
        backend = ibis.postgres.from_connection(raw)
        name = "postgres"
    else:
        raise EngineError(
            f"不支持的数据库 unsupported database vendor {conn.vendor!r}: use SQLite or PostgreSQL"
        )
    # The tables are declared from TABLES, never looked up: Ibis' SQLite schema lookup commits the
    # connection, which would end Django's open transaction (an atomic block, a test) midway.
    declared = {
        table: ops.DatabaseTable(table, schema=ibis.schema(spec), source=backend).to_expr()
        for table, spec in TABLES.items()
    }
    return Engine(name, backend, declared)


def sqlite(path: str | Path) -> Engine:
    p = Path(path)
    if not p.exists():
        raise EngineError(f"{p}: 找不到 SQLite 数据库 / SQLite database not found")
    return Engine("sqlite", ibis.sqlite.connect(str(p)))


def postgres(url: str) -> Engine:
    return Engine("postgres", ibis.connect(url))


def _parquet_directory(directory: str | Path) -> Path:
    d = Path(directory)
    if not d.is_dir():
        raise EngineError(
            f"{d}: 找不到 Parquet 目录 / Parquet directory not found (write one with eduplan export-parquet DIR)"
        )
    missing = [
        d / f"{name}.parquet"
        for name in TABLES
        if not (d / f"{name}.parquet").exists() and name not in OPTIONAL_TABLES
    ]
    if missing:
        raise EngineError(
            f"{missing[0]}: 缺少文件,请先运行 eduplan export-parquet / missing file: run eduplan export-parquet first"
        )
    return d


def duckdb_parquet(directory: str | Path, *, threads: int | None = None) -> Engine:
    """DuckDB over ``DIR/<table>.parquet`` as written by :func:`export_parquet`."""
    d = _parquet_directory(directory)
    backend = ibis.duckdb.connect()
    if threads:
        backend.raw_sql(f"SET threads = {int(threads)}")
    source: dict[str, ir.Table] = {}
    for name in TABLES:
        path = d / f"{name}.parquet"
        if not path.exists():  # an optional table an older export did not write: empty
            source[name] = backend.create_table(name, schema=ibis.schema(TABLES[name]), temp=True)
            continue
        try:
            source[name] = backend.read_parquet(str(path), table_name=name)
        except Exception as exc:  # DuckDB's own error types vary by version
            raise EngineError(f"{path}: 不是有效的 Parquet 文件 / not a valid Parquet file ({exc})") from exc
    return Engine("duckdb", backend, source)


#: Spark's own settings for the indicators: few shuffle partitions (a province's tables are small
#: next to Spark's default of 200, which would make hundreds of empty tasks per join), UTC (dates
#: are read as dates, never shifted by the machine's zone), no progress bars on the terminal.
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    "spark.ui.enabled": "false",
    # Each measure is a small query: compiling Java for it (whole-stage code generation) and
    # re-planning it adaptively cost more than running it.
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.adaptive.enabled": "false",
}


def spark_parquet(directory: str | Path, *, master: str | None = None) -> Engine:
    """Spark over ``DIR/<table>.parquet`` (Ibis' PySpark backend): local mode (``local[*]``, in
    this process's JVM) unless ``master`` names a cluster (``spark://host:7077``, ``yarn``,
    ``k8s://…``). ``pip install 'eduplan[spark]'`` installs PySpark; it needs Java 17."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "找不到 PySpark,请安装 pip install 'eduplan[spark]' / PySpark is not installed: "
            "pip install 'eduplan[spark]'"
        ) from exc
    d = _parquet_directory(directory)
    builder = SparkSession.builder.appName("eduplan-indicators").master(master or "local[*]")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, an unreachable master …
        raise EngineError(f"无法启动 Spark / cannot start Spark ({master or 'local[*]'}): {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    backend = ibis.pyspark.connect(session)
    source: dict[str, ir.Table] = {}
    for name in TABLES:
        path = d / f"{name}.parquet"
        if not path.exists():  # an optional table an older export did not write: empty
            empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in TABLES[name]})
            source[name] = backend.create_table(name, empty, schema=ibis.schema(TABLES[name]), temp=True)
            continue
        source[name] = backend.read_parquet(str(path.resolve()), table_name=name)
    return Engine("spark", backend, source)


def parquet_engine(engine: str, directory: str | Path, *, master: str | None = None) -> Engine:
    """The engine ``eduplan indicators --engine duckdb|spark --parquet DIR`` names."""
    if engine == "spark":
        return spark_parquet(directory, master=master)
    if master:
        raise EngineError("--spark-master 只用于 --engine spark / --spark-master needs --engine spark")
    return duckdb_parquet(directory)


def duckdb_tables(tables: Mapping[str, Any], *, threads: int | None = None) -> Engine:
    """DuckDB in memory over tables given as pandas or Arrow (tests, benchmarks); a table not given
    is empty."""
    backend = ibis.duckdb.connect()
    if threads:
        backend.raw_sql(f"SET threads = {int(threads)}")
    import pyarrow as pa

    for name, spec in TABLES.items():
        schema = ibis.schema(spec).to_pyarrow()
        data = tables.get(name)
        if data is None:
            arrow = schema.empty_table()
        elif isinstance(data, pd.DataFrame):
            arrow = pa.Table.from_pandas(data[list(spec)], schema=schema, preserve_index=False)
        else:
            arrow = data.select(list(spec)).cast(schema)
        backend.con.register("_eduplan_input", arrow)
        backend.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _eduplan_input')
        backend.con.unregister("_eduplan_input")
    return Engine("duckdb", backend)


def export_parquet(engine: Engine, directory: str | Path) -> dict[str, int]:
    """Write every canonical table of ``engine`` to ``DIR/<table>.parquet``; returns row counts.

    The columns are read by name with a plain ``SELECT`` (the Django engine declares only the
    canonical columns, and Ibis would otherwise ask for ``*``) and typed here, once, for every
    engine: dates come back as text from SQLite and as dates from PostgreSQL."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import sqlglot as sg

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    dialect = {"sqlite": "sqlite", "postgres": "postgres"}.get(engine.name, "duckdb")
    for name, spec in TABLES.items():
        sql = (
            sg.select(*[sg.column(c, quoted=True) for c in spec])
            .from_(sg.table(name, quoted=True))
            .sql(dialect)
        )
        df = pd.DataFrame.from_records(engine._fetch(sql), columns=list(spec))
        for col, kind in spec.items():
            if kind == "date":
                df[col] = pd.to_datetime(df[col], errors="coerce").dt.date
            elif kind == "int64":
                df[col] = pd.to_numeric(df[col]).astype("Int64")
            elif kind == "boolean":
                df[col] = df[col].map(lambda v: None if v is None else bool(v)).astype("boolean")
        df = df.astype({c: object for c, k in spec.items() if k == "date"})
        df = df.where(df.notna(), None)
        table = pa.Table.from_pandas(df, schema=ibis.schema(spec).to_pyarrow(), preserve_index=False)
        pq.write_table(table, d / f"{name}.parquet")
        counts[name] = table.num_rows
    return counts
