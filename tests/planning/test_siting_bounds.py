"""The capacitated p-median's bound is valid and its seating is feasible (PRE-4.1.1; issue 21).

A planning office defends a layout by its gap: the Lagrangian bound must never exceed the true
optimum of the *full* problem — here proven by HiGHS with every site on every point's list — even
when the bound itself was computed on short candidate lists, with exact 0-1 knapsacks, and from a
far upper bound fed a better one later. The seating and the merging of layouts must respect seats
and never be worse than what they started from.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.planning.siting import SitingSettings
from eduplan.planning.siting.assignment import exact_assignment, lp_assignment
from eduplan.planning.siting.lagrangian import lagrangian_bound
from eduplan.planning.siting.neighbourhood import merge_solutions
from eduplan.planning.siting.pmedian import solve_exact, solve_heuristic
from eduplan.planning.siting.problem import SEAT_TOL, assignment_cost
from eduplan.planning.siting.solve import pmedian_problem

from .test_siting_properties import random_instance

TIGHT = 1.1  # seats at most 10% above what p sites need in the worst case: the seats bind


def problems(seed: int, n: int, m: int, p: int, k: int):
    """The same instance with K-nearest lists (what the heuristic uses) and with full lists."""
    inst = random_instance(seed, n, m, p, spread=TIGHT)
    forced = np.zeros(m, dtype=bool)
    short = pmedian_problem(
        inst, inst.capacity, p, forced, replace(SitingSettings(), candidates_per_demand=k)
    )
    full = pmedian_problem(inst, inst.capacity, p, forced, replace(SitingSettings(), candidates_per_demand=m))
    return short, full


def seats_respected(prob, assign) -> bool:
    load = np.bincount(assign, weights=prob.w, minlength=prob.m)
    return bool(np.all(assign >= 0) and np.all(load <= prob.cap + SEAT_TOL))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(8, 30),
    m=st.integers(4, 9),
    k=st.integers(2, 9),
)
def test_lagrangian_bound_never_above_the_full_optimum(seed, n, m, k):
    p = max(2, m // 2)
    short, full = problems(seed, n, m, p, min(k, m))
    if short.n == 0:
        return
    optimum = solve_exact(full, time_limit=20)
    assert optimum.proven_optimal
    far = 10.0 * optimum.objective + 1.0
    lp = lagrangian_bound(short, far, iterations=300, deadline=time.perf_counter() + 5)
    fed = iter([optimum.objective])
    exact = lagrangian_bound(
        short,
        far,
        iterations=300,
        deadline=time.perf_counter() + 5,
        lam0=lp.lam,
        exact_knapsacks=True,
        upper_bound_feed=lambda: next(fed, None),
    )
    tol = 1e-7 * max(1.0, optimum.objective)
    assert lp.lower_bound <= optimum.objective + tol
    assert exact.lower_bound <= optimum.objective + tol
    heuristic = solve_heuristic(
        short, time_limit=0.5, target_gap=0.0, iterations=200, swap_neighbours=4, parallel=False
    )
    assert heuristic.lower_bound <= optimum.objective + tol
    assert heuristic.objective >= optimum.objective - tol
    assert seats_respected(full, heuristic.assign)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_lp_seating_is_feasible_and_close_to_the_exact_one(seed):
    """The seating after the transportation LP (re-solved over the pairs of small reduced cost)
    respects seats and is never better than HiGHS's exact seating of the same open sites."""
    prob, _ = problems(seed, 60, 10, 5, 10)
    opened = np.zeros(prob.m, dtype=bool)
    opened[np.argsort(-prob.cap)[: prob.p]] = True
    assign = lp_assignment(prob, opened)
    assert assign is not None and seats_respected(prob, assign)
    assert np.all(opened[assign])
    exact = exact_assignment(prob, opened, assign, time_limit=20)
    if exact is not None:
        assert assignment_cost(prob, exact) <= assignment_cost(prob, assign) + 1e-9


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merged_layout_is_feasible_and_better_than_its_parents(seed):
    prob, _ = problems(seed, 40, 9, 4, 9)
    rng = np.random.default_rng(seed)
    parents = []
    for _ in range(3):
        opened = np.zeros(prob.m, dtype=bool)
        opened[rng.choice(prob.m, prob.p, replace=False)] = True
        assign = lp_assignment(prob, opened)
        if assign is not None:
            parents.append((opened, assign))
    cutoff = min(assignment_cost(prob, a) for _, a in parents)
    out = merge_solutions(prob, parents, cutoff, time_limit=20)
    optimum = solve_exact(prob, time_limit=20).objective
    if out is None:
        return
    opened, assign = out
    assert opened.sum() == prob.p and np.all(opened[assign])
    assert seats_respected(prob, assign)
    assert optimum - 1e-6 <= assignment_cost(prob, assign) < cutoff
