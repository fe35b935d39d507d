"""The uncapacitated p-median's exact path (radius formulation) and its heuristic path, against an
independent HiGHS model of the classic formulation (PRE-4.1.1).

What a planner relies on: an answer reported ``proven_optimal`` is the optimum, a bound is never
above the optimum, and the heuristic path lands on the same answer on small instances.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.planning.siting import Instance, SitingSettings, branching, pmedian, radius, solve
from eduplan.planning.siting.solve import pmedian_problem
from eduplan.planning.siting.synthetic import network_instance, road_network_km

FAST = SitingSettings(heuristic_time_limit_s=0.5, exact_time_limit_s=20)
TOL = 1e-6


def classic_optimum(inst: Instance, p: int, forced: np.ndarray | None = None) -> float:
    """The optimum by the other formulation: x_ij ≤ y_j over every pair, in HiGHS."""
    m = inst.m
    every = replace(FAST, candidates_per_demand=m)
    prob = pmedian_problem(
        inst, np.full(m, np.inf), p, np.zeros(m, dtype=bool) if forced is None else forced, every
    )
    sol = pmedian.solve_exact(prob, time_limit=60)
    assert sol.proven_optimal
    return sol.objective


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    n=st.integers(4, 24),
    share=st.floats(0.05, 0.6),
    method=st.sampled_from(["auto", "exact", "heuristic"]),
    weighted=st.booleans(),
)
def test_bound_never_above_the_optimum(seed, n, share, method, weighted):
    """On random road networks (and random children per point) no path reports a bound above the
    optimum HiGHS proves with the classic formulation, nor an answer below it; a proven answer is it."""
    km = road_network_km(n, seed)
    rng = np.random.default_rng(seed)
    children = rng.integers(0, 30, n).astype(float) if weighted else None
    inst = network_instance(km, children)
    p = max(1, min(n, round(share * n)))
    opt = classic_optimum(inst, p)
    res = solve(inst, "pmedian", p=p, method=method, capacitated=False, settings=FAST)
    assert res.lower_bound <= opt + TOL
    assert res.objective >= opt - TOL
    assert res.bound_method in ("highs_radius", "lagrangian_branching", "lagrangian", "trivial")
    if res.proven_optimal:
        assert res.objective == pytest.approx(opt, abs=TOL)
        assert res.gap == pytest.approx(0.0, abs=1e-6)
    if method != "heuristic":
        assert res.proven_optimal
        assert res.method == "exact"


@pytest.mark.parametrize("seed", range(6))
def test_exact_and_heuristic_paths_agree(seed):
    """On 40-node networks the heuristic path (interchange and neighbourhood search) finds the same
    child-km as the exact path, and the exact path proves it."""
    km = road_network_km(40, 100 + seed)
    inst = network_instance(km)
    p = (3, 5, 8)[seed % 3]
    exact = solve(inst, "pmedian", p=p, method="exact", capacitated=False, settings=FAST)
    heur = solve(inst, "pmedian", p=p, method="heuristic", capacitated=False, settings=FAST)
    assert exact.proven_optimal
    assert exact.objective == pytest.approx(classic_optimum(inst, p))
    assert heur.objective == pytest.approx(exact.objective)
    assert heur.lower_bound <= exact.objective + TOL
    assert len(exact.open_sites) == len(heur.open_sites) == p


def test_great_circle_distances_prove_the_same_optimum():
    """Fractional distances (coordinates, no road matrix): the bound is not rounded, the proof holds."""
    rng = np.random.default_rng(5)
    n, m, p = 30, 12, 4
    inst = Instance(
        demand_ids=tuple(f"v{i}" for i in range(n)),
        children=rng.uniform(0.5, 20, n),
        site_ids=tuple(f"s{j}" for j in range(m)),
        capacity=np.ones(m),
        existing=np.zeros(m, dtype=bool),
        closable=np.zeros(m, dtype=bool),
        demand_lat=24.3 + rng.uniform(0, 0.1, n),
        demand_lon=102.5 + rng.uniform(0, 0.1, n),
        site_lat=24.3 + rng.uniform(0, 0.1, m),
        site_lon=102.5 + rng.uniform(0, 0.1, m),
    )
    res = solve(inst, "pmedian", p=p, capacitated=False, settings=FAST)
    assert res.proven_optimal
    assert res.objective == pytest.approx(classic_optimum(inst, p), rel=1e-9)
    assert res.lower_bound <= res.objective


def test_kept_kindergartens_stay_open_without_seats():
    """--keep-existing with --uncapacitated: the existing sites are open and the optimum is the
    classic model's with them forced."""
    km = road_network_km(30, 9)
    inst = network_instance(km)
    existing = np.zeros(30, dtype=bool)
    existing[[0, 7]] = True
    inst = replace(inst, existing=existing, closable=existing.copy())
    res = solve(inst, "pmedian", p=5, keep_existing=True, capacitated=False, settings=FAST)
    assert {"s0", "s7"} <= set(res.open_sites)
    assert res.proven_optimal
    assert res.objective == pytest.approx(classic_optimum(inst, 5, existing))


