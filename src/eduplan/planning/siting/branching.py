"""Uncapacitated p-median over a few sites: branch and bound with Lagrangian bounds.

The radius formulation (:mod:`.radius`) proves most instances at its root, but with few sites to
open on a sparse network its linear relaxation stays ~1% below the optimum and HiGHS must branch
through large linear programs (measured: 900 nodes, p = 5, the 38 sites left after fixing — no
proof in 34 CPU seconds). Here each node costs a few dense matrix passes instead: the Lagrangian
bound of :mod:`.fixing` (relax "every point served once": site values ρ_j = Σ_i min(0, w_i·d_ij − λ_i),
bound Σλ + the ρ of the sites forced open + the smallest ρ of the free ones) on the n × (sites in
play) matrix, re-optimised from the parent's multipliers for a few dozen subgradient steps
(Christofides and Beasley 1982; Beasley 1993).

At every node:

* **prune** when the bound shows nothing there beats the best answer (by a whole child-km when
  costs are whole numbers, by float noise otherwise);
* **fix** sites by the bound's penalties: a free site whose opening would lift the bound past the
  answer is closed, a chosen one whose closing would is opened — this is what keeps the tree small;
* **primal**: the sites the relaxation chooses are an answer; it replaces the best if cheaper;
* **branch** on the chosen free site with the largest closing penalty: "closed" and "open".

Depth first. Every value of the relaxation is a lower bound for its node whatever the multipliers,
so the bound reported when time runs out — the least bound among the nodes left — is valid.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

#: Subgradient steps at the root (until convergence) and at each node (from the parent's multipliers;
#: 30 rather than 60 cost more nodes but less time: 700 nodes, p = 5, 2.1 against 2.6 CPU s).
ROOT_ITERATIONS = 3000
NODE_ITERATIONS = 30
#: Step scale: starts here, halves after STALL steps without a better bound, stops below MIN_STEP.
ROOT_STEP = 2.0
NODE_STEP = 1.0
ROOT_STALL = 15
NODE_STALL = 5
MIN_STEP = 1e-3
#: At the root, sites are fixed closed (and their columns dropped) every this many steps.
ROOT_FIX_EVERY = 40


@dataclass
class NodeBound:
    """A node's best bound, its multipliers, the site values at them, the free sites chosen, and the
    sites fixed open or closed there by the penalties."""

    bound: float
    lam: np.ndarray
    chosen: np.ndarray
    opened: np.ndarray
    closed: np.ndarray
    penalty: np.ndarray
    iterations: int


class SiteLagrangian:
    """The Lagrangian of the uncapacitated p-median over a dense n × m matrix of child-km."""

    def __init__(self, w: np.ndarray, dist: np.ndarray, p: int) -> None:
        self.w = w
        self.wd = w[:, None] * dist
        self.p = p
        self.n, self.m = dist.shape

    def bound(
        self,
        opened: np.ndarray,
        closed: np.ndarray,
        lam0: np.ndarray,
        upper_bound: float,
        tol: float,
        *,
        iterations: int,
        step: float,
        stall: int,
        deadline: float,
        fix_every: int = 0,
    ) -> NodeBound | None:
        """Subgradient ascent at the node where ``opened`` sites are open and ``closed`` ones shut
        (``None``: no answer there). Stops early once the bound passes ``upper_bound − tol``.
        With ``fix_every``, the penalties close sites every so many steps (their columns leave the
        matrix), as at the root. Returns the best bound with the fixings of its multipliers."""
        opened, closed = opened.copy(), closed.copy()
        k = self.p - int(opened.sum())
        free = np.flatnonzero(~opened & ~closed)
        if k < 0 or len(free) < k:
            return None
        if k == len(free):
            opened[free] = True
            free = free[:0]
            k = 0
        fixed = np.flatnonzero(opened)
        wd_open = self.wd[:, fixed]
        wd_free = self.wd[:, free]
        # no point pays more than its nearest site fixed open: λ beyond it only slows the ascent
        lam_max = wd_open.min(axis=1) if len(fixed) else self.wd.max(axis=1)
        lam = np.minimum(lam0, lam_max)
        best, best_lam, theta, stalled, it = -np.inf, lam, step, 0, 0
        limit = upper_bound - tol
        for it in range(1, iterations + 1):
            value, g, _, _ = self._value(lam, wd_open, wd_free, k)
            if value > best + 1e-12 * max(1.0, abs(best) if np.isfinite(best) else 1.0):
                best, best_lam, stalled = value, lam, 0
            else:
                stalled += 1
                if stalled >= stall:
                    theta, stalled = theta / 2, 0
            if best > limit or theta < MIN_STEP or time.perf_counter() > deadline:
                break
            if fix_every and it % fix_every == 0 and len(free) > k:
                _, _, rho, _ = self._value(best_lam, wd_open, wd_free, k)
                shut = _closing(best, rho, k, limit)
                if shut.any():
                    closed[free[shut]] = True
                    free, wd_free = free[~shut], wd_free[:, ~shut]
            norm = float(g @ g)
            if norm == 0:
                break
            lam = np.clip(
                lam + theta * max(upper_bound - value, 1e-9 * abs(upper_bound)) / norm * g, 0, lam_max
            )
        value, _, rho, sel = self._value(best_lam, wd_open, wd_free, k)
        best = max(best, value)
        chosen = opened.copy()
        chosen[free[sel]] = True
        penalty = np.zeros(self.m)
        if len(free) > k:
            shut = _closing(best, rho, k, limit)
            closed[free[shut]] = True
            order = np.sort(rho)
            nxt = order[k] if k < len(order) else np.inf
            pen = nxt - rho[sel]
            penalty[free[sel]] = pen
            opened[free[sel][best + pen > limit]] = True
        return NodeBound(best, best_lam, chosen, opened, closed, penalty, it)

    def _value(
        self, lam: np.ndarray, wd_open: np.ndarray, wd_free: np.ndarray, k: int
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """The bound at ``lam``, its subgradient, the free sites' values and the k chosen."""
        below_open = wd_open < lam[:, None]
        reduced = np.minimum(wd_free - lam[:, None], 0.0)
        rho = reduced.sum(axis=0)
        sel = np.argpartition(rho, k - 1)[:k] if 0 < k < len(rho) else np.arange(len(rho) if k else 0)
        value = float(lam.sum() + np.minimum(wd_open - lam[:, None], 0.0).sum() + rho[sel].sum())
        g = 1.0 - below_open.sum(axis=1) - (reduced[:, sel] < 0).sum(axis=1)
        return value, g, rho, sel


