"""Large-neighbourhood search with small exact models, for the capacitated p-median.

Vertex interchange moves one site at a time and seats children by a rule; near the optimum the
remaining savings need several sites and many children to move together. Here a window — an open
kindergarten and the sites nearest it — is re-solved exactly: HiGHS chooses which of the window's
sites to open (as many as are open now) and seats the children they serve now, the rest of the
county held fixed. The answer never gets worse (the current layout is a solution of every window),
and windows are tried round the county while child-km falls and time allows.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .problem import SEAT_TOL, Problem, assignment_cost

#: Sites per window (the centre and its nearest neighbours by shared demand points).
WINDOW_SITES = 10
#: HiGHS time per window; a window that does not finish keeps its incumbent.
WINDOW_TIME_S = 2.0
#: A window must save more than this share of the child-km to count as an improvement.
MIN_SAVING = 1e-9


def improve_windows(
    prob: Problem,
    opened: np.ndarray,
    assign: np.ndarray,
    neighbours: list[list[int]],
    deadline: float,
    *,
    seed: int = 0,
    stop: Callable[[float], bool] = lambda cost: False,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Re-solve windows round the open sites until a full round saves nothing, ``stop(child-km)``
    says so (the gap target is met), or ``deadline``; returns the open sites, the assignment and
    the number of windows solved."""
    rng = np.random.default_rng(seed)
    opened, assign = opened.copy(), assign.copy()
    cost = assignment_cost(prob, assign)
    solved, improved = 0, True
    while improved and time.perf_counter() < deadline - 0.1 and not stop(cost):
        improved = False
        centres = np.flatnonzero(opened & ~prob.forced)
        rng.shuffle(centres)
        for c in centres.tolist():
            if time.perf_counter() > deadline - 0.1 or stop(cost):
                break
            near = [j for j in neighbours[c] if not prob.forced[j]][: WINDOW_SITES - 1]
            window = np.array([c, *near])
            out = _solve_window(
                prob, opened, assign, window, min(WINDOW_TIME_S, deadline - time.perf_counter())
            )
            solved += 1
            if out is None:
                continue
            new_open, new_assign = out
            new_cost = assignment_cost(prob, new_assign)
            if new_cost < cost - MIN_SAVING * max(cost, 1.0):
                opened, assign, cost, improved = new_open, new_assign, new_cost, True
    return opened, assign, solved


def _solve_window(
    prob: Problem,
    opened: np.ndarray,
    assign: np.ndarray,
    window: np.ndarray,
    time_limit: float,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The window's exact model: its sites, the points they serve now, those points' listed pairs
    to the window's sites (and their current pair, so the incumbent stays feasible)."""
    if time_limit <= 0.05:
        return None
    in_window = np.zeros(prob.m, dtype=bool)
    in_window[window] = True
    cand = prob.cand
    rows = cand.row
    served = (assign >= 0) & in_window[np.maximum(assign, 0)]
    # points served outside the window that have a window site nearer than their own: they may
    # move in (freeing a seat outside, which harms no one) or stay
    km_now = cand.km.max(initial=0.0) + 1.0 + np.zeros(prob.n)
    on_list = cand.site == np.repeat(assign, np.diff(cand.indptr))
    km_now[rows[on_list]] = cand.km[on_list]
    nearer = in_window[cand.site] & (cand.km < km_now[rows]) & (assign[rows] >= 0)
    drawn = np.zeros(prob.n, dtype=bool)
    drawn[rows[nearer]] = True
    points = np.flatnonzero(served | drawn)
    if not len(points):
        return None
    local = np.full(prob.n, -1)
    local[points] = np.arange(len(points))
    keep = (local[rows] >= 0) & in_window[cand.site]
    pi, pj, pk = local[rows[keep]], cand.site[keep], cand.km[keep]
    # the current pair of every point, if it is not on the point's list
    have = set(zip(pi.tolist(), pj.tolist(), strict=True))
    extra = [(int(local[i]), int(assign[i])) for i in points if (int(local[i]), int(assign[i])) not in have]
    if extra:
        ex_i = np.array([e[0] for e in extra])
        ex_j = np.array([e[1] for e in extra])
        ex_k = prob.rows_km(points[ex_i])[np.arange(len(extra)), ex_j]
        pi, pj, pk = np.r_[pi, ex_i], np.r_[pj, ex_j], np.r_[pk, ex_k]
    site_of = np.full(prob.m, -1)
    site_of[window] = np.arange(len(window))
    nx, ns = len(pi), len(window)
    w = prob.w[points]
    cost = np.r_[w[pi] * pk, np.zeros(ns)]
    col_y = nx + np.arange(ns)
    serve = sparse.csr_matrix((np.ones(nx), (pi, np.arange(nx))), shape=(len(points), nx + ns))
    cap = np.where(np.isfinite(prob.cap[window]), prob.cap[window], w.sum())
    inside = np.flatnonzero(site_of[pj] >= 0)  # a drawn point's own site outside: no row
    seats = sparse.csr_matrix(
        (np.r_[w[pi[inside]], -cap], (np.r_[site_of[pj[inside]], np.arange(ns)], np.r_[inside, col_y])),
        shape=(ns, nx + ns),
    )
    strong = sparse.csr_matrix(
        (
            np.r_[np.ones(len(inside)), -np.ones(len(inside))],
            (
                np.r_[np.arange(len(inside)), np.arange(len(inside))],
                np.r_[inside, col_y[site_of[pj[inside]]]],
            ),
        ),
        shape=(len(inside), nx + ns),
    )
    count = sparse.csr_matrix((np.ones(ns), (np.zeros(ns, dtype=int), col_y)), shape=(1, nx + ns))
    k = int(opened[window].sum())
    res = milp(
        cost,
        integrality=np.ones(nx + ns),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(serve, 1, 1),
            LinearConstraint(seats, -np.inf, SEAT_TOL),
            LinearConstraint(strong, -np.inf, 0),
            LinearConstraint(count, k, k),
        ],
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": 1e-6},
    )
    if res.x is None:
        return None
    x = res.x
    new_open = opened.copy()
    new_open[window] = x[col_y] > 0.5
    new_assign = assign.copy()
    pick = x[:nx] > 0.5
    new_assign[points[pi[pick]]] = pj[pick]
    if np.any(new_assign[points] < 0):
        return None
    return new_open, new_assign


