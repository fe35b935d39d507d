"""Capacitated p-median: open p kindergartens and give every child a seat, least child-km (PRE-4.1.1).

Each demand point (a village or neighbourhood) is served whole by one kindergarten (its service
zone, 服务区), and a kindergarten takes no more children than it has seats. Two ways to solve:

* :func:`solve_exact` — the integer model in HiGHS (``scipy.optimize.milp``), built as sparse
  matrices. It proves optimality on small and medium instances.
* :func:`solve_heuristic` — greedy opening, Teitz–Bart vertex interchange and a regret assignment,
  with a Lagrangian relaxation running alongside that supplies the lower bound (so the reported gap
  is honest) and further good sets of sites.

Both work on each demand point's K nearest sites (:class:`~.instance.Candidates`). Restricting the
lists would make an ordinary bound invalid for the full problem; here every demand point also has an
"elsewhere" option costing its distance to the nearest site *left off* its list and using no seat.
That makes both models relaxations of the full problem, so their bounds hold for it, and a solution
that uses no "elsewhere" option is feasible and, when the bound meets it, optimal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .instance import Candidates

#: Slack when comparing children with seats, so float sums never read as an over-full kindergarten.
SEAT_TOL = 1e-9
#: Relative improvement below which a candidate solution or bound is not counted as better.
REL_TOL = 1e-12
#: Subgradient step scale (Held–Karp): starts at 2 (1 when re-starting from good multipliers with
#: exact knapsacks), halves when the bound stalls this many steps; below MIN_STEP it has converged.
STEP_START = 2.0
EXACT_STEP_START = 1.0
STALL_STEPS = 20
MIN_STEP = 1e-4
#: Demand points per site pair counted when ranking which closed sites are "near" an open one.
NEIGHBOUR_LIST_LENGTH = 10
#: Child-km per unseated child, as a multiple of the longest listed distance (search penalty).
UNSEATED_PENALTY = 10.0
#: Random restarts round the relaxation's average openings plus uniform noise of this size (doubled
#: whenever a rounding repeats), and are not begun with less than MIN_RESTART_S seconds left.
PERTURB_NOISE = 0.1
MIN_RESTART_S = 0.5
#: Consecutive roundings that repeat an earlier one before the restarts stop (small instances
#: run out of distinct site sets).
MAX_REPEATS = 50
#: Shares of the heuristic's time budget by which the Lagrangian bound, then its exact-knapsack
#: continuation, must stop (the rest is local search).
LAGRANGIAN_SHARE = 0.5
EXACT_LAGRANGIAN_SHARE = 0.75
#: Open sites per demand point in the LP assignment (a split point needs a second choice).
LP_SITES_PER_POINT = 8
#: An LP value this close to 1 counts as a whole assignment.
LP_INTEGRAL_TOL = 1e-6
#: ``scipy.optimize.milp`` status for a proven infeasible model.
MILP_INFEASIBLE = 2
#: HiGHS relative gap for "proven optimal" in the exact model.
EXACT_MIP_GAP = 1e-6


@dataclass(frozen=True)
class Problem:
    """The arrays of a capacitated p-median instance.

    ``w`` children per demand point (all > 0: points without children are left out by the caller),
    ``cap`` seats per site (``inf`` = uncapacitated), ``cand`` each point's nearest sites, ``p`` the
    number of sites to open, ``forced`` sites that must stay open, and ``rows_km(rows)`` the
    distances from the given points to every site, used when a point's short list has no room left.
    """

    w: np.ndarray
    cap: np.ndarray
    cand: Candidates
    p: int
    forced: np.ndarray
    rows_km: Callable[[np.ndarray], np.ndarray]

    @property
    def n(self) -> int:
        return len(self.w)

    @property
    def m(self) -> int:
        return len(self.cap)


@dataclass
class Solution:
    """Open sites, each demand point's site (``-1`` = no seat found), the child-km objective and the
    lower bound valid for the full problem."""

    open: np.ndarray
    assign: np.ndarray
    objective: float
    lower_bound: float
    method: str
    proven_optimal: bool = False
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.lower_bound)


def relative_gap(objective: float, lower_bound: float) -> float | None:
    """(objective − bound) / bound; 0 when both are 0, ``None`` when the bound is 0 but not the value."""
    if lower_bound > 0:
        return max(0.0, (objective - lower_bound) / lower_bound)
    return 0.0 if objective <= 0 else None


def assignment_cost(prob: Problem, assign: np.ndarray) -> float:
    """Child-km of an assignment; points without a seat cost nothing here (they are reported)."""
    return float((prob.w * assignment_km(prob, assign)).sum())


def assignment_km(prob: Problem, assign: np.ndarray) -> np.ndarray:
    """Each point's distance to its site (0 where unassigned), from the lists or a full row."""
    cand = prob.cand
    deg = np.diff(cand.indptr)
    hit = cand.site == np.repeat(assign, deg)
    km = np.zeros(prob.n)
    found = np.zeros(prob.n, dtype=bool)
    rows = cand.row[hit]
    km[rows] = cand.km[hit]
    found[rows] = True
    far = np.flatnonzero(~found & (assign >= 0))
    if len(far):
        km[far] = prob.rows_km(far)[np.arange(len(far)), assign[far]]
    return km


