"""Seating children at a given set of open kindergartens (the service zones, 服务区).

A generalized assignment problem: each demand point goes whole to one open site, seats are not
exceeded, total child-km is least. Solved by the transportation LP plus a small integer model for
the few points the LP splits, polished by local search; exactly by HiGHS when asked.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp

from .instance import Candidates
from .problem import SEAT_TOL, Problem, assignment_cost
from .search import LocalSearch

#: Open sites per demand point in the LP assignment (a split point needs a second choice).
LP_SITES_PER_POINT = 8
#: An LP value this close to 1 counts as a whole assignment.
LP_INTEGRAL_TOL = 1e-6
#: Pairs whose LP reduced cost is at most this many child-km enter the integer re-seating after
#: the LP (a seating that costs at most this much more than the LP uses no other pair). Measured on
#: the benchmark's 3,000 × 400 county: 3,753 of 17,429 pairs, 0.3 s, 12 child-km better than
#: placing only the split points with the seats left (44,483 against 44,495).
RESEAT_REDUCED_COST = 2.0


def exact_assignment(
    prob: Problem, opened: np.ndarray, incumbent: np.ndarray, time_limit: float
) -> np.ndarray | None:
    """Best single-source assignment of points to the given open sites (a generalized assignment
    problem) with HiGHS; ``None`` if it finds nothing better than ``incumbent`` in time."""
    cand = prob.cand
    rows, cols, kms = [], [], []
    keep = opened[cand.site]
    rows.append(cand.row[keep])
    cols.append(cand.site[keep])
    kms.append(cand.km[keep])
    outside = [int(i) for i in np.flatnonzero(incumbent >= 0) if not _listed(cand, int(i), int(incumbent[i]))]
    if outside:
        rows.append(np.array(outside))
        cols.append(incumbent[outside])
        kms.append(prob.rows_km(np.array(outside))[np.arange(len(outside)), incumbent[outside]])
    r, c, d = np.concatenate(rows), np.concatenate(cols), np.concatenate(kms)
    if np.any(np.bincount(r, minlength=prob.n) == 0):
        return None
    nv = len(r)
    cost = prob.w[r] * d
    a_eq = sparse.csr_matrix((np.ones(nv), (r, np.arange(nv))), shape=(prob.n, nv))
    a_cap = sparse.csr_matrix((prob.w[r], (c, np.arange(nv))), shape=(prob.m, nv))
    cap = np.where(np.isfinite(prob.cap), prob.cap, prob.w.sum())
    res = milp(
        cost,
        integrality=np.ones(nv),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(a_eq, 1, 1), LinearConstraint(a_cap, -np.inf, cap + SEAT_TOL)],
        options={"time_limit": max(time_limit, 0.1), "disp": False},
    )
    if res.x is None:
        return None
    pick = res.x > 0.5
    out = np.full(prob.n, -1)
    out[r[pick]] = c[pick]
    return out if np.all(out >= 0) else None


def assign_to_open(
    prob: Problem, opened: np.ndarray, time_limit: float, *, exact: bool = False
) -> np.ndarray:
    """Seat every child at the given open sites with least child-km (service zones, 服务区).

    LP assignment and local polishing; with ``exact`` the result is then re-solved in HiGHS. Points
    that no open site with room can take get ``-1``.
    """
    if prob.n == 0:
        return np.zeros(0, dtype=int)
    deadline = time.perf_counter() + time_limit
    search = LocalSearch(prob, 0, 1)
    assign = lp_assignment(prob, opened, time_limit=time_limit)
    if assign is None:
        search.set_open(opened)
    else:
        search.load(opened, assign)
    search.improve_assignment(deadline)
    best = np.array(search.assign)
    if exact and np.all(best >= 0):
        better = exact_assignment(prob, opened, best, max(0.1, deadline - time.perf_counter()))
        if better is not None and assignment_cost(prob, better) < assignment_cost(prob, best):
            best = better
    return best


def seat_leftovers(prob: Problem, opened: np.ndarray, assign: np.ndarray) -> np.ndarray:
    """Give each point still without a seat the nearest open site with room (largest first)."""
    assign = assign.copy()
    load = np.bincount(assign[assign >= 0], weights=prob.w[assign >= 0], minlength=prob.m)
    resid = prob.cap - load
    for i in sorted(np.flatnonzero(assign < 0), key=lambda i: -prob.w[i]):
        row = prob.rows_km(np.array([i]))[0]
        ok = opened & (resid >= prob.w[i] - SEAT_TOL) & np.isfinite(row)
        if ok.any():
            j = int(np.argmin(np.where(ok, row, np.inf)))
            assign[i] = j
            resid[j] -= prob.w[i]
    return assign


def _listed(cand: Candidates, i: int, j: int) -> bool:
    return bool(np.any(cand.site[cand.indptr[i] : cand.indptr[i + 1]] == j))


def lp_assignment(
    prob: Problem, opened: np.ndarray, *, per_point: int = LP_SITES_PER_POINT, time_limit: float = 10.0
) -> np.ndarray | None:
    """Near-optimal single-source assignment to the given open sites, fast.

    Solves the transportation LP (children may split between sites) over each point's
    ``per_point`` nearest open sites; a basic optimum splits at most one point per full site, so
    only those few are then placed by a small integer model with the seats left. Points whose
    short list holds no open site get their nearest open ones from a full distance row (and every
    point does, on a retry, if the short lists cannot seat everyone). ``None`` if that fails too.
    """
    t_end = time.perf_counter() + time_limit
    for min_open in (1, per_point):
        pairs = _open_pairs(prob, opened, per_point, min_open)
        if pairs is None:
            continue
        r, c, d = pairs
        nv = len(r)
        a_eq = sparse.csr_matrix((np.ones(nv), (r, np.arange(nv))), shape=(prob.n, nv))
        capped = np.flatnonzero(opened & np.isfinite(prob.cap))
        row_of = np.full(prob.m, -1)
        row_of[capped] = np.arange(len(capped))
        in_cap = row_of[c] >= 0
        a_ub = sparse.csr_matrix(
            (prob.w[r][in_cap], (row_of[c][in_cap], np.arange(nv)[in_cap])), shape=(len(capped), nv)
        )
        res = linprog(
            prob.w[r] * d,
            A_ub=a_ub if len(capped) else None,
            b_ub=prob.cap[capped] if len(capped) else None,
            A_eq=a_eq,
            b_eq=np.ones(prob.n),
            bounds=(0, 1),
            method="highs",
            options={"time_limit": max(t_end - time.perf_counter(), 0.1)},
        )
        if res.status != 0 or res.x is None:
            continue
        whole = res.x > 1 - LP_INTEGRAL_TOL
        assign = np.full(prob.n, -1)
        assign[r[whole]] = c[whole]
        split = np.flatnonzero(assign < 0)
        if len(split):
            reseated = _reseat_near_lp(prob, pairs, res, row_of, max(t_end - time.perf_counter(), 0.1))
            if reseated is not None:
                return reseated
            assign = _place_split(prob, opened, assign, split, pairs, max(t_end - time.perf_counter(), 0.1))
        return assign
    return None


def _reseat_near_lp(
    prob: Problem,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    lp: OptimizeResult,
    row_of: np.ndarray,
    time_limit: float,
) -> np.ndarray | None:
    """The single-source seating by HiGHS over the pairs whose reduced cost in the transportation
    LP is at most ``RESEAT_REDUCED_COST`` (the LP's own pairs among them). A seating within that
    much of the LP value uses no other pair, so this is the best seating near the LP's — better than
    placing the split points alone, which must take whatever seats the LP left. ``None`` if HiGHS
    finds none in time."""
    r, c, d = pairs
    cost = prob.w[r] * d
    u = np.asarray(lp.eqlin.marginals)
    v = np.zeros(prob.m)
    has_cap = row_of >= 0
    if has_cap.any():
        v[has_cap] = np.asarray(lp.ineqlin.marginals)[row_of[has_cap]]
    reduced = cost - u[r] - prob.w[r] * v[c]
    sel = (reduced <= RESEAT_REDUCED_COST) | (np.asarray(lp.x) > LP_INTEGRAL_TOL)
    sr, sc, sd = r[sel], c[sel], cost[sel]
    nv = len(sr)
    used = np.unique(sc)
    crow = np.searchsorted(used, sc)
    cap = prob.cap[used]
    res = milp(
        sd,
        integrality=np.ones(nv),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(sparse.csr_matrix((np.ones(nv), (sr, np.arange(nv))), shape=(prob.n, nv)), 1, 1),
            LinearConstraint(
                sparse.csr_matrix((prob.w[sr], (crow, np.arange(nv))), shape=(len(used), nv)),
                -np.inf,
                np.where(np.isfinite(cap), cap + SEAT_TOL, np.inf),
            ),
        ],
        options={"time_limit": max(time_limit, 0.1), "disp": False},
    )
    if res.x is None:
        return None
    pick = res.x > 0.5
    out = np.full(prob.n, -1)
    out[sr[pick]] = sc[pick]
    return out if np.all(out >= 0) else None


def _open_pairs(
    prob: Problem, opened: np.ndarray, per_point: int, min_open: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(point, site, km) for each point's ``per_point`` nearest open sites; points with fewer than
    ``min_open`` on their short list are looked up in full."""
    cand, n = prob.cand, prob.n
    keep = opened[cand.site]
    r, c, d = cand.row[keep], cand.site[keep], cand.km[keep]
    deg = np.bincount(r, minlength=n)
    rank = np.arange(len(r)) - np.repeat(np.r_[0, np.cumsum(deg)[:-1]], deg)
    sel = rank < per_point
    r, c, d = r[sel], c[sel], d[sel]
    lacking = np.flatnonzero(np.bincount(r, minlength=n) < min(min_open, int(opened.sum())))
    if len(lacking):
        open_idx = np.flatnonzero(opened)
        rows = prob.rows_km(lacking)[:, open_idx]
        near = np.argsort(rows, axis=1, kind="stable")[:, :per_point]
        near_km = np.take_along_axis(rows, near, axis=1)
        ok = np.isfinite(near_km)
        keep_pairs = ~np.isin(r, lacking)
        r = np.r_[r[keep_pairs], np.repeat(lacking, ok.sum(axis=1))]
        c = np.r_[c[keep_pairs], open_idx[near[ok]]]
        d = np.r_[d[keep_pairs], near_km[ok]]
    if np.any(np.bincount(r, minlength=n) == 0):
        return None
    return r, c, d


def _place_split(
    prob: Problem,
    opened: np.ndarray,
    assign: np.ndarray,
    split: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    time_limit: float,
) -> np.ndarray:
    """Seat the points the LP split, exactly (small model) or else nearest-with-room."""
    r, c, d = pairs
    placed = assign >= 0
    resid = prob.cap - np.bincount(assign[placed], weights=prob.w[placed], minlength=prob.m)
    mine = np.isin(r, split)
    sr, sc, sd = r[mine], c[mine], d[mine]
    local = np.searchsorted(split, sr)
    nv = len(sr)
    used = np.unique(sc)
    crow = np.searchsorted(used, sc)
    res = milp(
        prob.w[sr] * sd,
        integrality=np.ones(nv),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(
                sparse.csr_matrix((np.ones(nv), (local, np.arange(nv))), shape=(len(split), nv)), 1, 1
            ),
            LinearConstraint(
                sparse.csr_matrix((prob.w[sr], (crow, np.arange(nv))), shape=(len(used), nv)),
                -np.inf,
                np.where(np.isfinite(resid[used]), resid[used] + SEAT_TOL, np.inf),
            ),
        ],
        options={"time_limit": max(time_limit, 0.1), "disp": False},
    )
    assign = assign.copy()
    if res.x is not None:
        pick = res.x > 0.5
        assign[sr[pick]] = sc[pick]
        return assign
    return seat_leftovers(prob, opened, assign)
