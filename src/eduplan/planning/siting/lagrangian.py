"""Lagrangian lower bound for the capacitated p-median.

"Every demand point served once" moves into the objective with multipliers λ; what remains splits by
site into knapsacks, solved fast as linear programs and, where it pays, exactly as 0-1 knapsacks.
Every value of the relaxation is a lower bound on the optimum, so a heuristic answer can be
reported with an honest gap. The sites the relaxation opens, averaged over the steps, are also a
good starting point for the local search (primal recovery).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .problem import REL_TOL, SEAT_TOL, Pairs, Problem
from .search import repair_capacity

#: Subgradient step scale (Held–Karp): starts at 2 (1 when re-starting from good multipliers with
#: exact knapsacks), halves when the bound stalls this many steps; below MIN_STEP it has converged.
STEP_START = 2.0
EXACT_STEP_START = 1.0
STALL_STEPS = 10
MIN_STEP = 1e-4
#: Sites past the p-th whose knapsacks are solved exactly with the open ones.
EXACT_MARGIN_SITES = 16
#: A fed answer that shrinks the gap to below this share of what it was restores the step scale.
UB_RESET_SHARE = 0.5
#: Keeps the squeezed sort key of a site strictly below the next site's index.
SORT_SQUEEZE = 1.001


def _knapsacks(prob: Problem, pairs: Pairs, lam: np.ndarray) -> _Knapsacks:
    """Each site's knapsack over the points with negative reduced cost w·km − λ, solved as its
    linear relaxation (take points by reduced cost per child until the seats run out)."""
    r = pairs.cost - lam[pairs.i]
    sel = np.flatnonzero(r < 0)
    ni, nj, nr = pairs.i[sel], pairs.j[sel], r[sel]
    nw = prob.w[ni]
    # One sort by site, then reduced cost per child: the site index plus the ratio squeezed into
    # [0, 1) (a plain quicksort on one float key is ~3× faster than lexsort on two).
    per_child = nr / nw
    if len(per_child):
        low = float(per_child.min())
        order = np.argsort(nj + (per_child - low) / ((1.0 - low) * SORT_SQUEEZE))
        ni, nj, nr, nw = ni[order], nj[order], nr[order], nw[order]
    cw = np.cumsum(nw)
    if len(nj):
        starts = np.flatnonzero(np.r_[True, nj[1:] != nj[:-1]])
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(nj)]))
        before = cw - nw - (cw - nw)[starts][group]
    else:
        before = cw
    with np.errstate(invalid="ignore"):
        x = np.clip((prob.cap[nj] - before) / nw, 0.0, 1.0)
    rho = np.bincount(nj, weights=x * nr, minlength=prob.m)
    return _Knapsacks(ni, nj, nr, nw, x, rho)


@dataclass
class _Knapsacks:
    """Items (point, site, reduced cost, children) sorted by site, how much of each is taken, and
    each site's value ρ."""

    i: np.ndarray
    j: np.ndarray
    r: np.ndarray
    w: np.ndarray
    x: np.ndarray
    rho: np.ndarray


