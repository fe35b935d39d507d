"""Exact uncapacitated p-median: the radius (covering) formulation in HiGHS.

Without seats each point is served by its nearest open site, so its cost is decided by the
smallest distance level at which some site is open. For point i with distinct distances
D¹ < D² < … (to all sites), let z_ik = 1 when no site within D^k is open (Elloumi 2010;
García, Labbé and Marín 2011)::

    min  Σ_i w_i·(D_i¹ + Σ_k (D_i^{k+1} − D_i^k)·z_ik)
    s.t. z_ik + Σ_{j: d_ij ≤ D_i^k} y_j ≥ 1      every point, every level
         Σ_j y_j = p,  y binary,  z ≥ 0

Written as a chain — z_i1 + Σ_{d_ij = D¹} y_j ≥ 1 and z_ik − z_i,k−1 + Σ_{d_ij = D^k} y_j ≥ 0 —
each site appears once per point, so the matrix has at most n·m entries however many levels there
are; its linear relaxation is the same (as strong as the classic one with x_ij ≤ y_j).

**Fewer levels.** Point i is modelled only up to a cap level C_i: its cost is min(d_i, C_i), a
lower estimate, so every capped model is a relaxation and its bound is valid. Elloumi's cap
(the (m − p + 1)-th nearest site: one of them is always open) is exact; the caps used start lower,
at each point's distance in a good heuristic answer (:mod:`.interchange`), which keeps the model
small. When the model's optimum serves a point beyond its cap, the cap is raised to that distance
and the model solved again (the radius-reduction loop of García, Labbé and Marín). When no point
is beyond its cap the capped cost is the true cost and the optimum is proven.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from . import branching, fixing, interchange
from .problem import Problem, Solution

#: ``bound_method`` of the answers: the Lagrangian bound, or the radius model's.
BOUND_LAGRANGIAN = "lagrangian"
BOUND_RADIUS = "highs_radius"
BOUND_BRANCHING = "lagrangian_branching"
#: HiGHS relative gap; proof is then checked against the bound ourselves (``PROOF_TOL``).
MIP_REL_GAP = 1e-9
#: Objective and bound within this relative difference count as equal (float noise).
PROOF_TOL = 1e-7
#: Share of the time budget the first descent may use (it usually stops much earlier, at its local
#: optimum); in the exact path, neighbourhood search then runs at most SEARCH_MAX_S seconds more
#: (a better answer rules out more sites) before the exact stage. Kept short: on the benchmark grid
#: the Lagrangian bound rounded up was already the optimum wherever the search had not found it,
#: and the exact stage found it faster (2 s of search cost 2 s of wall clock on every such instance).
SEARCH_SHARE = 0.25
SEARCH_MAX_S = 0.5
#: Share of the time budget by which the Lagrangian bound must stop.
BOUND_SHARE = 0.4
#: The Lagrangian multipliers are capped at w·(this × the distance to the second-nearest open
#: site of the first answer): pairs beyond it are left out (any cap keeps the bound valid; 2 gave
#: the full bound on the benchmark's networks at a third of the pairs).
REACH_FACTOR = 2.0
#: When more than this share of all pairs lies within reach (few sites to open), the exact path skips
#: the sparse bound and goes straight to the branch and bound over the dense matrix (:mod:`.branching`).
DENSE_SHARE = 0.3
#: The branch and bound runs when at most this many sites are left after fixing; with more (large p)
#: the radius model in HiGHS, whose root is then usually tight.
BRANCH_MAX_SITES = 150
#: ... for at most this share of the time left; if its tree is not closed by then, the radius model
#: in HiGHS gets the rest (over the sites the tree's root left), and the better bound counts.
BRANCH_SHARE = 0.5
#: ``scipy.optimize.milp`` status of a proven infeasible model.
MILP_INFEASIBLE = 2
#: Below this many seconds left a further model is not begun.
MIN_MODEL_S = 0.2


def elloumi_cap(dist_sorted: np.ndarray, p: int, forced_min: np.ndarray) -> np.ndarray:
    """A distance no optimal answer serves a point beyond: among its m − p + 1 nearest sites one is
    open; so is every forced site."""
    m = dist_sorted.shape[1]
    return np.minimum(dist_sorted[:, m - p], forced_min)


def integral_costs(w: np.ndarray, dist: np.ndarray) -> bool:
    """Whether every w_i·d_ij is a whole number (then so is the optimum, and bounds round up)."""
    prod = w[:, None] * dist
    return bool(np.all(np.abs(prod - np.round(prod)) <= 1e-9 * np.maximum(1.0, np.abs(prod))))


def build_model(
    w: np.ndarray, dist_sorted: np.ndarray, order: np.ndarray, cap: np.ndarray, p: int, forced: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Bounds, list[LinearConstraint], float]:
    """The capped radius model as milp arrays: cost, integrality, bounds, constraints, constant."""
    n, m = dist_sorted.shape
    below = dist_sorted < cap[:, None]
    new = np.ones_like(below)
    new[:, 1:] = dist_sorted[:, 1:] != dist_sorted[:, :-1]
    level = np.cumsum(new, axis=1) - 1  # distinct-level index of each sorted entry
    n_levels = np.where(below.any(axis=1), np.max(np.where(below, level, -1), axis=1) + 1, 0)
    z_off = np.r_[0, np.cumsum(n_levels)]
    n_z = int(z_off[-1])
    # distinct values D^k (k < n_levels) and the next one (D^{k+1}, the cap for the last)
    rows_i, cols_t = np.nonzero(below & new)
    d_k = dist_sorted[rows_i, cols_t]
    k_of = level[rows_i, cols_t]
    z_idx = z_off[rows_i] + k_of
    nxt = np.empty(n_z)
    d_level = np.empty(n_z)
    d_level[z_idx] = d_k
    last = k_of == n_levels[rows_i] - 1
    nxt[z_idx[~last]] = d_level[z_idx[~last] + 1]
    nxt[z_idx[last]] = cap[rows_i[last]]
    w_z = np.empty(n_z)
    w_z[z_idx] = w[rows_i]
    cost = np.r_[np.zeros(m), w_z * (nxt - d_level)]
    constant = float(w @ dist_sorted[:, 0])
    # y entries: every site below the cap, in the row of its level
    ri, ti = np.nonzero(below)
    y_rows = z_off[ri] + level[ri, ti]
    y_cols = order[ri, ti]
    # z entries: +1 on its own row, −1 on the next row of the same point
    z_all = np.arange(n_z)
    first = np.zeros(n_z, dtype=bool)
    first[z_off[:-1][n_levels > 0]] = True
    chain = z_all[~first]
    a = sparse.csr_matrix(
        (
            np.r_[np.ones(len(y_rows)), np.ones(n_z), -np.ones(len(chain))],
            (np.r_[y_rows, z_all, chain], np.r_[y_cols, m + z_all, m + chain - 1]),
        ),
        shape=(n_z, m + n_z),
    )
    lower_rhs = first.astype(float)
    count = sparse.csr_matrix((np.ones(m), (np.zeros(m, dtype=int), np.arange(m))), shape=(1, m + n_z))
    constraints = [LinearConstraint(count, p, p)]
    if n_z:
        constraints.insert(0, LinearConstraint(a, lower_rhs, np.inf))
    integrality = np.r_[np.ones(m), np.zeros(n_z)]
    bounds = Bounds(np.r_[forced.astype(float), np.zeros(n_z)], np.r_[np.ones(m), np.ones(n_z)])
    return cost, integrality, bounds, constraints, constant


def solve_radius(
    prob: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    start: np.ndarray | None = None,
    exact: bool = True,
    dist: np.ndarray | None = None,
) -> Solution:
    """Exact uncapacitated p-median over the full distance matrix, or the best answer and bound
    found by ``time_limit`` (see the module docstring). ``start``: a good open set, if known.
    ``exact=False`` is the heuristic: no integer model, the time left after the bound goes to
    variable neighbourhood search (stopping if it meets the bound). ``dist``: the n × m distances,
    all finite, if the caller has them.

    1. Greedy and fast interchange: an answer (the upper bound) and each point's distance in it.
    2. The Lagrangian bound (:mod:`.fixing`), an answer recovered from its sites, and the sites it
       rules out — skipped when few sites are to be opened (most pairs within reach).
    3. Few sites left (or step 2 skipped): branch and bound with Lagrangian bounds
       (:mod:`.branching`) for half the time left.
    4. Otherwise, or if its tree is not closed: the capped radius model over the sites left, in
       rounds (caps raised where its optimum serves a point beyond them) until its optimum is
       within its caps, or the time is up.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    n, p, w = prob.n, prob.p, prob.w
    if dist is None:
        dist = np.asarray(prob.rows_km(np.arange(n)), dtype=float)
    forced = prob.forced.astype(bool)
    whole = integral_costs(w, dist)
    # below this much over the best answer nothing counts as better: the fixing tolerance
    tol = 1.0 - 1e-6 if whole else 0.0

    primal = interchange.vns(
        w, dist, p, forced, t0 + SEARCH_SHARE * time_limit, seed=seed, start=start, stop_at=np.inf
    )
    dist_sorted = np.sort(dist, axis=1)
    reach = np.minimum(elloumi_cap(dist_sorted, p, _forced_min(dist, forced)), REACH_FACTOR * primal.d2)
    near = int(np.count_nonzero(dist < reach[:, None]))
    # few sites to open: most pairs are near, and the dense bound of the branch and bound is cheaper
    dense = exact and near > DENSE_SHARE * dist.size
    if dense:
        lag = None
        bound = -np.inf
    else:
        pairs = fixing.NearPairs.within(w, dist, reach)
        lag = fixing.lagrangian_bound(
            pairs, p, forced, primal.cost, w * primal.d1, deadline=t0 + BOUND_SHARE * time_limit
        )
        bound = _round_up(lag.lower_bound, whole)
        # primal recovery: the relaxation's own sites, descended, often beat the greedy's descent
        # (where the relaxation is tight they are the optimum: 900 nodes, p = 90 and 300)
        recovered = interchange.descend(w, dist, fixing.chosen_sites(lag, p, forced), forced, deadline)
        if recovered.cost < primal.cost:
            primal = recovered
    t_bound = time.perf_counter() - t0

    def proved(cost: float) -> bool:
        return cost <= bound + PROOF_TOL * max(1.0, abs(cost))

    # more search: to the deadline (heuristic) or briefly (a better answer rules out more sites)
    if not proved(primal.cost):
        until = deadline if not exact else min(deadline, time.perf_counter() + _search_more(time_limit))
        stop = bound if np.isfinite(bound) else -np.inf
        primal = interchange.vns(w, dist, p, forced, until, seed=seed, start=primal.opened, stop_at=stop)
    best_open, best_cost = primal.opened, primal.cost
    t_search = time.perf_counter() - t_bound - t0
    rounds, status, bound_method, ruled_out, nodes = 0, "bound meets the answer", BOUND_LAGRANGIAN, 0, 0
    root_bound = -np.inf if lag is None else lag.lower_bound
    if exact and not proved(best_cost):
        if lag is None:
            closed = fixed_open = np.zeros(prob.m, dtype=bool)
            lam = w * primal.d1
        else:
            closed, fixed_open = fixing.fixed_sites(lag, p, forced, best_cost, tol)
            lam = lag.lam
        keep = np.flatnonzero(~closed)
        kept_open = (forced | fixed_open)[keep]
        restricted, method, found = -np.inf, BOUND_RADIUS, None
        ruled_out = int(closed.sum())

        def offer(candidate: np.ndarray | None, columns: np.ndarray) -> None:
            nonlocal best_open, best_cost
            if candidate is not None:
                opened = np.zeros(prob.m, dtype=bool)
                opened[columns[candidate]] = True
                cost = float(w @ dist[:, opened].min(axis=1))
                if cost < best_cost:
                    best_open, best_cost = opened, cost

        if lag is None or len(keep) <= BRANCH_MAX_SITES:
            now = time.perf_counter()
            found = branching.branch_and_bound(
                w,
                dist[:, keep],
                p,
                kept_open,
                best_cost,
                lam,
                now + BRANCH_SHARE * (deadline - now),
                whole=whole,
            )
            nodes, ruled_out = found.nodes, ruled_out + int(found.root_closed.sum())
            status = "branch and bound: " + ("closed" if found.complete else "time limit reached")
            if lag is None:
                root_bound = found.root_bound
                bound = max(bound, _round_up(min(found.root_bound, primal.cost), whole))
            offer(found.opened, keep)
            restricted, method = found.bound, BOUND_BRANCHING
            # not closed in time: the radius model over the sites its root left
            keep, kept_open = keep[~found.root_closed], (kept_open | found.root_opened)[~found.root_closed]
        if (found is None or not found.complete) and time.perf_counter() < deadline - MIN_MODEL_S:
            cutoff = _cutoff(best_cost, whole)
            out = radius_rounds(
                w,
                dist[:, keep],
                p,
                kept_open,
                primal.d2,
                deadline,
                cutoff=cutoff,
                cutoff_bound=best_cost if whole else cutoff,
            )
            rounds, status = out.rounds, (status + "; " if found else "") + out.status
            offer(out.opened, keep)
            if out.bound > restricted:
                restricted, method = out.bound, BOUND_RADIUS
        # the optimum either opens a ruled-out site (and is no better than the answer) or is the
        # restricted problem's
        restricted = _round_up(min(restricted, primal.cost), whole)
        if restricted > bound:
            bound, bound_method = restricted, method
    elif not exact:
        status = "variable neighbourhood search"
    bound = min(bound, best_cost)
    proven = best_cost <= bound + PROOF_TOL * max(1.0, abs(best_cost))
    final = interchange.evaluate(w, dist, best_open)
    return Solution(
        open=best_open,
        assign=final.a1,
        objective=float(final.cost),
        lower_bound=float(bound),
        method="exact" if exact else "heuristic",
        proven_optimal=bool(proven),
        bound_method=bound_method,
        stats={
            "seconds": round(time.perf_counter() - t0, 3),
            "lagrangian_s": round(t_bound, 3),
            "search_s": round(t_search, 3),
            # the sparse root's bound (the dense path's root is the branch and bound's)
            "lagrangian_bound": round(lag.lower_bound if lag is not None else root_bound, 6),
            "branch_nodes": nodes,
            "sites_ruled_out": ruled_out,
            "radius_rounds": rounds,
            "highs_message": status,
        },
    )


