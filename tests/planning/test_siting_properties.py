"""Properties every siting answer must have, on random instances (PRE-4.1.1).

Seats are never exceeded in the capacitated models; every demand point is either assigned exactly
once (to an open site) or reported uncovered; the bound never exceeds the answer; and the heuristic
never claims a smaller gap than the exact model's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.planning.siting import Instance, SitingSettings, solve
from eduplan.planning.siting.pmedian import SEAT_TOL

FAST = SitingSettings(
    radius_km=2.0, heuristic_time_limit_s=0.4, exact_time_limit_s=10, candidates_per_demand=6
)
LAT0, LON0, KM_PER_DEG = 24.35, 102.54, 111.19


def random_instance(seed: int, n: int, m: int, p: int, spread: float = 1.5) -> Instance:
    """Points and sites in a 10 km square. Every site has at least (children + p × largest point) / p
    seats (times up to ``spread``), so any p sites can seat everyone whole: first fit never gets
    stuck, as p sites each short of the largest point would hold less than is left to place."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 10, (n, 2)) / KM_PER_DEG
    sites = rng.uniform(0, 10, (m, 2)) / KM_PER_DEG
    children = rng.integers(0, 25, n).astype(float)
    floor = (children.sum() + p * children.max()) / p
    capacity = np.ceil(floor * rng.uniform(1.0, spread, m))
    existing = rng.random(m) < 0.5
    return Instance(
        demand_ids=tuple(f"v{i}" for i in range(n)),
        children=children,
        site_ids=tuple(f"k{j}" for j in range(m)),
        capacity=capacity,
        existing=existing,
        closable=existing.copy(),
        demand_lat=LAT0 + pts[:, 0],
        demand_lon=LON0 + pts[:, 1],
        site_lat=LAT0 + sites[:, 0],
        site_lon=LON0 + sites[:, 1],
    )


def check_answer(inst: Instance, res, capacitated: bool) -> None:
    ids = set(inst.demand_ids)
    assert set(res.assignment) | set(res.uncovered) == ids
    assert set(res.unassigned) <= set(res.uncovered)
    assert set(res.unassigned).isdisjoint(res.assignment)
    assert set(res.assignment.values()) <= set(res.open_sites)
    if capacitated:
        seats = dict(zip(inst.site_ids, inst.capacity, strict=True))
        kids = dict(zip(inst.demand_ids, inst.children, strict=True))
        load: dict[str, float] = {}
        for d, s in res.assignment.items():
            load[s] = load.get(s, 0.0) + kids[d]
        for s, total in load.items():
            assert total <= seats[s] + SEAT_TOL
    if res.lower_bound is not None:
        assert res.lower_bound <= res.objective + 1e-6


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(4, 25),
    m=st.integers(3, 9),
    method=st.sampled_from(["exact", "heuristic"]),
)
def test_pmedian_seats_and_assignment(seed, n, m, method):
    p = max(1, m // 2 + 1)
    inst = random_instance(seed, n, m, p)
    res = solve(inst, "pmedian", p=p, method=method, settings=FAST)
    check_answer(inst, res, capacitated=True)
    assert len(res.open_sites) == p
    assert not res.unassigned


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(4, 20), m=st.integers(3, 8))
def test_heuristic_gap_never_below_exact(seed, n, m):
    p = max(1, m // 2)
    inst = random_instance(seed, n, m, p)
    exact = solve(inst, "pmedian", p=p, method="exact", settings=FAST)
    heur = solve(inst, "pmedian", p=p, method="heuristic", settings=FAST)
    assert exact.proven_optimal
    assert heur.objective >= exact.objective - 1e-6
    assert heur.lower_bound <= exact.objective + 1e-6
    if exact.objective > 0:
        assert heur.gap >= exact.gap - 1e-12
        assert heur.gap >= (heur.objective - exact.objective) / exact.objective - 1e-9


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(4, 25),
    m=st.integers(3, 9),
    model=st.sampled_from(["mclp", "lscp", "close", "zones"]),
    method=st.sampled_from(["exact", "heuristic"]),
)
def test_other_models_assign_once_or_report(seed, n, m, model, method):
    inst = random_instance(seed, n, m, max(1, m - 1))
    if model in ("close", "zones"):
        inst = replace(inst, existing=np.ones(m, dtype=bool), closable=np.ones(m, dtype=bool))
    p = {"mclp": max(1, m // 2), "close": 1}.get(model)
    res = solve(inst, model, p=p, method=method, settings=FAST)
    check_answer(inst, res, capacitated=True)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_short_candidate_lists_still_seat_everyone(k):
    """A point whose short list is full still gets a seat farther away."""
    inst = random_instance(3, 30, 8, 6, spread=1.05)
    res = solve(inst, "pmedian", p=6, method="heuristic", settings=replace(FAST, candidates_per_demand=k))
    check_answer(inst, res, capacitated=True)
    assert not res.unassigned
