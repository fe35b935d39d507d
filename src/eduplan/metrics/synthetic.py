"""Synthetic registry tables at city, province or nation scale, for benchmarks and engine tests.

Not the demo (``eduplan demo`` builds a realistic city through the registry's actions): this writes
the canonical tables of :mod:`.engines` directly — numpy, seeded, vectorised — so that a nation of
~2,800 counties and millions of classes is generated in seconds. Sizes follow STANDARDS.md, "Scale
references" (≈ 253,000 kindergartens and 15,800 general high schools in China in 2024; Yunnan 16
cities, ~130 counties). Every value is synthetic.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .engines import TABLES


@dataclass(frozen=True)
class Scale:
    provinces: int
    cities_per_province: int
    counties_per_city: int
    townships_per_county: int
    kindergartens_per_county: int
    attached_per_county: int
    high_schools_per_county: int
    vocational_per_county: int
    years: tuple[int, ...] = (2021, 2022, 2023, 2024)


SCALES: dict[str, Scale] = {
    # One city of 9 counties (Yuxi: 75 townships, a few hundred kindergartens, ~35 high schools).
    "city": Scale(1, 1, 9, 8, 36, 8, 4, 1),
    # A province of 16 cities and ~130 counties (Yunnan: 7,310 kindergartens in 2016).
    "province": Scale(1, 16, 8, 12, 56, 12, 5, 2),
    # 31 provinces, ~2,800 counties, ~250,000 kindergartens, ~17,000 high schools.
    "nation": Scale(31, 10, 9, 14, 90, 20, 6, 3),
}

KG_GROUPS = np.array(["small", "middle", "large", "mixed", "nursery"])
HS_GRADES = np.array(["g10", "g11", "g12"])
KG_GRADES = np.array(["1-1", "1-2", "1-3", "2-1", "2-2", "2-3", "3-1", "3-2", "3-3", ""])
HS_RATINGS = np.array(["p1-1", "p1-2", "p1-3", "p2", "p3", ""])
EPOCH = dt.date(1970, 1, 1)


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


def _date_array(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Days since 1970-01-01 as a date32 array; ``valid`` False → NULL."""
    mask = None if valid is None else ~np.asarray(valid, bool)
    return pa.array(days.astype("int32"), mask=mask, type=pa.int32()).cast(pa.date32())


def _states(
    inst: pa.Table, established: np.ndarray, years: Sequence[int] | np.ndarray, rng: np.random.Generator
) -> pa.Table:
    """The attribute rows (``registry.models.states``): one from each institution's opening and, for
    one in ten, a later change (re-grading, conversion, network connection) in force from a day
    inside the years generated — so the benchmarks read the time model as the registry holds it."""
    n = inst.num_rows
    changed = np.flatnonzero(rng.random(n) < 0.1)
    first = _days(dt.date(years[0], 1, 1))
    when = np.maximum(established[changed] + 1, rng.integers(first, first + 365 * len(years), len(changed)))
    cols = {c: inst.column(c) for c in TABLES["registry_institutionstate"] if c in inst.column_names}
    base = {**cols, "institution_id": inst.column("id"), "effective_from": _date_array(established)}
    later = {c: pa.chunked_array(v).take(pa.array(changed)) for c, v in base.items()}
    later["effective_from"] = _date_array(when)
    grade = later["grade"].to_numpy(zero_copy_only=False)
    later["grade"] = pa.array(
        np.where(grade != "", KG_GRADES[rng.integers(0, len(KG_GRADES), len(changed))], "")
    )
    later["network_connected"] = pa.array(np.ones(len(changed), bool))
    joined = {
        c: pa.concat_arrays(
            [pa.chunked_array(base[c]).combine_chunks(), pa.chunked_array(later[c]).combine_chunks()]
        )
        for c in base
    }
    joined["seats"] = pa.array(rng.integers(90, 3000, n + len(changed)))
    joined["id"] = pa.array(np.arange(1, n + len(changed) + 1))
    return _table("registry_institutionstate", joined)