def _forced_min(dist: np.ndarray, forced: np.ndarray) -> np.ndarray:
    return dist[:, forced].min(axis=1) if forced.any() else np.full(len(dist), np.inf)


def _search_more(time_limit: float) -> float:
    return min(SEARCH_MAX_S, SEARCH_SHARE * time_limit)


def _cutoff(upper_bound: float, whole: bool) -> float:
    """The largest cost still better than ``upper_bound`` worth seeking: one less with whole-number
    costs, otherwise the answer itself less float noise (finding nothing then proves it)."""
    return upper_bound - 1.0 if whole else upper_bound * (1 - PROOF_TOL / 10)


def _round_up(bound: float, whole: bool) -> float:
    """With whole-number costs the optimum is whole, so a bound rounds up to the next integer."""
    if whole and np.isfinite(bound):
        return float(np.ceil(bound - 1e-6 * max(1.0, abs(bound))))
    return bound


@dataclass
class Rounds:
    """What the radius rounds found: the best open set (``None``: none), its bound, how many
    models were solved and HiGHS's last message."""

    opened: np.ndarray | None
    bound: float
    rounds: int
    status: str


def radius_rounds(
    w: np.ndarray,
    dist: np.ndarray,
    p: int,
    forced: np.ndarray,
    cap0: np.ndarray,
    deadline: float,
    *,
    cutoff: float = np.inf,
    cutoff_bound: float = np.inf,
) -> Rounds:
    """Capped radius models, caps raised where the optimum goes beyond them, until it does not.

    ``cutoff``: only answers costing at most this are sought (a row "objective ≤ cutoff", which
    lets HiGHS prune as if it knew an answer that good). If none exists the returned bound is the
    ``cutoff_bound`` (what "nothing costs at most the cutoff" proves: with whole-number costs, the
    cutoff plus one) and ``opened`` is ``None``.
    """
    order = np.argsort(dist, axis=1, kind="stable")
    dist_sorted = np.take_along_axis(dist, order, axis=1)
    exact_cap = elloumi_cap(dist_sorted, p, _forced_min(dist, forced))
    cap = np.minimum(cap0, exact_cap)
    best, best_cost, bound = None, np.inf, -np.inf
    rounds, status = 0, ""
    while time.perf_counter() < deadline - MIN_MODEL_S:
        rounds += 1
        cost, integrality, bounds, constraints, constant = build_model(w, dist_sorted, order, cap, p, forced)
        if np.isfinite(cutoff):
            constraints.append(LinearConstraint(cost[None, :], -np.inf, cutoff - constant))
        res = milp(
            cost,
            integrality=integrality,
            bounds=bounds,
            constraints=constraints,
            options={
                "time_limit": max(deadline - time.perf_counter(), MIN_MODEL_S),
                "disp": False,
                "mip_rel_gap": MIP_REL_GAP,
            },
        )
        status = str(res.message)
        if res.status == MILP_INFEASIBLE and np.isfinite(cutoff):
            bound = max(bound, cutoff_bound)  # capped costs are lower estimates: nothing is that cheap
            break
        dual = getattr(res, "mip_dual_bound", None)
        if res.status == 0 and res.fun is not None and dual is None:
            dual = res.fun
        if dual is not None and np.isfinite(dual):
            bound = max(bound, float(dual) + constant)
        if res.x is None:
            break
        opened = res.x[: dist.shape[1]] > 0.5
        if opened.sum() != p:
            break
        d1 = dist[:, opened].min(axis=1)
        true_cost = float(w @ d1)
        if true_cost < best_cost:
            best, best_cost = opened, true_cost
        beyond = d1 > cap * (1 + 1e-12) + 1e-12
        if res.status != 0:
            break
        if not beyond.any():
            bound = max(bound, true_cost)  # its capped optimum costs its true value: optimal
            break
        cap = np.where(beyond, np.minimum(d1, exact_cap), cap)
    return Rounds(opened=best, bound=bound, rounds=rounds, status=status)
