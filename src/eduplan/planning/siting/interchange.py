"""Local search for the uncapacitated p-median over a full distance matrix.

Without seats every child goes to the nearest open kindergarten, so a set of open sites is the whole
answer and a swap (close one, open another) can be valued for every pair at once from each point's
nearest and second-nearest open site — the fast interchange of Whitaker (1983), as Resende and
Werneck (2003) implement it, here in numpy: one pass of matrix arithmetic values all p × (m − p)
swaps. Variable neighbourhood search (Hansen and Mladenović) shakes the best answer by k random
swaps and descends again while time allows. The result is the primal side for the exact radius
formulation (:mod:`.radius`), which uses it to bound how many distance levels it needs.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: A swap must save more than this share of the objective (float noise otherwise loops).
MIN_GAIN_SHARE = 1e-12
#: Of the open sites with an improving swap, the best 1/BATCH_SHARE are tried per valuation.
BATCH_SHARE = 3
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
    """Open sites one at a time, each the one saving most child-km (forced sites first).

    Lazy: a site's saving only shrinks as others open, so a stale saving is an upper bound and only
    the site on top of the heap is re-valued (Minoux's accelerated greedy).
    """
    n, m = dist.shape
    opened = forced.copy()
    far = 2.0 * float(dist.max()) + 1.0
    cur = dist[:, opened].min(axis=1) if opened.any() else np.full(n, far)
    cols = np.ascontiguousarray(dist.T)
    gains = np.maximum(cur[None, :] - cols, 0.0) @ w
    heap = [(-float(gains[j]), j) for j in range(m) if not opened[j]]
    heapq.heapify(heap)
    while opened.sum() < p and heap:
        _, j = heapq.heappop(heap)
        fresh = float(np.maximum(cur - cols[j], 0.0) @ w)
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, j))
            continue
        opened[j] = True
        cur = np.minimum(cur, cols[j])
    return opened


def swap_profits(w: np.ndarray, dist: np.ndarray, state: OpenSet, forced: np.ndarray) -> np.ndarray:
    """Child-km saved by each swap (row: the open site closed, column: the site opened), all at once.

    Opening c saves Σ w·max(0, d1 − d_c); closing r then costs, for the points whose nearest site is
    r and that do not move to c, w·(min(d2, d_c) − d1).
    """
    n, m = dist.shape
    gain = w @ np.maximum(state.d1[:, None] - dist, 0.0)
    extra = w[:, None] * np.maximum(np.minimum(state.d2[:, None], dist) - state.d1[:, None], 0.0)
    owner = sparse.csr_matrix((np.ones(n), (state.a1, np.arange(n))), shape=(m, n))
    profit = gain[None, :] - np.asarray(owner @ extra)
    profit[:, state.opened] = -np.inf
    profit[~state.opened | forced, :] = -np.inf
    return profit


def descend(
    w: np.ndarray, dist: np.ndarray, opened: np.ndarray, forced: np.ndarray, deadline: float
) -> OpenSet:
    """Interchange until no swap lowers child-km (or the deadline).

    Each valuation of all swaps yields the best swap of every open site; the best of those with
    distinct sites are tried in turn, each kept only if child-km really falls (they interact), so
    one valuation serves many swaps when p is large.
    """
    state = evaluate(w, dist, opened)
    while time.perf_counter() < deadline:
        profit = swap_profits(w, dist, state, forced)
        inn = np.argmax(profit, axis=1)
        gain = profit[np.arange(len(inn)), inn]
        floor = MIN_GAIN_SHARE * max(state.cost, 1.0)
        rows = np.flatnonzero(gain > floor)
        if not len(rows):
            break
        rows = rows[np.argsort(-gain[rows], kind="stable")][: max(1, len(rows) // BATCH_SHARE)]
        used: set[int] = set()
        moved = False
        for out in rows.tolist():
            site = int(inn[out])
            if site in used:
                continue
            used.add(site)
            trial = state.opened.copy()
            trial[out], trial[site] = False, True
            after = evaluate(w, dist, trial)
            if after.cost < state.cost - floor:
                state, moved = after, True
            elif not moved:
                break  # the best swap itself did not pay: float noise, stop
        if not moved:
            break
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
