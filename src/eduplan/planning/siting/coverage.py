"""Covering models: most children within the service radius, or fewest sites for all.

* Maximal covering (MCLP): open p sites so that as many children as possible have an open site
  within the radius. Reported as a minimisation — children left *uncovered* — so that, as for the
  p-median, ``lower_bound`` ≤ ``objective`` and the gap reads the same way.
* Set covering (LSCP): the fewest sites such that every demand point with children has one within
  the radius ("every rural child a place"). Points with no candidate site within the radius cannot
  be covered by any choice; they are reported, not refused.

Both ignore seats (the classic models); the service zones afterwards seat children with capacity.
Exact with HiGHS; heuristics (greedy, then swaps / redundancy removal) report the LP relaxation as
their bound.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .instance import Candidates

#: Relative improvement below which a swap is not counted as better (float noise).
REL_TOL = 1e-12
#: Slack when rounding the LP bound of set covering up to a whole number of sites.
INT_TOL = 1e-6


@dataclass
class CoverSolution:
    """Open sites, the objective (uncovered children, or number of sites) and a valid bound."""

    open: np.ndarray
    objective: float
    lower_bound: float
    method: str
    proven_optimal: bool = False
    stats: dict[str, float | int | str] = field(default_factory=dict)


def cover_matrix(cover: Candidates, m: int) -> sparse.csr_matrix:
    """n × m 0/1 matrix: site j is within the radius of point i."""
    n = len(cover.indptr) - 1
    return sparse.csr_matrix((np.ones(len(cover.site)), cover.site, cover.indptr), shape=(n, m))


# --------------------------------------------------------------------------------------------------
# Maximal covering
# --------------------------------------------------------------------------------------------------


def _mclp_model(
    w: np.ndarray, a: sparse.csr_matrix, p: int, forced: np.ndarray
) -> tuple[np.ndarray, list[LinearConstraint], Bounds, int]:
    """Variables y (m sites) then z (n points, z_i = 1 if covered): min −Σ w·z."""
    n, m = a.shape
    c = np.r_[np.zeros(m), -w]
    link = sparse.hstack([-a, sparse.identity(n, format="csr")], format="csr")
    count = sparse.csr_matrix(np.r_[np.ones(m), np.zeros(n)])
    lower = np.r_[forced.astype(float), np.zeros(n)]
    return c, [LinearConstraint(link, -np.inf, 0), LinearConstraint(count, p, p)], Bounds(lower, 1), m


def mclp_exact(
    w: np.ndarray, a: sparse.csr_matrix, p: int, forced: np.ndarray, time_limit: float
) -> CoverSolution:
    """MCLP in HiGHS; z need not be integer (it equals min(1, Σ y) at an optimum)."""
    t0 = time.perf_counter()
    c, cons, bounds, m = _mclp_model(w, a, p, forced)
    res = milp(
        c,
        integrality=np.r_[np.ones(m), np.zeros(len(w))],
        bounds=bounds,
        constraints=cons,
        options={"time_limit": time_limit, "disp": False},
    )
    total = float(w.sum())
    bound = getattr(res, "mip_dual_bound", None)
    lb = total + float(bound) if bound is not None and np.isfinite(bound) else 0.0
    stats: dict[str, float | int | str] = {
        "seconds": round(time.perf_counter() - t0, 3),
        "highs_status": int(res.status),
    }
    if res.x is None:
        return CoverSolution(np.zeros(m, dtype=bool), np.inf, max(lb, 0.0), "exact", stats=stats)
    opened = res.x[:m] > 0.5
    objective = uncovered_children(w, a, opened)
    proven = res.status == 0
    return CoverSolution(
        opened, objective, min(max(lb, 0.0), objective) if proven else max(lb, 0.0), "exact", proven, stats
    )


def mclp_lp_bound(
    w: np.ndarray, a: sparse.csr_matrix, p: int, forced: np.ndarray, time_limit: float
) -> float:
    """Fewest uncovered children any choice of p sites could reach (the LP relaxation)."""
    c, cons, bounds, _m = _mclp_model(w, a, p, forced)
    res = milp(
        c, integrality=np.zeros(len(c)), bounds=bounds, constraints=cons, options={"time_limit": time_limit}
    )
    if res.status != 0 or res.fun is None:
        return 0.0
    return max(0.0, float(w.sum() + res.fun))


def uncovered_children(w: np.ndarray, a: sparse.csr_matrix, opened: np.ndarray) -> float:
    covered = (a @ opened.astype(float)) > 0
    return float(w[~covered].sum())


def mclp_heuristic(
    w: np.ndarray, a: sparse.csr_matrix, p: int, forced: np.ndarray, time_limit: float
) -> CoverSolution:
    """Greedy (add the site covering most uncovered children), then best-improvement swaps.

    A swap's value is computed for every (open, closed) pair at once: the closed site gains the
    children nobody covers plus those only the open site covers, and the open site loses those only
    it covers — one sparse product per round.
    """
    t0 = time.perf_counter()
    n, m = a.shape
    at = a.T.tocsr()
    opened = forced.copy()
    count = a @ opened.astype(float)
    while opened.sum() < min(p, m):
        gain = at @ (w * (count == 0))
        gain[opened] = -1.0
        j = int(np.argmax(gain))
        opened[j] = True
        count += a[:, j].toarray().ravel()
    swaps = 0
    while time.perf_counter() < t0 + time_limit:
        once = count == 1
        base = at @ (w * (count == 0))
        loss = at @ (w * once)
        a1 = sparse.diags(w * once) @ a
        cross = (a.T @ a1).tocsr()  # cross[j, o]: children only o covers that j would cover
        best, best_pair = REL_TOL * max(1.0, float(w.sum())), None
        for o in np.flatnonzero(opened & ~forced):
            col = cross[:, o].toarray().ravel()
            delta = base + col - loss[o]
            delta[opened] = -np.inf
            j = int(np.argmax(delta))
            if delta[j] > best:
                best, best_pair = float(delta[j]), (o, j)
        if best_pair is None:
            break
        o, j = best_pair
        opened[o], opened[j] = False, True
        count += a[:, j].toarray().ravel() - a[:, o].toarray().ravel()
        swaps += 1
    objective = uncovered_children(w, a, opened)
    left = max(0.5, time_limit - (time.perf_counter() - t0))
    lb = min(mclp_lp_bound(w, a, p, forced, left), objective)
    return CoverSolution(
        opened,
        objective,
        lb,
        "heuristic",
        proven_optimal=objective <= lb + REL_TOL * max(1.0, float(w.sum())),
        stats={"seconds": round(time.perf_counter() - t0, 3), "swaps": swaps},
    )


# --------------------------------------------------------------------------------------------------
# Set covering
# --------------------------------------------------------------------------------------------------


def lscp_exact(a: sparse.csr_matrix, forced: np.ndarray, time_limit: float) -> CoverSolution:
    """Fewest sites covering every row of ``a`` (rows are the points that need and can be covered)."""
    t0 = time.perf_counter()
    _, m = a.shape
    res = milp(
        np.ones(m),
        integrality=np.ones(m),
        bounds=Bounds(forced.astype(float), 1),
        constraints=[LinearConstraint(a, 1, np.inf)] if a.shape[0] else [],
        options={"time_limit": time_limit, "disp": False},
    )
    bound = getattr(res, "mip_dual_bound", None)
    lb = float(math.ceil(float(bound) - INT_TOL)) if bound is not None and np.isfinite(bound) else 0.0
    stats: dict[str, float | int | str] = {
        "seconds": round(time.perf_counter() - t0, 3),
        "highs_status": int(res.status),
    }
    if res.x is None:
        return CoverSolution(np.zeros(m, dtype=bool), np.inf, lb, "exact", stats=stats)
    opened = res.x > 0.5
    objective = float(opened.sum())
    proven = res.status == 0
    return CoverSolution(
        opened, objective, objective if proven else min(lb, objective), "exact", proven, stats
    )


def lscp_lp_bound(a: sparse.csr_matrix, forced: np.ndarray, time_limit: float) -> float:
    """The LP relaxation rounded up: no cover can use fewer sites."""
    m = a.shape[1]
    res = milp(
        np.ones(m),
        integrality=np.zeros(m),
        bounds=Bounds(forced.astype(float), 1),
        constraints=[LinearConstraint(a, 1, np.inf)] if a.shape[0] else [],
        options={"time_limit": time_limit},
    )
    if res.status != 0 or res.fun is None:
        return float(forced.sum())
    return float(math.ceil(float(res.fun) - INT_TOL))


def lscp_heuristic(a: sparse.csr_matrix, forced: np.ndarray, time_limit: float) -> CoverSolution:
    """Chvátal's greedy (the site covering most still-uncovered points), then drop any site whose
    points are all covered by others."""
    t0 = time.perf_counter()
    _, m = a.shape
    at = a.T.tocsr()
    opened = forced.copy()
    count = a @ opened.astype(float)
    while np.any(count == 0):
        gain = at @ (count == 0).astype(float)
        gain[opened] = -1.0
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        opened[j] = True
        count += a[:, j].toarray().ravel()
    for j in np.flatnonzero(opened & ~forced)[::-1]:
        col = a[:, j].toarray().ravel()
        if np.all(count[col > 0] >= 2):
            opened[j] = False
            count -= col
    objective = float(opened.sum())
    lb = min(lscp_lp_bound(a, forced, max(0.5, time_limit - (time.perf_counter() - t0))), objective)
    return CoverSolution(
        opened,
        objective,
        lb,
        "heuristic",
        proven_optimal=objective <= lb,
        stats={"seconds": round(time.perf_counter() - t0, 3)},
    )