# --------------------------------------------------------------------------------------------------
# Lagrangian relaxation (lower bound)
# --------------------------------------------------------------------------------------------------


@dataclass
class _Pairs:
    """Flat (demand, site, child-km) pairs of the candidate lists, and the cap on each multiplier."""

    i: np.ndarray
    j: np.ndarray
    cost: np.ndarray
    lam_max: np.ndarray

    @classmethod
    def of(cls, prob: Problem) -> _Pairs:
        i = prob.cand.row
        with np.errstate(invalid="ignore"):
            lam_max = prob.w * prob.cand.next_km
        return cls(i=i, j=prob.cand.site, cost=prob.w[i] * prob.cand.km, lam_max=lam_max)


def _knapsacks(prob: Problem, pairs: _Pairs, lam: np.ndarray) -> _Knapsacks:
    """Each site's knapsack over the points with negative reduced cost w·km − λ, solved as its
    linear relaxation (take points by reduced cost per child until the seats run out)."""
    r = pairs.cost - lam[pairs.i]
    sel = np.flatnonzero(r < 0)
    ni, nj, nr = pairs.i[sel], pairs.j[sel], r[sel]
    nw = prob.w[ni]
    order = np.lexsort((nr / nw, nj))
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
    cols = np.arange(int(seats.max()) + 1)[None, :]
    best = np.zeros((nb, cols.shape[1]))
    take = np.zeros((kmax, nb, cols.shape[1]), dtype=bool)
    for k in range(kmax):
        idx = cols - wt[:, k : k + 1]
        cand = np.take_along_axis(best, np.maximum(idx, 0), axis=1) + red[:, k : k + 1]
        better = (idx >= 0) & (cand < best)
        take[k] = better
        best = np.where(better, cand, best)
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
) -> LagrangianResult:
    """Subgradient ascent on the Lagrangian dual; the best value is a lower bound on the optimum.

    "Every point served once" is moved into the objective with multipliers λ; the rest splits by
    site into knapsacks. Multipliers are capped at w·(distance to the nearest site off the list) —
    the "elsewhere" option — which keeps the bound valid for the unrestricted problem. With
    ``exact_knapsacks`` the knapsacks of the 2p most promising sites are solved as 0-1 knapsacks
    (a stronger bound than the LP when villages are large against kindergartens, but slower);
    the other sites keep their linear value, a lower one, so the bound stays valid.
    The open sites of the subproblems are averaged with weights growing with the step number
    (ergodic primal recovery): rounding that average gives a good set of sites for local search.
    """
    pairs = _Pairs.of(prob)
    lam = _initial_multipliers(prob) if lam0 is None else lam0.copy()
    lam = np.minimum(lam, pairs.lam_max)
    best, best_lam = -np.inf, lam.copy()
    theta, stall, it = (EXACT_STEP_START if exact_knapsacks else STEP_START), 0, 0
    y_sum, weight = np.zeros(prob.m), 0.0
    for it in range(1, iterations + 1):
        ks = _knapsacks(prob, pairs, lam)
        if exact_knapsacks:
            focus = np.argsort(np.where(prob.forced, -np.inf, ks.rho), kind="stable")[: 2 * prob.p]
            _solve_01(prob, ks, focus)
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
    return _repair_capacity(prob, opened)