def _solve_01(prob: Problem, ks: _Knapsacks, sites: np.ndarray) -> None:
    """Re-solve the knapsacks of ``sites`` exactly as 0-1 knapsacks (dynamic programming over
    seats, all sites at once), where the seats bind; updates ``ks`` in place.

    Children are whole numbers, so the 0-1 knapsack is the exact subproblem and its value is at
    least the linear one. Weights and seats are rounded down, which only enlarges the feasible
    set, so the value stays a valid bound when a file gives fractional (projected) children; the
    larger of the two values is kept.
    """
    m = prob.m
    load = np.bincount(ks.j, weights=ks.w, minlength=m)
    focus = np.zeros(m, dtype=bool)
    focus[sites] = True
    bind = np.flatnonzero(focus & np.isfinite(prob.cap) & (load > prob.cap + SEAT_TOL))
    if not len(bind):
        return
    starts = np.searchsorted(ks.j, bind)
    count = np.searchsorted(ks.j, bind, side="right") - starts
    kmax, nb = int(count.max()), len(bind)
    seats = np.floor(prob.cap[bind] + SEAT_TOL).astype(np.int64)
    real = np.arange(kmax)[None, :] < count[:, None]
    pos = np.where(real, starts[:, None] + np.arange(kmax)[None, :], 0)
    wt = np.where(real, np.floor(ks.w[pos] + SEAT_TOL).astype(np.int64), 0)
    red = np.where(real, ks.r[pos], 0.0)
    width = int(seats.max()) + 1
    # Each row is padded on the left with +inf as wide as the heaviest item, so "value with item k,
    # from the column its weight lower" is one flat take, and an item too heavy for a column
    # reads +inf and is never better.
    pad = int(wt.max())
    padded = np.full((nb, pad + width), np.inf)
    padded[:, pad:] = 0.0
    flat = padded.reshape(-1)
    best = padded[:, pad:]
    base = np.arange(nb)[:, None] * (pad + width) + pad + np.arange(width)[None, :]
    take = np.zeros((kmax, nb, width), dtype=bool)
    for k in range(kmax):
        cand = flat.take(base - wt[:, k : k + 1]) + red[:, k : k + 1]
        better = cand < best
        take[k] = better
        np.copyto(best, cand, where=better)
    rows = np.arange(nb)
    value = best[rows, seats]
    chosen = np.zeros((nb, kmax), dtype=bool)
    left = seats.copy()
    for k in range(kmax - 1, -1, -1):
        t = take[k][rows, left]
        chosen[:, k] = t
        left -= t * wt[:, k]
    better_sites = value > ks.rho[bind]
    for s in np.flatnonzero(better_sites):
        lo = starts[s]
        ks.x[lo : lo + count[s]] = chosen[s, : count[s]]
    ks.rho[bind[better_sites]] = value[better_sites]


def _solve_01_where_chosen(prob: Problem, ks: _Knapsacks) -> None:
    """Exact 0-1 knapsacks for the sites the relaxation opens, again for those that take their
    place, until every open site's value is exact. Only open sites count in the bound, and a
    closed site's linear value is at most its exact one, so the bound is the one with every
    knapsack exact — at the cost of about p knapsacks a step instead of all m."""
    exact = np.zeros(prob.m, dtype=bool)
    # the first round also takes the sites just past the p-th: they are the ones that take the
    # place of an open site whose exact value rises (one pass of the dynamic programme, not two)
    key = np.where(prob.forced, -np.inf, ks.rho)
    first = np.argsort(key, kind="stable")[: prob.p + EXACT_MARGIN_SITES]
    todo = np.zeros(prob.m, dtype=bool)
    todo[first] = True
    while todo.any():
        _solve_01(prob, ks, np.flatnonzero(todo))
        exact |= todo
        todo = _choose_open(prob, ks.rho) & ~exact


def _relaxed(prob: Problem, lam: np.ndarray, ks: _Knapsacks) -> tuple[float, np.ndarray, np.ndarray]:
    """The bound for ``lam`` given the site values, the open sites, and how often each point is
    taken (for the subgradient)."""
    opened = _choose_open(prob, ks.rho)
    value = float(lam.sum() + ks.rho[opened].sum())
    taken = np.bincount(ks.i, weights=ks.x * opened[ks.j], minlength=prob.n)
    return value, opened, taken


def _choose_open(prob: Problem, rho: np.ndarray) -> np.ndarray:
    key = np.where(prob.forced, -np.inf, rho)
    opened = np.zeros(prob.m, dtype=bool)
    if prob.p >= prob.m:
        opened[:] = True
    elif prob.p > 0:
        opened[np.argpartition(key, prob.p - 1)[: prob.p]] = True
    return opened


@dataclass
class LagrangianResult:
    """The best bound, its multipliers, and ``y_mean``: how often each site was open in the
    subproblems, later steps weighted more (an estimate of the LP's fractional openings)."""

    lower_bound: float
    lam: np.ndarray
    iterations: int
    y_mean: np.ndarray


