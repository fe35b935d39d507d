"""Benchmark: cohort projection, seat gaps and target allocation at national scale (PRE-4.1.1).

Synthetic arrays only (generated here, labelled synthetic): ~2,850 county-level divisions (China had
2,844 in 2023) and ~41,000 townships, six observed years, ages 0–17 by sex, projected to 2035;
every allocation method over all counties. Prints one JSON object. Targets are floors: projection
and allocation for the counties within 10 s.

    python bench/planning.py            # national scale
    python bench/planning.py --quick    # a tenth of it, for a smoke run
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from eduplan.planning.allocation.core import METHODS, allocate
from eduplan.planning.gaps.core import (
    expected_children,
    merge_candidates,
    project_institution_children,
    seat_balance,
    townships_short_of_public_kindergartens,
)
from eduplan.planning.projection.core import (
    HIGH_SCHOOL_AGES,
    KINDERGARTEN_AGES,
    NetMigration,
    ProjectionSettings,
    backtest,
    project,
    project_from_history,
    rake_to_parent,
)

COUNTIES = 2_850
TOWNSHIPS = 41_000
VILLAGE_KINDERGARTENS = 120_000
FIRST_YEAR = 2019
OBSERVED_YEARS = 6
N_AGES = 18
TARGET_SECONDS = 10.0
CITY_TARGET = 96.0
KINDERGARTEN_RATE = 96.0
REPEATS = 3


def timed(fn: Callable[[], Any], repeats: int = REPEATS) -> tuple[Any, float]:
    """Best wall time of ``repeats`` runs (the machine is shared; the best run is the least noisy)."""
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def synthetic_history(rng: np.random.Generator, areas: int) -> tuple[np.ndarray, np.ndarray]:
    """Registry-like history: births falling ~5% a year with noise, small net migration."""
    size = rng.lognormal(np.log(3_000), 0.8, size=areas)
    base = size[:, None, None] * rng.uniform(0.9, 1.1, size=(areas, N_AGES, 2)) * np.array([0.53, 0.47])
    births = (
        size[None, :]
        * 0.95 ** np.arange(OBSERVED_YEARS)[:, None]
        * rng.uniform(0.9, 1.1, (OBSERVED_YEARS, areas))
    )
    rates = rng.normal(0.0, 0.02, size=(areas, N_AGES, 2))
    noise = rng.normal(0.0, 0.01, size=(OBSERVED_YEARS - 1, areas, N_AGES, 2))
    history = project(
        base,
        FIRST_YEAR,
        births[1:],
        migration=NetMigration(rates=rates + noise),
        settings=ProjectionSettings(),
    ).population
    return history, births


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the national scale")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    counties, townships, villages = COUNTIES // scale, TOWNSHIPS // scale, VILLAGE_KINDERGARTENS // scale
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    cfg = ProjectionSettings()

    history, births = synthetic_history(rng, counties)
    timings: dict[str, float] = {}
    checks: dict[str, Any] = {}

    proj, timings["county_projection"] = timed(
        lambda: project_from_history(history, births, FIRST_YEAR, settings=cfg)
    )
    kg_pop = proj.band(KINDERGARTEN_AGES)
    bt, timings["county_backtest"] = timed(lambda: backtest(history, births, FIRST_YEAR, 2021, settings=cfg))
    checks["backtest_wape_total_pct"] = [round(float(x), 3) for x in bt.total.wape]
    checks["backtest_wape_3_5_pct"] = [round(float(x), 3) for x in bt.bands[KINDERGARTEN_AGES.label].wape]
    checks["kindergarten_ages_born_through"] = proj.born_through(KINDERGARTEN_AGES)
    checks["high_school_ages_born_through"] = proj.born_through(HIGH_SCHOOL_AGES)

    # townships: project, then rake to the county projection
    parent_of = np.sort(rng.integers(0, counties, size=townships))
    t_history, t_births = synthetic_history(rng, townships)
    t_proj, timings["township_projection"] = timed(
        lambda: project_from_history(t_history, t_births, FIRST_YEAR, settings=cfg)
    )
    raked, timings["township_rake"] = timed(
        lambda: rake_to_parent(t_proj.population, proj.population, parent_of)
    )
    checks["rake_max_relative_error"] = float(
        np.max(
            np.abs(
                np.bincount(parent_of, weights=raked[-1].sum(axis=(1, 2)), minlength=counties)
                - proj.population[-1].sum(axis=(1, 2))
            )
            / np.maximum(proj.population[-1].sum(axis=(1, 2)), 1.0)
        )
    )
    t_kg = raked[:, :, KINDERGARTEN_AGES.lo : KINDERGARTEN_AGES.hi + 1].sum(axis=(2, 3))

    # seats and gaps for townships, aggregated to counties; layout flags
    seats = np.round(t_kg[0] * rng.uniform(0.8, 1.2, townships))
    added = np.zeros_like(t_kg)
    added[1] = np.round(rng.uniform(0, 30, townships))

    def gaps() -> Any:
        balance = seat_balance(
            expected_children(t_kg, KINDERGARTEN_RATE), seats, added_seats=added, years=proj.years
        )
        return balance, balance.by_parent(parent_of, counties)

    (balance, county_balance), timings["township_gaps_and_county_totals"] = timed(gaps)
    checks["township_gap_seats_2035"] = int(balance.gap[-1].sum())
    checks["county_gap_seats_2035"] = int(county_balance.gap[-1].sum())
    t_population = rng.lognormal(np.log(15_000), 0.6, townships)
    public = rng.integers(0, 4, townships)
    flags, timings["township_flags"] = timed(
        lambda: townships_short_of_public_kindergartens(t_population, public)
    )
    checks["townships_flagged"] = int(flags.index.size)
    village_of = rng.integers(0, townships, villages)
    current = rng.uniform(3, 60, villages)

    def villages_check() -> Any:
        kids = project_institution_children(current, t_kg, village_of)
        return merge_candidates(kids, proj.years, area_of=village_of)

    merge, timings["village_merge_candidates"] = timed(villages_check)
    checks["village_merge_candidates"] = int(merge.index.size)

    # allocation of a city-style target over every county (one "city" of all counties)
    weight = np.round(kg_pop[0])
    last = rng.uniform(75, 105, counties)
    have = np.round(last * weight / 100 * rng.uniform(0.97, 1.1, counties))
    planned = np.round(rng.uniform(0, 0.03, counties) * weight)
    lower = np.minimum(last, 85.0)
    upper = np.maximum(last, 100.0) + rng.uniform(0, 5, counties)
    for method in METHODS:
        run = partial(
            allocate, CITY_TARGET, last, weight, have, planned, method=method, lower=lower, upper=upper
        )
        result, timings[f"allocate_{method}"] = timed(run)
        checks[f"allocate_{method}_feasible"] = result.feasible
        checks[f"allocate_{method}_target_error_pp"] = abs(result.city_rate - CITY_TARGET)
        checks[f"allocate_{method}_seats_needed"] = int(result.seats_needed.sum())

    total = time.perf_counter() - started
    core = (
        timings["county_projection"]
        + timings["county_backtest"]
        + sum(v for k, v in timings.items() if k.startswith("allocate_"))
    )
    print(
        json.dumps(
            {
                "benchmark": "planning",
                "synthetic": True,
                "quick": args.quick,
                "counties": counties,
                "townships": townships,
                "village_kindergartens": villages,
                "projected_years": f"{proj.base_year}-{int(proj.years[-1])}",
                "timings_s": {k: round(v, 4) for k, v in timings.items()},
                "county_projection_and_allocation_s": round(core, 3),
                "target_s": TARGET_SECONDS,
                "within_target": core < TARGET_SECONDS,
                "whole_benchmark_s": round(total, 3),
                "checks": checks,
                "python": platform.python_version(),
                "numpy": np.__version__,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0 if core < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