def _initial_multipliers(prob: Problem) -> np.ndarray:
    """Start each λ at the child-km to the site a p-th of the way down the point's list."""
    deg = np.diff(prob.cand.indptr)
    k = max(1, round(prob.m / max(prob.p, 1)))
    pos = prob.cand.indptr[:-1] + np.minimum(k, np.maximum(deg, 1)) - 1
    km = np.where(deg > 0, prob.cand.km[np.minimum(pos, len(prob.cand.km) - 1)], prob.cand.next_km)
    return prob.w * np.where(np.isfinite(km), km, 0.0)


# --------------------------------------------------------------------------------------------------
# Heuristic: greedy + regret assignment + vertex interchange (Teitz–Bart)
# --------------------------------------------------------------------------------------------------


class _Search:
    """Mutable state of the local search: who is open, who serves whom, seats left.

    Plain Python lists, not numpy: the moves touch a few dozen points at a time, where list
    indexing is several times faster than numpy scalar access.
    """

    def __init__(self, prob: Problem, seed: int, swap_neighbours: int) -> None:
        self.prob = prob
        self.rng = np.random.default_rng(seed)
        self.swap_neighbours = swap_neighbours
        cand = prob.cand
        self.cs: list[list[int]] = []
        self.ck: list[list[float]] = []
        self.kmap: list[dict[int, float]] = []
        sites_all, kms_all = cand.site.tolist(), cand.km.tolist()
        ptr = cand.indptr.tolist()
        for i in range(prob.n):
            sites, kms = sites_all[ptr[i] : ptr[i + 1]], kms_all[ptr[i] : ptr[i + 1]]
            self.cs.append(sites)
            self.ck.append(kms)
            self.kmap.append(dict(zip(sites, kms, strict=True)))
        self.w: list[float] = prob.w.tolist()
        self.cap: list[float] = prob.cap.tolist()
        reach = np.r_[cand.km, cand.next_km]
        reach = reach[np.isfinite(reach)]
        #: Child-km charged per child without a seat, so the search prefers any seat to none.
        self.penalty_km = UNSEATED_PENALTY * (float(reach.max()) if len(reach) else 1.0)
        by_site = np.argsort(cand.site, kind="stable")
        bounds = np.searchsorted(cand.site[by_site], np.arange(prob.m + 1))
        rows, kms = cand.row[by_site], cand.km[by_site]
        self.site_pts: list[list[int]] = [rows[bounds[j] : bounds[j + 1]].tolist() for j in range(prob.m)]
        self.site_km: list[list[float]] = [kms[bounds[j] : bounds[j + 1]].tolist() for j in range(prob.m)]
        self.neighbours = self._site_neighbours()
        self.open: list[bool] = [False] * prob.m
        self.assign: list[int] = [-1] * prob.n
        self.km_of: list[float] = [0.0] * prob.n
        self.resid: list[float] = list(self.cap)
        self.members: list[set[int]] = [set() for _ in range(prob.m)]
        self.unseated: set[int] = set(range(prob.n))
        #: A swap must save more than this many child-km (float noise otherwise loops forever).
        self.min_gain = REL_TOL * float(np.sum(prob.w)) * (float(reach.max()) if len(reach) else 1.0)

    def _site_neighbours(self) -> list[list[int]]:
        """Sites that share demand points with each site, most shared first (works without
        coordinates, e.g. with a road-distance matrix)."""
        cand, prob = self.prob.cand, self.prob
        deg = np.diff(cand.indptr)
        rank = np.arange(len(cand.site)) - np.repeat(cand.indptr[:-1], deg)
        keep = rank < NEIGHBOUR_LIST_LENGTH
        a = sparse.csr_matrix(
            (np.ones(int(keep.sum())), (cand.row[keep], cand.site[keep])), shape=(prob.n, prob.m)
        )
        co = (a.T @ a).tocsr()
        co.setdiag(0)
        co.eliminate_zeros()
        out: list[list[int]] = []
        for j in range(prob.m):
            lo, hi = co.indptr[j], co.indptr[j + 1]
            order = np.argsort(-co.data[lo:hi], kind="stable")
            out.append(co.indices[lo:hi][order].tolist())
        return out

    # -- state -------------------------------------------------------------------------------------
    def cost(self) -> float:
        pen = self.penalty_km
        return sum(
            w * (km if a >= 0 else pen) for w, km, a in zip(self.w, self.km_of, self.assign, strict=True)
        )

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, float]:
        return np.array(self.open), np.array(self.assign), self.cost()

    def _clear(self, opened: np.ndarray) -> None:
        self.open = [bool(x) for x in opened]
        self.assign = [-1] * self.prob.n
        self.km_of = [0.0] * self.prob.n
        self.resid = list(self.cap)
        self.members = [set() for _ in range(self.prob.m)]
        self.unseated = set(range(self.prob.n))

    def _move(self, i: int, j: int, km: float) -> None:
        a = self.assign[i]
        if a >= 0:
            self.resid[a] += self.w[i]
            self.members[a].discard(i)
        self.assign[i], self.km_of[i] = j, km
        if j >= 0:
            self.resid[j] -= self.w[i]
            self.members[j].add(i)
            self.unseated.discard(i)
        else:
            self.unseated.add(i)

    def load(self, opened: np.ndarray, assign: np.ndarray) -> None:
        """Adopt an open set and an assignment (e.g. from :func:`lp_assignment`)."""
        self._clear(opened)
        far = [i for i, j in enumerate(assign.tolist()) if j >= 0 and j not in self.kmap[i]]
        if far:
            rows = self.prob.rows_km(np.array(far))
            for i, row in zip(far, rows, strict=True):
                self.kmap[i][int(assign[i])] = float(row[assign[i]])
        for i, j in enumerate(assign.tolist()):
            if j >= 0:
                self._move(i, j, self.kmap[i][j])

    def set_open(self, opened: np.ndarray) -> None:
        """Open these sites and seat everyone by the regret rule."""
        self._clear(opened)
        moves = self._regret(list(range(self.prob.n)), None)
        for i, j, km in moves:
            if j < 0:
                j, km = self._far_site(i)
            self._move(i, j, km)

    # -- assignment --------------------------------------------------------------------------------
    def _regret(self, points: list[int], undo: dict[int, float] | None) -> list[tuple[int, int, float]]:
        """Regret assignment: the point that loses most by missing its nearest open site with room
        goes first; each then takes the nearest open site that still has room. Seats are taken from
        ``self.resid``; when ``undo`` is given the old values are recorded there for a rollback."""
        is_open, resid, w, pen = self.open, self.resid, self.w, self.penalty_km
        keyed = []
        for i in points:
            wi = w[i] - SEAT_TOL
            first = second = -1.0
            for j, d in zip(self.cs[i], self.ck[i], strict=True):
                if is_open[j] and resid[j] >= wi:
                    if first < 0:
                        first = d
                    else:
                        second = d
                        break
            regret = np.inf if first < 0 else w[i] * ((second if second >= 0 else pen) - first)
            keyed.append((-regret, i))
        keyed.sort()
        moves: list[tuple[int, int, float]] = []
        for _, i in keyed:
            wi = w[i]
            site, km = -1, 0.0
            for j, d in zip(self.cs[i], self.ck[i], strict=True):
                if is_open[j] and resid[j] >= wi - SEAT_TOL:
                    site, km = j, d
                    break
            if site >= 0:
                if undo is not None and site not in undo:
                    undo[site] = resid[site]
                resid[site] -= wi
            moves.append((i, site, km))
        if undo is None:
            for i, site, _km in moves:
                if site >= 0:
                    resid[site] += w[i]  # the caller commits through _move
        return moves

    def _far_site(self, i: int) -> tuple[int, float]:
        """Nearest open site with room beyond the point's short list (rare: a full row lookup)."""
        row = self.prob.rows_km(np.array([i]))[0]
        for j in np.argsort(row, kind="stable").tolist():
            if not np.isfinite(row[j]):
                break
            if self.open[j] and self.resid[j] >= self.w[i] - SEAT_TOL:
                self.kmap[i][j] = float(row[j])
                return j, float(row[j])
        return -1, 0.0

    def improve_assignment(self, deadline: float) -> None:
        """Shift a point to a nearer open site with room, or swap two points between sites, while
        either lowers child-km (a local search on the assignment alone)."""
        for i in sorted(self.unseated, key=lambda i: -self.w[i]):
            j, km = self._far_site(i)
            if j >= 0:
                self._move(i, j, km)
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for i in range(self.prob.n):
                a, da, wi = self.assign[i], self.km_of[i], self.w[i]
                if a < 0:
                    continue
                for j, dj in zip(self.cs[i], self.ck[i], strict=True):
                    if dj >= da:
                        break
                    if not self.open[j]:
                        continue
                    if self.resid[j] >= wi - SEAT_TOL:
                        self._move(i, j, dj)
                        improved = True
                        break
                    if self._try_exchange(i, a, da, j, dj):
                        improved = True
                        break

    def _try_exchange(self, i: int, a: int, da: float, j: int, dj: float) -> bool:
        """Swap point i (at a) with some point k at j if both fit and child-km falls."""
        wi = self.w[i]
        gain_i = wi * (da - dj)
        best, best_k, best_dk = self.min_gain, -1, 0.0
        for k in self.members[j]:
            dka = self.kmap[k].get(a)
            if dka is None:
                continue
            wk = self.w[k]
            if wk > self.resid[a] + wi + SEAT_TOL or wi > self.resid[j] + wk + SEAT_TOL:
                continue
            gain = gain_i + wk * (self.km_of[k] - dka)
            if gain > best:
                best, best_k, best_dk = gain, k, dka
        if best_k < 0:
            return False
        self._move(best_k, -1, 0.0)
        self._move(i, j, dj)
        self._move(best_k, a, best_dk)
        return True

    # -- vertex interchange --------------------------------------------------------------------------
    def _trial_swap(self, out: int, inn: int) -> tuple[float, list[tuple[int, int, float]]]:
        """Child-km change of closing ``out`` and opening ``inn``: the points of ``out`` and those
        nearer ``inn`` than their site are re-seated by the regret rule with the seats left.
        The state is changed in place and rolled back."""
        assign, km_of, w, resid, pen = self.assign, self.km_of, self.w, self.resid, self.penalty_km
        affected = list(self.members[out]) + [i for i in self.unseated if assign[i] < 0]
        for i, d in zip(self.site_pts[inn], self.site_km[inn], strict=True):
            if d < km_of[i] and assign[i] >= 0 and assign[i] != out:
                affected.append(i)
        undo: dict[int, float] = {out: resid[out], inn: resid[inn]}
        old = 0.0
        for i in affected:
            a = assign[i]
            if a >= 0:
                old += w[i] * km_of[i]
                if a not in undo:
                    undo[a] = resid[a]
                resid[a] += w[i]
            else:
                old += w[i] * pen
        self.open[out], self.open[inn] = False, True
        moves = self._regret(affected, undo)
        self.open[out], self.open[inn] = True, False
        for j, v in undo.items():
            resid[j] = v
        new = sum(w[i] * (km if j >= 0 else pen) for i, j, km in moves)
        return new - old, moves

    def _apply_swap(self, out: int, inn: int, moves: list[tuple[int, int, float]]) -> None:
        for i, _, _ in moves:
            self._move(i, -1, 0.0)
        self.open[out], self.open[inn] = False, True
        for i, j, km in moves:
            if j < 0:
                j, km = self._far_site(i)
            self._move(i, j, km)

    def interchange(self, deadline: float, refresh: Callable[[], None] | None = None) -> int:
        """Teitz–Bart vertex interchange restricted to nearby closed sites: for each open site try
        its neighbours in its place and take the best improving swap; after each pass ``refresh``
        re-optimises the whole assignment; stop when a pass finds no swap."""
        forced = self.prob.forced
        swaps, improved = 0, True
        while improved and time.perf_counter() < deadline:
            improved = False
            order = [j for j in range(self.prob.m) if self.open[j] and not forced[j]]
            self.rng.shuffle(order)
            for out in order:
                if time.perf_counter() > deadline:
                    break
                best, best_in, best_moves = -self.min_gain, -1, None
                tried = 0
                for inn in self.neighbours[out]:
                    if self.open[inn]:
                        continue
                    delta, moves = self._trial_swap(out, inn)
                    if delta < best:
                        best, best_in, best_moves = delta, inn, moves
                    tried += 1
                    if tried >= self.swap_neighbours:
                        break
                if best_moves is not None:
                    self._apply_swap(out, best_in, best_moves)
                    swaps += 1
                    improved = True
            if refresh is not None and improved:
                refresh()
        return swaps


