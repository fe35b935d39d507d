"""Local search for the capacitated p-median: greedy opening, regret seating, Teitz–Bart vertex
interchange, and moves of demand points between kindergartens.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy import sparse

from .problem import REL_TOL, SEAT_TOL, Pairs, Problem

#: Demand points per site pair counted when ranking which closed sites are "near" an open one.
NEIGHBOUR_LIST_LENGTH = 10
#: Child-km per unseated child, as a multiple of the longest listed distance (search penalty).
UNSEATED_PENALTY = 10.0


class LocalSearch:
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
        self._commit(self._regret(list(range(self.prob.n)), None))

    def _commit(self, moves: list[tuple[int, int, float]]) -> None:
        """Make the regret rule's moves; the points it left without a site look farther only
        afterwards, so that they cannot take seats the rule had already given to others."""
        for i, j, km in moves:
            if j >= 0:
                self._move(i, j, km)
        for i, j, _km in moves:
            if j < 0:
                self._move(i, *self._far_site(i))

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
        self._commit(moves)

    def interchange(
        self,
        deadline: float,
        refresh: Callable[[], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> int:
        """Teitz–Bart vertex interchange restricted to nearby closed sites: for each open site try
        its neighbours in its place and take the best improving swap; after each pass ``refresh``
        re-optimises the whole assignment; stop when a pass finds no swap, at ``deadline``, or
        when ``stop()`` says so (a better start has arrived)."""
        forced = self.prob.forced
        swaps, improved = 0, True
        while improved and time.perf_counter() < deadline:
            improved = False
            order = [j for j in range(self.prob.m) if self.open[j] and not forced[j]]
            self.rng.shuffle(order)
            for out in order:
                if time.perf_counter() > deadline or (stop is not None and stop()):
                    return swaps
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
    pairs = Pairs.of(prob)
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


def repair_capacity(prob: Problem, opened: np.ndarray) -> np.ndarray:
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
