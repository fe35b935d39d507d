"""The arrays of a capacitated p-median and what every solver returns.

Demand points with children and candidate sites, as plain numpy arrays, so the solvers can be
tested and benchmarked without files, a database or Django.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .instance import Candidates

#: Slack when comparing children with seats, so float sums never read as an over-full kindergarten.
SEAT_TOL = 1e-9
#: Relative improvement below which a candidate solution or bound is not counted as better.
REL_TOL = 1e-12


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
    #: What proves ``lower_bound`` (e.g. "Lagrangian relaxation", "radius formulation (HiGHS)").
    bound_method: str = ""
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


@dataclass
class Pairs:
    """Flat (demand, site, child-km) pairs of the candidate lists, and the cap on each multiplier."""

    i: np.ndarray
    j: np.ndarray
    cost: np.ndarray
    lam_max: np.ndarray

    @classmethod
    def of(cls, prob: Problem) -> Pairs:
        i = prob.cand.row
        with np.errstate(invalid="ignore"):
            lam_max = prob.w * prob.cand.next_km
        return cls(i=i, j=prob.cand.site, cost=prob.w[i] * prob.cand.km, lam_max=lam_max)