def greedy_open(prob: Problem) -> np.ndarray:
    """Open sites one at a time, each time the one that saves most child-km, counting at most as
    many children as it has seats (so a small site is not chosen for demand it cannot take)."""
    pairs = _Pairs.of(prob)
    cur = np.where(np.isfinite(prob.cand.next_km), prob.w * prob.cand.next_km, np.inf)
    unreached = np.isinf(cur)
    if unreached.any():
        cur[unreached] = 10.0 * np.nanmax(np.where(np.isfinite(pairs.cost), pairs.cost, 0.0)) + 1.0
    opened = prob.forced.copy()
    for j in np.flatnonzero(opened):
        mask = pairs.j == j
        np.minimum.at(cur, pairs.i[mask], pairs.cost[mask])
    while opened.sum() < prob.p:
        save = np.maximum(cur[pairs.i] - pairs.cost, 0.0)
        gain = np.bincount(pairs.j, weights=save, minlength=prob.m)
        drawn = np.bincount(pairs.j, weights=prob.w[pairs.i] * (save > 0), minlength=prob.m)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(drawn > 0, np.minimum(1.0, prob.cap / drawn), 1.0)
        score = np.where(opened, -np.inf, gain * share + REL_TOL * prob.cap)
        best = int(np.argmax(score))
        opened[best] = True
        mask = pairs.j == best
        np.minimum.at(cur, pairs.i[mask], pairs.cost[mask])
    return opened