#: Sites on each point's list in the merging model: its nearest among the merged solutions' open
#: sites (plus its site in each solution, so every solution stays feasible).
MERGE_SITES_PER_POINT = 4


def merge_solutions(
    prob: Problem, solutions: list[tuple[np.ndarray, np.ndarray]], cutoff: float, time_limit: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """The best layout that opens only sites some of ``solutions`` open (solution merging, a form of
    path relinking): HiGHS chooses p of them and seats every point at one of its nearest such sites.
    Local optima of the interchange mostly agree, so the model is small; on the benchmark's 3,000 ×
    400 county two local optima (44,476.6 and 44,482.1 child-km, 84 sites open in either) merged to
    44,474.5 in 7 CPU s. Returns a layout cheaper than ``cutoff``, or ``None``."""
    if len(solutions) < 2 or time_limit <= 0.1:
        return None
    core = np.zeros(prob.m, dtype=bool)
    for opened, _ in solutions:
        core |= opened
    if core.sum() <= prob.p:
        return None
    cand = prob.cand
    deg = np.diff(cand.indptr)
    ok = core[cand.site]
    seen = np.cumsum(ok)
    rank = seen - np.repeat(np.r_[0, seen][cand.indptr[:-1]], deg)
    sel = ok & (rank <= MERGE_SITES_PER_POINT)
    for _, assign in solutions:
        sel |= cand.site == np.repeat(assign, deg)
    pi, pj, pk = cand.row[sel], cand.site[sel], cand.km[sel]
    if np.any(np.bincount(pi, minlength=prob.n) == 0):
        return None  # a point served off its list in some solution: not modelled here
    sites = np.flatnonzero(core)
    site_of = np.full(prob.m, -1)
    site_of[sites] = np.arange(len(sites))
    nx, ns = len(pi), len(sites)
    cost = np.r_[prob.w[pi] * pk, np.zeros(ns)]
    col_y = nx + np.arange(ns)
    cap = np.where(np.isfinite(prob.cap[sites]), prob.cap[sites], prob.w.sum())
    serve = sparse.csr_matrix((np.ones(nx), (pi, np.arange(nx))), shape=(prob.n, nx + ns))
    seats = sparse.csr_matrix(
        (np.r_[prob.w[pi], -cap], (np.r_[site_of[pj], np.arange(ns)], np.r_[np.arange(nx), col_y])),
        shape=(ns, nx + ns),
    )
    strong = sparse.csr_matrix(
        (
            np.r_[np.ones(nx), -np.ones(nx)],
            (np.r_[np.arange(nx), np.arange(nx)], np.r_[np.arange(nx), col_y[site_of[pj]]]),
        ),
        shape=(nx, nx + ns),
    )
    count = sparse.csr_matrix((np.ones(ns), (np.zeros(ns, dtype=int), col_y)), shape=(1, nx + ns))
    lower = np.zeros(nx + ns)
    lower[col_y] = prob.forced[sites].astype(float)
    res = milp(
        cost,
        integrality=np.ones(nx + ns),
        bounds=Bounds(lower, np.ones(nx + ns)),
        constraints=[
            LinearConstraint(serve, 1, 1),
            LinearConstraint(seats, -np.inf, SEAT_TOL),
            LinearConstraint(strong, -np.inf, 0),
            LinearConstraint(count, prob.p, prob.p),
            LinearConstraint(sparse.csr_matrix(cost[None, :]), -np.inf, cutoff * (1 - MIN_SAVING)),
        ],
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        return None
    x = res.x
    opened = np.zeros(prob.m, dtype=bool)
    opened[sites] = x[col_y] > 0.5
    assign = np.full(prob.n, -1)
    pick = x[:nx] > 0.5
    assign[pi[pick]] = pj[pick]
    if np.any(assign < 0) or opened.sum() != prob.p:
        return None
    return opened, assign