def _closing(bound: float, rho: np.ndarray, k: int, limit: float) -> np.ndarray:
    """Free sites whose opening (in place of the k-th chosen) lifts the bound past ``limit``."""
    if k == 0:
        return np.ones(len(rho), dtype=bool)
    kth = np.partition(rho, k - 1)[k - 1]
    return bound - kth + rho > limit


@dataclass
class Search:
    """What the branch and bound found: the best open set and cost (``None`` and the cost it started
    from if nothing better), a valid bound, whether the tree was closed, and its node count."""

    opened: np.ndarray | None
    cost: float
    bound: float
    complete: bool
    nodes: int
    root_bound: float
    #: the sites the root closed and opened (fixings valid for any answer better than the start)
    root_closed: np.ndarray
    root_opened: np.ndarray


def branch_and_bound(
    w: np.ndarray,
    dist: np.ndarray,
    p: int,
    forced: np.ndarray,
    upper_cost: float,
    lam0: np.ndarray,
    deadline: float,
    *,
    whole: bool,
    proof_tol: float = 1e-7,
) -> Search:
    """Least child-km with p of the sites in ``dist``'s columns open (``forced`` among them),
    seeking only answers cheaper than ``upper_cost`` (an answer known elsewhere, whose sites may
    have been ruled out: it is not better than itself), from multipliers ``lam0`` (see the module
    docstring). ``whole``: every w_i·d_ij is a whole number, so nothing within a child-km of the
    answer is better."""
    lag = SiteLagrangian(w, dist, p)

    def cost_of(opened: np.ndarray) -> float:
        return float(w @ dist[:, opened].min(axis=1))

    best_open: np.ndarray | None = None
    best_cost = float(upper_cost)

    def tol() -> float:
        return 1.0 - 1e-6 if whole else proof_tol * max(1.0, abs(best_cost))

    none = np.zeros(lag.m, dtype=bool)
    root = lag.bound(
        forced.astype(bool),
        none,
        lam0,
        best_cost,
        tol(),
        iterations=ROOT_ITERATIONS,
        step=ROOT_STEP,
        stall=ROOT_STALL,
        deadline=deadline,
        fix_every=ROOT_FIX_EVERY,
    )
    if root is None:
        every = np.ones(lag.m, dtype=bool)
        return Search(best_open, best_cost, np.inf, True, 1, np.inf, every, ~every)
    stack: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = [
        (root.opened, root.closed, root.lam, root.bound)
    ]
    root_bound = root.bound
    nodes = 0
    first: NodeBound | None = root
    while stack:
        if time.perf_counter() > deadline:
            left = min(b for *_, b in stack)
            return Search(
                best_open, best_cost, min(left, best_cost), False, nodes, root_bound, root.closed, root.opened
            )
        opened, closed, lam, parent = stack.pop()
        if parent > best_cost - tol():
            continue
        nodes += 1
        node = first or lag.bound(
            opened,
            closed,
            lam,
            best_cost,
            tol(),
            iterations=NODE_ITERATIONS,
            step=NODE_STEP,
            stall=NODE_STALL,
            deadline=deadline,
        )
        first = None
        if node is None:
            continue
        if node.chosen.sum() == p:
            c = cost_of(node.chosen)
            if c < best_cost - (tol() if whole else 0.0):
                best_open, best_cost = node.chosen.copy(), c
        if node.bound > best_cost - tol():
            continue
        bound = max(node.bound, parent)
        free_chosen = np.flatnonzero(node.chosen & ~node.opened)
        if not len(free_chosen):
            # every site of the relaxation's choice is fixed open: its answer is the node's optimum
            # unless sites are still free (then branch on the best free site by its value)
            rest = np.flatnonzero(~node.opened & ~node.closed)
            if node.opened.sum() >= p or not len(rest):
                continue
            j = int(rest[0])
        else:
            j = int(free_chosen[np.argmax(node.penalty[free_chosen])])
        shut = node.closed.copy()
        shut[j] = True
        keep = node.opened.copy()
        keep[j] = True
        stack.append((node.opened, shut, node.lam, bound))
        stack.append((keep, node.closed, node.lam, bound))
    return Search(best_open, best_cost, best_cost, True, nodes, root_bound, root.closed, root.opened)
