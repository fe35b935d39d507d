"""Measures on small tables in DuckDB (no Django database): the age cut-off, bands, class limits,
the census day, and which county an institution counts in when its county split."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from eduplan.metrics import engines
from eduplan.metrics.measures import build_measures, compute_measures
from eduplan.metrics.params import MonthDay, load_params

D = dt.date
F = 243 / 365  # 31 August is day 243 of a common year


def division_rows() -> pd.DataFrame:
    """City 1; county 2 (valid until 2023-06-01) split into 3; townships 10 (of 2) and 11 (of 3)."""
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 10, 11],
            "code": ["530400", "530422", "530491", "530422100", "530491100"],
            "name": ["市", "旧县", "新县", "旧镇", "新镇"],
            "level": ["city", "county", "county", "township", "township"],
            "parent_id": [None, 1, 1, 2, 3],
            "county_id": [None, 2, 3, 2, 3],
            "city_id": [1, 1, 1, 1, 1],
            "valid_from": [D(1949, 10, 1)] * 2 + [D(2023, 6, 1), D(1949, 10, 1), D(2023, 6, 1)],
            "valid_to": [None, D(2023, 6, 1), None, D(2023, 6, 1), None],
        }
    )


def population(rows: list[tuple[int, int | None, int]], year: int = 2024, division: int = 10) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "division_id": [division] * len(rows),
            "year": [year] * len(rows),
            "age_min": [r[0] for r in rows],
            "age_max": [r[1] for r in rows],
            "sex": ["M"] * len(rows),
            "basis": ["resident"] * len(rows),
            "count": [r[2] for r in rows],
        }
    )


def one_class(year: int = 2024, institution: int = 100) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "institution_id": [institution],
            "school_year": [year],
            "age_group": ["small"],
            "is_new_intake": [True],
            "boys": [5],
            "girls": [5],
            "age_under3": [0],
            "age_3": [10],
            "age_4": [0],
            "age_5": [0],
            "age_over5": [0],
        }
    )


def kindergarten(county: int = 3, division: int = 11, **kw) -> pd.DataFrame:
    row = {
        "id": 100,
        "code": "K",
        "kind": "kindergarten",
        "division_id": division,
        "county_id": county,
        "ownership": "public",
        "inclusive": False,
        "inclusive_since": None,
        "licence_status": "licensed",
        "grade": "",
        "grade_year": None,
        "rating": "",
        "is_county_high_school": False,
        "is_new_build": False,
        "network_connected": False,
        "is_demonstration": False,
        "established_on": D(2000, 1, 1),
        "closed_on": None,
    }
    row.update(kw)
    return pd.DataFrame([row])


def measures_of(tables: dict, params=None) -> pd.DataFrame:
    params = params or load_params()
    frame = compute_measures(engines.duckdb_tables(tables), params, build_measures(params))
    return frame.set_index(["county_id", "school_year"])


def test_population_is_shifted_to_the_age_cutoff():
    # Year-end single ages 2..7 with 10..60 people: on 31 August, f of the 3-year-olds and (1 − f)
    # of the 6-year-olds are 3–5: 20f + 30 + 40 + 50(1 − f) = 120 − 30f.
    singles = [(a, a, c) for a, c in zip(range(2, 8), (10, 20, 30, 40, 50, 60), strict=True)]
    m = measures_of(
        {
            "registry_division": division_rows(),
            "registry_populationcount": population(singles),
            "registry_schoolclass": one_class(),
            "registry_institution": kindergarten(county=2, division=10),
        }
    )
    assert m.loc[(2, 2024), "population_age_3_5"] == pytest.approx(120 - 30 * F)


def test_population_bands_spread_evenly_and_open_bands_count_nowhere():
    # A band 3–5 of 300 holds 100 a year: at the cut-off its 3 ages give 3f/3 + ... = (3f + 2(1 − f))/3
    # of it, i.e. 100(2 + f); the open band 18+ is never a child group.
    m = measures_of(
        {
            "registry_division": division_rows(),
            "registry_populationcount": population([(3, 5, 300), (18, None, 1000)]),
            "registry_schoolclass": one_class(),
            "registry_institution": kindergarten(county=2, division=10),
        }
    )
    assert m.loc[(2, 2024), "population_age_3_5"] == pytest.approx(100 * (2 + F))
    assert m.loc[(2, 2024), "population_age_15_17"] == 0


def test_high_school_ages_take_the_single_year_18s_and_miss_them_in_an_open_18_plus_band():
    # 15–17 on 31 August = f·P15 + P16 + P17 + (1 − f)·P18 of year-end ages. With 18 held as a
    # single year (the demo: 0–19 and 20+) it is counted; with only an open band 18+ it cannot be
    # told apart from the adults and the group is short of (1 − f)·P18 (docs/metrics.md).
    tables = {
        "registry_division": division_rows(),
        "registry_schoolclass": one_class(),
        "registry_institution": kindergarten(county=2, division=10),
    }
    teens = [(15, 15, 100), (16, 16, 110), (17, 17, 120)]
    single = measures_of(
        {
            **tables,
            "registry_populationcount": population([*teens, (18, 18, 130), (19, 19, 140), (20, None, 5000)]),
        }
    )
    assert single.loc[(2, 2024), "population_age_15_17"] == pytest.approx(100 * F + 230 + 130 * (1 - F))
    banded = measures_of({**tables, "registry_populationcount": population([*teens, (18, None, 5270)])})
    assert banded.loc[(2, 2024), "population_age_15_17"] == pytest.approx(100 * F + 230)


def test_cutoff_at_year_end_counts_exact_ages():
    # With the cut-off on 31 December, f = 1: ages 3, 4, 5 exactly (20 + 30 + 40) and the band whole.
    params = dataclasses.replace(load_params(), age_cutoff=MonthDay(12, 31))
    singles = [(a, a, c) for a, c in zip(range(2, 8), (10, 20, 30, 40, 50, 60), strict=True)]
    m = measures_of(
        {
            "registry_division": division_rows(),
            "registry_populationcount": population([*singles, (3, 5, 300)]),
            "registry_schoolclass": one_class(),
            "registry_institution": kindergarten(county=2, division=10),
        },
        params,
    )
    assert m.loc[(2, 2024), "population_age_3_5"] == pytest.approx(90 + 300)


def test_institution_counts_in_the_county_valid_that_year():
    # Kindergarten 100 is now in county 3 (valid from 2023-06-01); its history says county 2.
    # Its 2022 class counts in county 2, its 2024 class in county 3.
    classes = pd.concat([one_class(2022), one_class(2024)])
    history = pd.DataFrame({"id": [100, 100], "county_id": [2, 3]})
    m = measures_of(
        {
            "registry_division": division_rows(),
            "registry_schoolclass": classes,
            "registry_institution": kindergarten(),
            "registry_historicalinstitution": history,
        }
    )
    assert m.loc[(2, 2022), "children_enrolled"] == 10
    assert m.loc[(3, 2024), "children_enrolled"] == 10
    assert (3, 2022) not in m.index and (2, 2024) not in m.index


def test_kindergarten_class_limits_come_from_the_standards():
    # A small class (小班) of 10 is within 25; with the limit set to 9 it is not.
    tables = {
        "registry_division": division_rows(),
        "registry_schoolclass": one_class(),
        "registry_institution": kindergarten(),
    }
    assert measures_of(tables).loc[(3, 2024), "kg_classes_within_limit"] == 1
    params = load_params()
    params = dataclasses.replace(params, kg_class_limits={**params.kg_class_limits, "small": 9})
    assert measures_of(tables, params).loc[(3, 2024), "kg_classes_within_limit"] == 0


def test_census_day_decides_what_was_open_rated_and_recognised():
    # Opened 2024-10-01, after the 2024 census day (1 September): not yet counted that year, though
    # its children are; recognised inclusive 2024-09-01: counts; graded in 2025: not yet rated.
    tables = {
        "registry_division": division_rows(),
        "registry_schoolclass": one_class(),
        "registry_institution": kindergarten(
            ownership="private_nonprofit",
            inclusive=True,
            inclusive_since=D(2024, 9, 1),
            grade="1-1",
            grade_year=2025,
            established_on=D(2024, 10, 1),
        ),
    }
    m = measures_of(tables)
    assert m.loc[(3, 2024), "kindergartens"] == 0
    assert m.loc[(3, 2024), "children_enrolled"] == 10
    assert m.loc[(3, 2024), "children_inclusive"] == 10
    tables["registry_institution"] = kindergarten(grade="1-1", grade_year=2025)
    m = measures_of(tables)
    assert (m.loc[(3, 2024), "kindergartens"], m.loc[(3, 2024), "kindergartens_rated"]) == (1, 0)


def test_unlicensed_children_are_counted_apart():
    tables = {
        "registry_division": division_rows(),
        "registry_schoolclass": one_class(),
        "registry_institution": kindergarten(licence_status="unlicensed", ownership="private_forprofit"),
    }
    m = measures_of(tables)
    assert (m.loc[(3, 2024), "children_enrolled"], m.loc[(3, 2024), "children_unlicensed"]) == (0, 10)
    assert m.loc[(3, 2024), "unlicensed_kindergartens"] == 1