def _table(name: str, columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    spec = TABLES[name]
    schema = pa.schema(
        [
            (c, {"int64": pa.int64(), "string": pa.string(), "boolean": pa.bool_(), "date": pa.date32()}[t])
            for c, t in spec.items()
        ]
    )
    arrays = []
    for col, field in zip(spec, schema, strict=True):
        value = columns[col]
        arrays.append(value if isinstance(value, pa.Array) else pa.array(value, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def generate(scale: str | Scale, seed: int = 1) -> dict[str, pa.Table]:
    """Every canonical table, seeded; ``scale`` is a name of :data:`SCALES` or a :class:`Scale`."""
    s = SCALES[scale] if isinstance(scale, str) else scale
    rng = np.random.default_rng(seed)
    years = np.array(s.years)
    tables: dict[str, pa.Table] = {}

    # Divisions: nation → provinces → cities → counties → townships, ids in that order.
    n_prov = s.provinces
    n_city = n_prov * s.cities_per_province
    n_county = n_city * s.counties_per_city
    n_town = n_county * s.townships_per_county
    prov_id = np.arange(1, n_prov + 1)
    city_id = np.arange(n_prov + 1, n_prov + n_city + 1)
    county_id = np.arange(city_id[-1] + 1, city_id[-1] + n_county + 1)
    town_id = np.arange(county_id[-1] + 1, county_id[-1] + n_town + 1)
    city_prov = np.repeat(prov_id, s.cities_per_province)
    county_city = np.repeat(city_id, s.counties_per_city)
    town_county = np.repeat(county_id, s.townships_per_county)
    ids = np.concatenate([prov_id, city_id, county_id, town_id])
    level = np.array(
        ["province"] * n_prov + ["city"] * n_city + ["county"] * n_county + ["township"] * n_town
    )
    parent = np.concatenate([np.zeros(n_prov, int), city_prov, county_city, town_county])
    county_of = np.concatenate([np.zeros(n_prov + n_city, int), county_id, town_county])
    city_of = np.concatenate(
        [np.zeros(n_prov, int), city_id, county_city, county_city[town_county - county_id[0]]]
    )
    codes = np.array([f"S{i:07d}" for i in ids])
    names = np.array([f"合成{lv}{i}" for lv, i in zip(level, ids, strict=True)])
    start = np.full(len(ids), _days(dt.date(1949, 10, 1)))
    tables["registry_division"] = _table(
        "registry_division",
        {
            "id": ids,
            "code": codes,
            "name": names,
            "level": level,
            "parent_id": pa.array(parent, mask=parent == 0, type=pa.int64()),
            "county_id": pa.array(county_of, mask=county_of == 0, type=pa.int64()),
            "city_id": pa.array(city_of, mask=city_of == 0, type=pa.int64()),
            "valid_from": _date_array(start),
            "valid_to": _date_array(np.zeros(len(ids), int), np.zeros(len(ids), bool)),
        },
    )

    # Population: township × year × single age 0–18 × sex, year-end, resident.
    ages = np.arange(0, 19)
    cells = n_town * len(years) * len(ages) * 2
    p_town = np.repeat(town_id, len(years) * len(ages) * 2)
    p_year = np.tile(np.repeat(years, len(ages) * 2), n_town)
    p_age = np.tile(np.repeat(ages, 2), n_town * len(years))
    p_sex = np.tile(np.array(["M", "F"]), n_town * len(years) * len(ages))
    base = rng.integers(40, 160, n_town)
    p_count = rng.poisson(np.repeat(base, len(years) * len(ages) * 2)).astype("int64")
    tables["registry_populationcount"] = _table(
        "registry_populationcount",
        {
            "division_id": p_town,
            "year": p_year,
            "age_min": p_age,
            "age_max": p_age,
            "sex": p_sex,
            "basis": np.full(cells, "resident"),
            "count": p_count,
        },
    )
    b_years = np.arange(years[0] - 19, years[-1] + 1)
    tables["registry_births"] = _table(
        "registry_births",
        {
            "division_id": np.repeat(town_id, len(b_years)),
            "year": np.tile(b_years, n_town),
            "basis": np.full(n_town * len(b_years), "resident"),
            "count": rng.poisson(np.repeat(base * 2, len(b_years))).astype("int64"),
        },
    )

    # Institutions, county by county.
    per_county = {
        "kindergarten": s.kindergartens_per_county,
        "attached": s.attached_per_county,
        "high_school": s.high_schools_per_county,
        "vocational": s.vocational_per_county,
    }
    kinds = np.concatenate([np.full(n_county * n, k) for k, n in per_county.items()])
    i_county = np.concatenate([np.repeat(county_id, n) for n in per_county.values()])
    n_inst = len(kinds)
    i_id = np.arange(1, n_inst + 1)
    i_town = town_id[
        (i_county - county_id[0]) * s.townships_per_county + rng.integers(0, s.townships_per_county, n_inst)
    ]
    is_kg = kinds == "kindergarten"
    is_hs = kinds == "high_school"
    own_draw = rng.random(n_inst)
    ownership = np.where(
        ~is_kg | (own_draw < 0.55),
        "public",
        np.where(own_draw < 0.9, "private_nonprofit", "private_forprofit"),
    )
    inclusive = is_kg & (ownership != "public") & (rng.random(n_inst) < 0.7)
    inclusive_since = rng.integers(_days(dt.date(2015, 1, 1)), _days(dt.date(2024, 6, 1)), n_inst)
    lic_draw = rng.random(n_inst)
    licence = np.where(
        is_kg,
        np.where(lic_draw < 0.95, "licensed", np.where(lic_draw < 0.98, "teaching_point", "unlicensed")),
        "",
    )
    grade = np.where(is_kg, KG_GRADES[rng.integers(0, len(KG_GRADES), n_inst)], "")
    grade_year = rng.integers(2015, years[-1] + 1, n_inst)
    rating = np.where(is_hs, HS_RATINGS[rng.integers(0, len(HS_RATINGS), n_inst)], "")
    established = rng.integers(_days(dt.date(1950, 1, 1)), _days(dt.date(years[-1], 6, 1)), n_inst)
    closed_valid = rng.random(n_inst) < 0.02
    closed = established + rng.integers(365, 365 * 30, n_inst)
    tables["registry_institution"] = _table(
        "registry_institution",
        {
            "id": i_id,
            "code": np.array([f"I{i:08d}" for i in i_id]),
            "kind": kinds,
            "division_id": i_town,
            "county_id": i_county,
            "ownership": ownership,
            "inclusive": inclusive,
            "inclusive_since": _date_array(inclusive_since, inclusive),
            "licence_status": licence,
            "grade": grade,
            "grade_year": pa.array(grade_year, mask=grade == "", type=pa.int64()),
            "rating": rating,
            "is_county_high_school": is_hs & (rng.random(n_inst) < 0.6),
            "is_new_build": is_hs & (rng.random(n_inst) < 0.1),
            "network_connected": is_hs & (rng.random(n_inst) < 0.8),
            "is_demonstration": is_kg & (rng.random(n_inst) < 0.03),
            "established_on": _date_array(established),
            "closed_on": _date_array(closed, closed_valid),
        },
    )
    tables["registry_institutionstate"] = _states(tables["registry_institution"], established, years, rng)
    tables["registry_historicalinstitution"] = _table(
        "registry_historicalinstitution", {"id": i_id, "county_id": i_county}
    )

    # Classes: kindergartens 3–9 classes, attached 1–2, high schools 3 grades × 4–14, vocational 6–20.
    lo = np.select([is_kg, kinds == "attached", is_hs], [3, 1, 12], 6)
    hi = np.select([is_kg, kinds == "attached", is_hs], [10, 3, 43], 21)
    n_classes = rng.integers(lo, hi, (len(years), n_inst))
    c_inst = np.concatenate([np.repeat(i_id, n_classes[k]) for k in range(len(years))])
    c_year = np.concatenate([np.full(n_classes[k].sum(), y) for k, y in enumerate(years)])
    n_c = len(c_inst)
    c_kind = kinds[c_inst - 1]
    c_pre = (c_kind == "kindergarten") | (c_kind == "attached")
    size = np.where(c_pre, rng.normal(28, 6, n_c), rng.normal(50, 7, n_c)).clip(5, 90).astype("int64")
    boys = rng.binomial(size, 0.51)
    grade_idx = rng.integers(0, 3, n_c)
    group = np.where(
        c_pre,
        KG_GROUPS[rng.integers(0, len(KG_GROUPS), n_c)],
        np.where(c_kind == "high_school", HS_GRADES[grade_idx], np.array(["v1", "v2", "v3"])[grade_idx]),
    )
    share = rng.dirichlet(np.ones(5), n_c)
    ages = np.where(c_pre[:, None], np.floor(share * size[:, None]), 0).astype("int64")
    ages[:, 2] += np.where(c_pre, size - ages.sum(axis=1), 0)
    tables["registry_schoolclass"] = _table(
        "registry_schoolclass",
        {
            "institution_id": c_inst,
            "school_year": c_year,
            "age_group": group,
            "is_new_intake": grade_idx == 0,
            "boys": boys,
            "girls": size - boys,
            "age_under3": ages[:, 0],
            "age_3": ages[:, 1],
            "age_4": ages[:, 2],
            "age_5": ages[:, 3],
            "age_over5": ages[:, 4],
        },
    )

    # Staff of kindergartens: 1 principal and ~2 teachers a class (of the last year), 90% certified.
    kg_ids = i_id[is_kg | (kinds == "attached")]
    teachers = n_classes[-1][kg_ids - 1] * 2
    roles_per = teachers + 1
    s_inst = np.repeat(kg_ids, roles_per)
    first = np.zeros(len(s_inst), bool)
    first[np.concatenate([[0], np.cumsum(roles_per)[:-1]])] = True
    certified = rng.random(len(s_inst)) < 0.9
    role = np.where(first, "principal", "teacher")
    cert = np.where(certified, np.where(first, "principal", "kg_teacher"), "")
    s_start = rng.integers(_days(dt.date(2005, 1, 1)), _days(dt.date(years[-1], 6, 1)), len(s_inst))
    s_end_valid = rng.random(len(s_inst)) < 0.1
    s_end = s_start + rng.integers(200, 3000, len(s_inst))
    tables["registry_staffmember"] = _table(
        "registry_staffmember",
        {
            "institution_id": s_inst,
            "role": role,
            "certificate": cert,
            "start_date": _date_array(s_start),
            "end_date": _date_array(s_end, s_end_valid),
        },
    )

    # Trusteeship of half the high schools.
    hs_ids = i_id[is_hs]
    chosen = hs_ids[rng.random(len(hs_ids)) < 0.5]
    p_start = rng.integers(_days(dt.date(2020, 1, 1)), _days(dt.date(years[-1], 6, 1)), len(chosen))
    tables["registry_pairing"] = _table(
        "registry_pairing",
        {
            "kind": np.full(len(chosen), "hs_trusteeship"),
            "supporter_id": pa.array(
                np.zeros(len(chosen), int), mask=np.ones(len(chosen), bool), type=pa.int64()
            ),
            "supported_id": chosen,
            "start_date": _date_array(p_start),
            "end_date": _date_array(np.zeros(len(chosen), int), np.zeros(len(chosen), bool)),
        },
    )
    # Tables the generator does not fill (the programme registers) are present and empty.
    for name in TABLES:
        if name not in tables:
            tables[name] = _table(name, {c: [] for c in TABLES[name]})
    return tables


def write_parquet(tables: dict[str, pa.Table], directory: str | Path) -> None:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, d / f"{name}.parquet")


_SQLITE_TYPES = {"int64": "bigint", "string": "varchar(100)", "boolean": "bool", "date": "date"}


def write_sqlite(tables: dict[str, pa.Table], path: str | Path, *, batch: int = 200_000) -> None:
    """The canonical tables in a SQLite file with Django's declared types (dates as ISO text, booleans
    as 0/1) and the registry's indexes on the join columns."""
    p = Path(path)
    p.unlink(missing_ok=True)
    con = sqlite3.connect(p)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    for name, table in tables.items():
        spec = TABLES[name]
        cols = ", ".join(f'"{c}" {_SQLITE_TYPES[t]}' for c, t in spec.items())
        con.execute(f'CREATE TABLE "{name}" ({cols})')
        marks = ", ".join("?" for _ in spec)
        for offset in range(0, table.num_rows, batch):
            chunk = table.slice(offset, batch)
            columns = []
            for c, t in spec.items():
                values = chunk.column(c).to_pylist()
                if t == "date":
                    values = [v.isoformat() if v is not None else None for v in values]
                elif t == "boolean":
                    values = [None if v is None else int(v) for v in values]
                columns.append(values)
            con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', zip(*columns, strict=True))
    for name, col in (
        ("registry_schoolclass", "institution_id"),
        ("registry_schoolclass", "school_year"),
        ("registry_staffmember", "institution_id"),
        ("registry_populationcount", "division_id"),
        ("registry_institution", "county_id"),
        ("registry_historicalinstitution", "id"),
    ):
        con.execute(f'CREATE INDEX "{name}_{col}" ON "{name}" ("{col}")')
    con.commit()
    con.close()
