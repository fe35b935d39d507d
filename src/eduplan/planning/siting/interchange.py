"""Local search for the uncapacitated p-median over a full distance matrix (PRE-4.1.1).

Without seats every child goes to the nearest open kindergarten, so a set of open sites is the whole
answer and a swap (close one, open another) can be valued for every pair at once from each point's
nearest and second-nearest open site — the fast interchange of Whitaker (1983), as Resende and
Werneck (2003) implement it, here in numpy: one pass of matrix arithmetic values all p × (m − p)
swaps. Variable neighbourhood search (Hansen and Mladenović) shakes the best answer by k random
swaps and descends again while time allows. The result is the primal side for the exact radius
formulation (:mod:`.radius`), which uses it to bound how many distance levels it needs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: A swap must save more than this share of the objective (float noise otherwise loops).
MIN_GAIN_SHARE = 1e-12
#: Largest shake (random swaps at once) in variable neighbourhood search.
VNS_MAX_K = 5


@dataclass
class OpenSet:
    """Open sites and what each point sees of them: nearest (``a1``, ``d1``) and second (``d2``)."""

    opened: np.ndarray
    a1: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    cost: float


def evaluate(w: np.ndarray, dist: np.ndarray, opened: np.ndarray) -> OpenSet:
    """Each point's nearest and second-nearest open site and the child-km of ``opened``."""
    idx = np.flatnonzero(opened)
    sub = dist[:, idx]
    if len(idx) == 1:
        a1 = np.zeros(len(w), dtype=np.int64)
        d2 = np.full(len(w), np.inf)
    else:
        two = np.argpartition(sub, 1, axis=1)[:, :2]
        vals = np.take_along_axis(sub, two, axis=1)
        first = np.argmin(vals, axis=1)
        a1 = two[np.arange(len(w)), first]
        d2 = vals[np.arange(len(w)), 1 - first]
    d1 = sub[np.arange(len(w)), a1]
    return OpenSet(opened.copy(), idx[a1], d1, d2, float(w @ d1))


def greedy(w: np.ndarray, dist: np.ndarray, p: int, forced: np.ndarray) -> np.ndarray:
    """Open sites one at a time, each the one saving most child-km (forced sites first)."""
    n, m = dist.shape
    opened = forced.copy()
    cur = dist[:, opened].min(axis=1) if opened.any() else np.full(n, np.inf)
    while opened.sum() < p:
        finite = np.where(np.isfinite(cur), cur, dist.max(axis=1) * 2 + 1)
        gain = w @ np.maximum(finite[:, None] - dist, 0.0)
        gain[opened] = -np.inf
        j = int(np.argmax(gain))
        opened[j] = True
        cur = np.minimum(cur, dist[:, j])
    return opened


def best_swap(w: np.ndarray, dist: np.ndarray, state: OpenSet, forced: np.ndarray) -> tuple[float, int, int]:
    """The swap (close ``out``, open ``inn``) that lowers child-km most, all pairs at once.

    Opening c saves Σ w·max(0, d1 − d_c); closing r then costs, for the points whose nearest site is
    r and that do not move to c, w·(min(d2, d_c) − d1).
    """
    n, m = dist.shape
    gain = w @ np.maximum(state.d1[:, None] - dist, 0.0)
    extra = w[:, None] * np.maximum(np.minimum(state.d2[:, None], dist) - state.d1[:, None], 0.0)
    owner = sparse.csr_matrix((np.ones(n), (state.a1, np.arange(n))), shape=(m, n))
    loss = np.asarray(owner @ extra)
    profit = gain[None, :] - loss
    profit[:, state.opened] = -np.inf
    profit[~state.opened | forced, :] = -np.inf
    flat = int(np.argmax(profit))
    out, inn = divmod(flat, m)
    return float(profit[out, inn]), out, inn


def descend(
    w: np.ndarray, dist: np.ndarray, opened: np.ndarray, forced: np.ndarray, deadline: float
) -> OpenSet:
    """Best-improvement interchange until no swap lowers child-km (or the deadline)."""
    state = evaluate(w, dist, opened)
    while time.perf_counter() < deadline:
        profit, out, inn = best_swap(w, dist, state, forced)
        if not profit > MIN_GAIN_SHARE * max(state.cost, 1.0):
            break
        opened = state.opened.copy()
        opened[out], opened[inn] = False, True
        state = evaluate(w, dist, opened)
    return state


def vns(
    w: np.ndarray,
    dist: np.ndarray,
    p: int,
    forced: np.ndarray,
    deadline: float,
    *,
    seed: int = 0,
    start: np.ndarray | None = None,
    stop_at: float = -np.inf,
) -> OpenSet:
    """Greedy (or ``start``), interchange, then variable neighbourhood search until ``deadline`` or
    until the child-km is at most ``stop_at`` (a proven lower bound)."""
    rng = np.random.default_rng(seed)
    best = descend(w, dist, greedy(w, dist, p, forced) if start is None else start, forced, deadline)
    free = ~forced
    k = 1
    while time.perf_counter() < deadline and best.cost > stop_at:
        opened = best.opened.copy()
        outs = np.flatnonzero(opened & free)
        ins = np.flatnonzero(~opened)
        kk = min(k, len(outs), len(ins))
        if kk == 0:
            break
        opened[rng.choice(outs, kk, replace=False)] = False
        opened[rng.choice(ins, kk, replace=False)] = True
        trial = descend(w, dist, opened, forced, deadline)
        if trial.cost < best.cost - MIN_GAIN_SHARE * max(best.cost, 1.0):
            best, k = trial, 1
        else:
            k = k % VNS_MAX_K + 1
    return best
