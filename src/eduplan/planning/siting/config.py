"""Tunable numbers of the siting tools, in one place with the reason for each default.

The plan asks for kindergartens "nearest or relatively nearest" to the children they serve; how near
is a local planning choice, so every threshold here is a setting a county can change (on the command
line or by constructing :class:`SitingSettings`), never a number buried in a solver.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Mean Earth radius (IUGG, R1 = 6371.0088 km), used for great-circle distances.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class SitingSettings:
    """Defaults for :func:`eduplan.planning.siting.solve`.

    radius_km
        Service radius. Maximal covering counts children within it, set covering puts everyone
        within it, and every model flags demand points whose kindergarten is farther. 2 km is a
        county-scale *planning assumption* (about half an hour's walk with a young child at 4 km/h),
        not a national standard: town neighbourhoods planned on the "5-minute life circle" of
        GB 50180-2018 would use about 0.3 km (unverified), so pass ``--radius``.
    candidates_per_demand
        K: each demand point may only be served by its K nearest candidate sites in the solvers.
        Restricting to nearby sites cuts the model by ~85% at little cost (ANCHORS.md, Siting). The
        lower bound stays valid for the unrestricted problem (see ``lagrangian.lagrangian_bound``).
    exact_max_pairs
        ``method="auto"`` runs the exact HiGHS model when demand points × sites is at most this,
        and the heuristic above it. HiGHS proves 200 × 60 in about 15 s of CPU and 700 × 150 in
        about 2.5 minutes on the benchmark's county, so "auto" stays exact only where it is quick.
    exact_max_cover_pairs
        The same for the covering models, counted in (point, site) pairs within the radius: they are
        small integer programs (one variable per site and per point), and HiGHS proves 3,000 × 400
        (≈ 30,000 pairs within 2 km) in 1–3 s, better than their greedy heuristics.
    radius_max_pairs
        Without seats (``--uncapacitated``) the p-median is solved over the full distance matrix by
        the radius formulation (``siting.radius``) up to this many points × sites, in ``auto`` and
        ``exact``, and by its interchange search and Lagrangian bound in ``heuristic``. Its arrays
        take ~60 bytes per pair, so 2,000,000 pairs stay near 120 MB.
    exact_time_limit_s
        Wall-clock limit handed to HiGHS; at the limit the best solution and HiGHS's bound are
        reported with their gap (the heuristic's answer is used when it is better).
    heuristic_time_limit_s
        Soft time budget of the heuristic (greedy, vertex interchange and the Lagrangian bound);
        8 s leaves room for candidate lists and service zones in a 10 s answer. It stops sooner
        once the gap is below ``target_gap``.
    target_gap
        The heuristic stops early once (objective - lower bound) / lower bound is at most this.
    lagrangian_iterations
        Maximum subgradient steps for the Lagrangian lower bound.
    swap_neighbours
        In vertex interchange, how many closed sites near an open site are tried in its place.
    seed
        Seed for the tie-breaking order of local search, so runs are reproducible.
    parallel
        Let the heuristic compute its lower bound in a second process beside the local search
        (on platforms that can fork, and instances big enough to gain): the issue's machines have
        two cores.
    """

    radius_km: float = 2.0
    candidates_per_demand: int = 30
    exact_max_pairs: int = 10_000
    exact_max_cover_pairs: int = 1_000_000
    radius_max_pairs: int = 2_000_000
    exact_time_limit_s: float = 60.0
    heuristic_time_limit_s: float = 8.0
    target_gap: float = 0.005
    lagrangian_iterations: int = 400
    swap_neighbours: int = 8
    seed: int = 0
    parallel: bool = True