def test_caps_below_the_optimum_are_raised_until_it_is_proven():
    """Started with every point capped at distance 0 (so the first model sees no cost at all), the
    rounds raise the caps where the model's answer serves points beyond them, and end at the optimum."""
    km = road_network_km(35, 21)
    inst = network_instance(km)
    opt = classic_optimum(inst, 4)
    w = np.ones(35)
    out = radius.radius_rounds(w, km, 4, np.zeros(35, dtype=bool), np.zeros(35), deadline=1e18)
    assert out.rounds > 1
    assert out.opened is not None
    assert float(w @ km[:, out.opened].min(axis=1)) == pytest.approx(opt)
    assert out.bound == pytest.approx(opt)


def test_json_names_what_proves_the_bound():
    km = road_network_km(25, 3)
    inst = network_instance(km)
    data = solve(inst, "pmedian", p=3, capacitated=False, settings=FAST).as_dict()
    assert data["bound_method"] in ("highs_radius", "lagrangian_branching", "lagrangian")
    assert data["proven_optimal"] is True
    assert data["lower_bound"] == data["objective"]
    seated = replace(inst, capacity=np.full(25, 20.0))
    capacitated = solve(seated, "pmedian", p=3, method="heuristic", settings=FAST).as_dict()
    assert capacitated["bound_method"] == "lagrangian"
    zones = solve(replace(inst, existing=np.ones(25, dtype=bool)), "zones", settings=FAST).as_dict()
    assert zones["bound_method"] is None


@pytest.mark.parametrize("seed", range(4))
def test_ruled_out_sites_are_never_in_a_better_answer(seed):
    """The sites the root of the branch and bound rules out (penalty tests, columns dropped as the
    bound rises), with the answer one child-km above the optimum, never include a site of the
    optimum (it is a better answer)."""
    n, p = 40, 3
    km = road_network_km(n, 300 + seed)
    inst = network_instance(km)
    every = replace(FAST, candidates_per_demand=n)
    prob = pmedian_problem(inst, np.full(n, np.inf), p, np.zeros(n, dtype=bool), every)
    best = pmedian.solve_exact(prob, time_limit=60)
    upper = best.objective + 1.0
    w, none = np.ones(n), np.zeros(n, dtype=bool)
    root = branching.SiteLagrangian(w, km, p).bound(
        none,
        none,
        np.zeros(n),
        upper,
        1.0 - 1e-6,
        iterations=3000,
        step=2.0,
        stall=15,
        deadline=1e18,
        fix_every=10,
    )
    assert root is not None
    assert root.bound <= best.objective + TOL
    assert root.closed.any()  # the test does rule sites out
    assert not root.closed[best.open].any()
    assert root.opened.sum() <= p and set(np.flatnonzero(root.opened)) <= set(np.flatnonzero(best.open))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    n=st.integers(5, 30),
    p=st.integers(1, 6),
    weighted=st.booleans(),
    whole=st.booleans(),
    kept=st.integers(0, 2),
    stop_at_once=st.booleans(),
)
def test_branch_and_bound_against_highs(seed, n, p, weighted, whole, kept, stop_at_once):
    """The branch and bound over random networks (whole or fractional child-km, some sites kept
    open) closes its tree at the optimum HiGHS proves with the classic formulation; stopped at once
    (no time at all), its bound is still never above the optimum."""
    p = min(p, n)
    rng = np.random.default_rng(seed)
    km = road_network_km(n, seed) * (1.0 if whole else rng.uniform(0.5, 1.5, (n, n)))
    children = rng.integers(1, 20, n).astype(float) if weighted else np.ones(n)
    forced = np.zeros(n, dtype=bool)
    forced[rng.choice(n, min(kept, p), replace=False)] = True
    inst = network_instance(km, children)
    opt = classic_optimum(inst, p, forced)
    start = forced.copy()
    start[np.flatnonzero(~forced)[: p - int(forced.sum())]] = True
    upper = float(children @ km[:, start].min(axis=1))
    found = branching.branch_and_bound(
        children,
        km,
        p,
        forced,
        upper,
        np.zeros(n),
        0.0 if stop_at_once else 1e18,
        whole=radius.integral_costs(children, km),
    )
    assert min(found.bound, upper) <= opt + TOL * max(1.0, opt)
    if found.opened is not None:
        assert found.opened.sum() == p and found.opened[forced].all()
        assert float(children @ km[:, found.opened].min(axis=1)) == pytest.approx(found.cost)
    assert found.cost >= opt - TOL * max(1.0, opt)
    if not stop_at_once:
        assert found.complete
        assert found.cost == pytest.approx(opt, rel=1e-6)
