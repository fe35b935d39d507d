"""Lagrangian bound of the uncapacitated p-median over the full distance matrix, and the sites it
rules out.

Relaxing "every point served once" with multipliers λ leaves, for each site, the value
ρ_j = Σ_i min(0, w_i·d_ij − λ_i); the bound is Σ λ + the p smallest ρ (forced sites always counted).
Without seats this relaxation has the integrality property, so its best value is the LP bound of
the strong formulation; subgradient ascent (Held–Karp steps, Polyak length against the best known
answer) gets close to it in a few hundred cheap steps.

Its by-product is what makes the exact model small (Beasley 1993): a closed site whose opening
would lift the bound above the best answer known cannot be in any better answer, so it is left out
of the exact model; likewise an open site whose closing would.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

#: Step scale: starts at 2, halves after STALL_STEPS steps without a better bound, stops below MIN_STEP.
STEP_START = 2.0
STALL_STEPS = 15
MIN_STEP = 1e-3


@dataclass
class SiteBound:
    """The best bound, its multipliers, and each site's value ρ_j at them."""

    lower_bound: float
    lam: np.ndarray
    rho: np.ndarray
    iterations: int


@dataclass(frozen=True)
class NearPairs:
    """The (point, site) pairs with d_ij below each point's reach, and the cap on λ_i that makes
    pairs beyond the reach irrelevant (w_i·reach_i): any λ gives a valid bound, so the cap only
    limits how strong it can get, and the reach is chosen beyond where the answer's points are served."""

    i: np.ndarray
    j: np.ndarray
    wd: np.ndarray
    lam_max: np.ndarray
    m: int

    @classmethod
    def within(cls, w: np.ndarray, dist: np.ndarray, reach: np.ndarray) -> NearPairs:
        i, j = np.nonzero(dist < reach[:, None])
        return cls(i=i, j=j, wd=w[i] * dist[i, j], lam_max=w * reach, m=dist.shape[1])

    def site_values(self, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = self.wd - lam[self.i]
        below = r < 0
        return np.bincount(self.j[below], weights=r[below], minlength=self.m), below


def _choose(rho: np.ndarray, p: int, forced: np.ndarray) -> np.ndarray:
    key = np.where(forced, -np.inf, rho)
    opened = np.zeros(len(rho), dtype=bool)
    opened[np.argpartition(key, p - 1)[:p]] = True
    return opened


def lagrangian_bound(
    pairs: NearPairs,
    p: int,
    forced: np.ndarray,
    upper_bound: float,
    lam0: np.ndarray,
    *,
    deadline: float,
    max_iterations: int = 2000,
) -> SiteBound:
    """Subgradient ascent from ``lam0``; every value found is a valid lower bound."""
    n = len(pairs.lam_max)
    lam = np.minimum(lam0.astype(float), pairs.lam_max)
    best, best_lam = -np.inf, lam.copy()
    theta, stall, it = STEP_START, 0, 0
    while it < max_iterations:
        it += 1
        rho, below = pairs.site_values(lam)
        opened = _choose(rho, p, forced)
        value = float(lam.sum() + rho[opened].sum())
        if value > best + 1e-12 * max(1.0, abs(best) if np.isfinite(best) else 1.0):
            best, best_lam, stall = value, lam.copy(), 0
        else:
            stall += 1
            if stall >= STALL_STEPS:
                theta, stall = theta / 2, 0
        if best >= upper_bound * (1 - 1e-12) or theta < MIN_STEP or time.perf_counter() > deadline:
            break
        hit = below & opened[pairs.j]
        g = 1.0 - np.bincount(pairs.i[hit], minlength=n)
        norm = float(g @ g)
        if norm == 0:
            break
        step = theta * max(upper_bound - value, 1e-9 * abs(upper_bound)) / norm
        lam = np.clip(lam + step * g, 0.0, pairs.lam_max)
    rho, _ = pairs.site_values(best_lam)
    best = max(best, float(best_lam.sum() + rho[_choose(rho, p, forced)].sum()))
    return SiteBound(lower_bound=best, lam=best_lam, rho=rho, iterations=it)


def chosen_sites(bound: SiteBound, p: int, forced: np.ndarray) -> np.ndarray:
    """The p sites the relaxation opens at the best multipliers (a start for local search)."""
    return _choose(bound.rho, p, forced)


def fixed_sites(
    bound: SiteBound, p: int, forced: np.ndarray, upper_bound: float, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sites that are closed (first) and open (second) in every answer better than
    ``upper_bound − tol``: the bound with the site's state flipped would exceed it."""
    m = len(bound.rho)
    free = ~forced
    k = p - int(forced.sum())
    rho = bound.rho
    order = np.flatnonzero(free)[np.argsort(rho[free], kind="stable")]
    closed = np.zeros(m, dtype=bool)
    opened = np.zeros(m, dtype=bool)
    if k <= 0 or k > len(order):
        return closed, opened
    inside, kth = order[:k], rho[order[k - 1]]
    nxt = rho[order[k]] if k < len(order) else np.inf
    limit = upper_bound - tol
    outside = order[k:]
    closed[outside[bound.lower_bound - kth + rho[outside] > limit]] = True
    opened[inside[bound.lower_bound - rho[inside] + nxt > limit]] = True
    return closed, opened