def _repair_capacity(prob: Problem, opened: np.ndarray) -> np.ndarray:
    """If the chosen sites cannot seat every child, trade the smallest non-forced open site for the
    largest closed one until they can (the search then moves them back to good places)."""
    opened = opened.copy()
    need = prob.w.sum()
    while prob.cap[opened].sum() < need - SEAT_TOL:
        small = np.where(opened & ~prob.forced, prob.cap, np.inf)
        big = np.where(~opened, prob.cap, -np.inf)
        out, inn = int(np.argmin(small)), int(np.argmax(big))
        if not np.isfinite(small[out]) or big[inn] <= small[out]:
            break
        opened[out], opened[inn] = False, True
    return opened


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
    search = _Search(prob, 0, 1)
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
            assign = _place_split(prob, opened, assign, split, pairs, max(t_end - time.perf_counter(), 0.1))
        return assign
    return None


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


def solve_heuristic(
    prob: Problem,
    *,
    time_limit: float,
    target_gap: float,
    iterations: int,
    swap_neighbours: int,
    seed: int = 0,
) -> Solution:
    """Greedy + vertex interchange, guided and bounded by the Lagrangian relaxation.

    1. Greedy opening, children seated by the LP assignment: a first upper bound.
    2. Subgradient ascent on the Lagrangian dual: the lower bound, and the average open sites.
    3. The p sites most often open in the relaxation, seated, then Teitz–Bart vertex interchange.
    4. While the gap is above target and time is left: vertex interchange from the greedy sites;
       more subgradient steps with exact 0-1 knapsacks (a stronger bound); then vertex
       interchange from randomised roundings of the relaxation's openings.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    search = _Search(prob, seed, swap_neighbours)
    timings: dict[str, float] = {}
    best: tuple[np.ndarray, np.ndarray, float] | None = None

    def seat(opened: np.ndarray) -> None:
        """Seat everyone for this open set (LP assignment, then local polishing)."""
        assign = lp_assignment(prob, opened, time_limit=max(0.1, deadline - time.perf_counter()))
        if assign is None:
            search.set_open(opened)
        else:
            search.load(opened, assign)
        search.improve_assignment(deadline)
        keep_best()

    def refresh() -> None:
        seat(np.array(search.open))

    def keep_best() -> None:
        nonlocal best
        o, a, c = search.snapshot()
        if np.all(a >= 0) and (best is None or c < best[2]):
            best = (o, a, c)

    def improve_from(opened: np.ndarray) -> None:
        seat(opened)
        search.interchange(deadline, refresh)
        keep_best()

    greedy = _repair_capacity(prob, greedy_open(prob))
    seat(greedy)
    timings["greedy_s"] = time.perf_counter() - t0
    lag = lagrangian_bound(
        prob,
        best[2] if best is not None else search.cost(),
        iterations=iterations,
        deadline=t0 + LAGRANGIAN_SHARE * time_limit,
    )
    timings["lagrangian_s"] = time.perf_counter() - t0
    improve_from(round_openings(prob, lag.y_mean))
    timings["interchange_s"] = time.perf_counter() - t0
    bound = lag.lower_bound

    def done() -> bool:
        return best is not None and _gap_ok(best[2], bound, target_gap)

    if not done():
        improve_from(greedy)
    timings["greedy_interchange_s"] = time.perf_counter() - t0
    exact_iterations = 0
    if not done() and best is not None:
        strong = lagrangian_bound(
            prob,
            best[2],
            iterations=iterations,
            deadline=t0 + EXACT_LAGRANGIAN_SHARE * time_limit,
            target_gap=target_gap,
            lam0=lag.lam,
            exact_knapsacks=True,
        )
        bound, exact_iterations = max(bound, strong.lower_bound), strong.iterations
    timings["exact_knapsack_s"] = time.perf_counter() - t0
    tried = {np.packbits(best[0]).tobytes()} if best is not None else set()
    restarts, repeats, noise = 0, 0, PERTURB_NOISE
    while time.perf_counter() < deadline - MIN_RESTART_S and repeats < MAX_REPEATS and not done():
        opened = round_openings(prob, lag.y_mean + noise * search.rng.random(prob.m))
        key = np.packbits(opened).tobytes()
        if key in tried:
            noise, repeats = min(2 * noise, 1.0), repeats + 1
            continue
        tried.add(key)
        improve_from(opened)
        restarts, repeats = restarts + 1, 0
    timings["restarts_s"] = time.perf_counter() - t0

    if best is None:
        best = search.snapshot()
    best_open, best_assign, _ = best
    objective = assignment_cost(prob, best_assign)
    complete = bool(np.all(best_assign >= 0))
    lb = min(bound, objective) if complete else bound
    stats: dict[str, float | int | str] = {k: round(v, 3) for k, v in timings.items()}
    stats.update(
        seconds=round(time.perf_counter() - t0, 3),
        lagrangian_iterations=lag.iterations,
        lagrangian_bound=lag.lower_bound,
        exact_knapsack_iterations=exact_iterations,
        restarts=restarts,
    )
    return Solution(
        open=best_open,
        assign=best_assign,
        objective=objective,
        lower_bound=lb,
        method="heuristic",
        proven_optimal=complete and objective <= lb * (1 + EXACT_MIP_GAP),
        stats=stats,
    )


def _gap_ok(objective: float, bound: float, target: float) -> bool:
    gap = relative_gap(objective, bound)
    return gap is not None and gap <= target


# --------------------------------------------------------------------------------------------------
# Exact model (HiGHS)
# --------------------------------------------------------------------------------------------------


def solve_exact(prob: Problem, *, time_limit: float, mip_gap: float = EXACT_MIP_GAP) -> Solution:
    """The integer model, sparse, in HiGHS.

    minimise Σ w_i·km_ij·x_ij + Σ w_i·next_km_i·e_i
    subject to Σ_j x_ij + e_i = 1 (each point served once, or "elsewhere"), Σ_i w_i·x_ij ≤ seats_j·y_j,
    x_ij ≤ y_j (the strong form), Σ_j y_j = p, forced y_j = 1, all binary.
    ``e_i`` exists only when point i's list leaves sites out; the model is then a relaxation of
    the full problem and its bound is valid for it.
    """
    t0 = time.perf_counter()
    cand, n, m = prob.cand, prob.n, prob.m
    i_x, j_x = cand.row, cand.site
    nx = len(j_x)
    has_e = np.isfinite(cand.next_km)
    i_e = np.flatnonzero(has_e)
    ne = len(i_e)
    nv = nx + ne + m
    cost = np.concatenate([prob.w[i_x] * cand.km, prob.w[i_e] * cand.next_km[i_e], np.zeros(m)])
    col_x, col_e, col_y = np.arange(nx), nx + np.arange(ne), nx + ne + np.arange(m)
    assign_rows = sparse.csr_matrix((np.ones(nx + ne), (np.r_[i_x, i_e], np.r_[col_x, col_e])), shape=(n, nv))
    capped = np.isfinite(prob.cap) & (prob.cap < prob.w.sum())
    in_cap = capped[j_x]
    cap_rows = sparse.csr_matrix(
        (
            np.r_[prob.w[i_x][in_cap], -prob.cap[capped]],
            (np.r_[j_x[in_cap], np.flatnonzero(capped)], np.r_[col_x[in_cap], col_y[capped]]),
        ),
        shape=(m, nv),
    )
    vub = sparse.csr_matrix(
        (np.r_[np.ones(nx), -np.ones(nx)], (np.r_[np.arange(nx), np.arange(nx)], np.r_[col_x, col_y[j_x]])),
        shape=(nx, nv),
    )
    count = sparse.csr_matrix((np.ones(m), (np.zeros(m, dtype=int), col_y)), shape=(1, nv))
    lower = np.zeros(nv)
    lower[col_y] = prob.forced.astype(float)
    res = milp(
        cost,
        integrality=np.ones(nv),
        bounds=Bounds(lower, np.ones(nv)),
        constraints=[
            LinearConstraint(assign_rows, 1, 1),
            LinearConstraint(cap_rows, -np.inf, 0),
            LinearConstraint(vub, -np.inf, 0),
            LinearConstraint(count, prob.p, prob.p),
        ],
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": mip_gap},
    )
    bound = getattr(res, "mip_dual_bound", None)
    bound = float(bound) if bound is not None and np.isfinite(bound) else -np.inf
    stats: dict[str, float | int | str] = {
        "seconds": round(time.perf_counter() - t0, 3),
        "highs_status": int(res.status),
        "highs_message": str(res.message),
    }
    if res.x is None:
        stats["infeasible"] = int(res.status == MILP_INFEASIBLE and not len(i_e))
        return Solution(
            open=np.zeros(m, dtype=bool),
            assign=np.full(n, -1),
            objective=np.inf,
            lower_bound=bound,
            method="exact",
            stats=stats,
        )
    x = res.x
    opened = x[col_y] > 0.5
    assign = np.full(n, -1)
    pick = x[col_x] > 0.5
    assign[i_x[pick]] = j_x[pick]
    elsewhere = i_e[x[col_e] > 0.5]
    stats["elsewhere"] = len(elsewhere)
    if len(elsewhere):
        assign = seat_leftovers(prob, opened, assign)
    objective = assignment_cost(prob, assign)
    proven = res.status == 0 and not len(elsewhere)
    return Solution(
        open=opened,
        assign=assign,
        objective=objective,
        lower_bound=min(bound, objective) if proven else bound,
        method="exact",
        proven_optimal=bool(proven),
        stats=stats,
    )