def lagrangian_bound(
    prob: Problem,
    upper_bound: float,
    *,
    iterations: int,
    deadline: float,
    target_gap: float = 0.0,
    lam0: np.ndarray | None = None,
    exact_knapsacks: bool = False,
    upper_bound_feed: Callable[[], float | None] | None = None,
) -> LagrangianResult:
    """Subgradient ascent on the Lagrangian dual; the best value is a lower bound on the optimum.

    "Every point served once" is moved into the objective with multipliers λ; the rest splits by
    site into knapsacks. Multipliers are capped at w·(distance to the nearest site off the list) —
    the "elsewhere" option — which keeps the bound valid for the unrestricted problem. With
    ``exact_knapsacks`` the knapsacks of the sites the relaxation opens are solved as 0-1 knapsacks
    (a stronger bound than the LP when villages are large against kindergartens, but slower);
    the other sites keep their linear value, a lower one, so the bound stays valid.
    ``upper_bound_feed`` may supply better upper bounds as the local search finds them (it steers
    the step length and the stopping test). The open sites of the subproblems are averaged with weights growing with the step number
    (ergodic primal recovery): rounding that average gives a good set of sites for local search.
    """
    pairs = Pairs.of(prob)
    lam = _initial_multipliers(prob) if lam0 is None else lam0.copy()
    lam = np.minimum(lam, pairs.lam_max)
    best, best_lam = -np.inf, lam.copy()
    start_theta = EXACT_STEP_START if exact_knapsacks else STEP_START
    theta, stall, it = start_theta, 0, 0
    y_sum, weight = np.zeros(prob.m), 0.0
    for it in range(1, iterations + 1):
        if upper_bound_feed is not None:
            fed = upper_bound_feed()
            if fed is not None and fed < upper_bound:
                if np.isfinite(best) and fed - best < UB_RESET_SHARE * (upper_bound - best):
                    # steps scale with the gap: those taken with the old, far answer overshot
                    # (from good multipliers, far below the bound), so start again from the best
                    # multipliers with the full step scale
                    lam, theta, stall = best_lam.copy(), start_theta, 0
                    y_sum, weight = np.zeros(prob.m), 0.0
                upper_bound = fed
        ks = _knapsacks(prob, pairs, lam)
        if exact_knapsacks:
            _solve_01_where_chosen(prob, ks)
        value, opened, taken = _relaxed(prob, lam, ks)
        y_sum += it * opened
        weight += it
        if value > best + REL_TOL * abs(best if np.isfinite(best) else 1.0):
            best, best_lam, stall = value, lam.copy(), 0
        else:
            stall += 1
            if stall >= STALL_STEPS:
                theta, stall = theta / 2, 0
        if best > 0 and (upper_bound - best) / best <= target_gap:
            break
        g = 1.0 - taken
        norm = float(g @ g)
        if norm <= REL_TOL or time.perf_counter() > deadline or theta < MIN_STEP:
            break
        step = theta * max(upper_bound - value, REL_TOL * abs(upper_bound)) / norm
        lam = np.minimum(lam + step * g, pairs.lam_max)
    ks = _knapsacks(prob, pairs, best_lam)
    _solve_01(prob, ks, np.arange(prob.m))
    best = max(best, _relaxed(prob, best_lam, ks)[0])
    return LagrangianResult(
        lower_bound=float(best), lam=best_lam, iterations=it, y_mean=y_sum / max(weight, 1.0)
    )


def round_openings(prob: Problem, y: np.ndarray) -> np.ndarray:
    """The p sites most often open (forced sites first), enough seats guaranteed."""
    key = np.where(prob.forced, np.inf, y)
    opened = np.zeros(prob.m, dtype=bool)
    opened[np.argsort(-key, kind="stable")[: prob.p]] = True
    return repair_capacity(prob, opened)


def _initial_multipliers(prob: Problem) -> np.ndarray:
    """Start each λ at the child-km to the site a p-th of the way down the point's list."""
    deg = np.diff(prob.cand.indptr)
    k = max(1, round(prob.m / max(prob.p, 1)))
    pos = prob.cand.indptr[:-1] + np.minimum(k, np.maximum(deg, 1)) - 1
    km = np.where(deg > 0, prob.cand.km[np.minimum(pos, len(prob.cand.km) - 1)], prob.cand.next_km)
    return prob.w * np.where(np.isfinite(km), km, 0.0)
