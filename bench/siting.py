"""Benchmark: capacitated p-median siting of kindergartens at county scale (PRE-4.1.1).

Synthetic data only (generated here, labelled synthetic): a 60 × 60 km county with twelve towns;
60% of demand points cluster around the towns, the rest are scattered villages; half the candidate
sites are existing kindergartens next to demand points, half proposed sites near towns; seats are
6–15 classes of 30; children per point are log-normal, scaled so that they fill 80% of the seats of
p average sites (so seats bind at many kindergartens).

* large — 3,000 demand points × 400 sites, p = 80: the heuristic must report a gap to its own
  lower bound of at most 1% within 10 s (wall clock, whole ``solve`` call). ``--highs S`` also
  runs HiGHS alone on it for S seconds, for comparison.
* medium — 700 × 150, p = 40: the heuristic against HiGHS's proven optimum (HiGHS takes minutes).

Prints one JSON object; exits 1 if a target is missed (with ``--quick``: only if seats are
exceeded or a bound is not a bound — the targets are for the full sizes). Targets are floors.

    python bench/siting.py              # both cases (a few minutes: HiGHS proves the medium one)
    python bench/siting.py --quick      # smaller instances, for a smoke run
    python bench/siting.py --highs 120  # also HiGHS alone on the large instance for 120 s
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from typing import Any

import numpy as np
import scipy

from eduplan.output import to_json
from eduplan.planning.siting import Instance, SitingSettings, solve

TARGET_GAP = 0.01
TARGET_SECONDS = 10.0
EXACT_SECONDS = 1800.0

LAT0, LON0 = 24.35, 102.54  # Yuxi, for plausible coordinates
KM_PER_DEG_LAT = 111.19
HALF_WIDTH_KM = 30.0
TOWNS = 12
CLUSTER_SHARE = 0.6
CLUSTER_SD_KM = 2.5
PROPOSED_SD_KM = 4.0
EXISTING_JITTER_KM = 0.2
CLASSES = (6, 15)
SEATS_PER_CLASS = 30
FILL = 0.8


def county_instance(n: int, m: int, p: int, seed: int) -> Instance:
    """A synthetic county (see the module docstring)."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform(-HALF_WIDTH_KM, HALF_WIDTH_KM, (TOWNS, 2))
    clustered = int(CLUSTER_SHARE * n)
    pts = np.vstack(
        [
            towns[rng.integers(0, TOWNS, clustered)] + rng.normal(0, CLUSTER_SD_KM, (clustered, 2)),
            rng.uniform(-HALF_WIDTH_KM, HALF_WIDTH_KM, (n - clustered, 2)),
        ]
    )
    existing_n = m // 2
    sites = np.vstack(
        [
            pts[rng.choice(n, existing_n, replace=False)]
            + rng.normal(0, EXISTING_JITTER_KM, (existing_n, 2)),
            towns[rng.integers(0, TOWNS, m - existing_n)]
            + rng.normal(0, PROPOSED_SD_KM, (m - existing_n, 2)),
        ]
    )
    seats = SEATS_PER_CLASS * rng.integers(CLASSES[0], CLASSES[1] + 1, m).astype(float)
    raw = rng.lognormal(0.0, 0.8, n)
    children = np.maximum(1.0, np.round(raw / raw.sum() * FILL * p * seats.mean()))
    km_per_deg_lon = KM_PER_DEG_LAT * np.cos(np.radians(LAT0))
    existing = np.arange(m) < existing_n
    return Instance(
        demand_ids=tuple(f"V{i:05d}" for i in range(n)),
        children=children,
        site_ids=tuple(f"K{j:04d}" for j in range(m)),
        capacity=seats,
        existing=existing,
        closable=existing.copy(),
        demand_lat=LAT0 + pts[:, 1] / KM_PER_DEG_LAT,
        demand_lon=LON0 + pts[:, 0] / km_per_deg_lon,
        site_lat=LAT0 + sites[:, 1] / KM_PER_DEG_LAT,
        site_lon=LON0 + sites[:, 0] / km_per_deg_lon,
    )


def run(inst: Instance, p: int, method: str, settings: SitingSettings) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    res = solve(inst, "pmedian", p=p, method=method, settings=settings)
    return res, time.perf_counter() - wall, time.process_time() - cpu


def seats_ok(inst: Instance, res: Any) -> bool:
    seats = dict(zip(inst.site_ids, inst.capacity, strict=True))
    kids = dict(zip(inst.demand_ids, inst.children, strict=True))
    load: dict[str, float] = {}
    for d, s in res.assignment.items():
        load[s] = load.get(s, 0.0) + kids[d]
    return all(v <= seats[s] + 1e-9 for s, v in load.items()) and not res.unassigned


def figures(res: Any, wall: float, cpu: float) -> dict[str, Any]:
    return {
        "method": res.method,
        "objective_child_km": round(res.objective, 3),
        "lower_bound": None if res.lower_bound is None else round(res.lower_bound, 3),
        "gap": None if res.gap is None else round(res.gap, 5),
        "proven_optimal": res.proven_optimal,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "solver": {k: v for k, v in res.stats.items() if not isinstance(v, str)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances (smoke run)")
    parser.add_argument("--highs", type=float, metavar="S", help="also HiGHS alone on the large instance")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    large, medium = ((1000, 150, 30), (200, 60, 15)) if args.quick else ((3000, 400, 80), (700, 150, 40))
    heuristic = SitingSettings()
    out: dict[str, Any] = {"benchmark": "siting", "synthetic": True, "quick": args.quick, "seed": args.seed}
    ok = True

    n, m, p = large
    inst = county_instance(n, m, p, args.seed)
    res, wall, cpu = run(inst, p, "heuristic", heuristic)
    met = res.gap is not None and res.gap <= TARGET_GAP and wall <= TARGET_SECONDS and seats_ok(inst, res)
    ok &= seats_ok(inst, res) and (met or args.quick)
    out["large"] = {
        "demand_points": n,
        "sites": m,
        "p": p,
        "children": float(inst.children.sum()),
        "seats_of_p_average_sites": float(p * inst.capacity.mean()),
        "heuristic": figures(res, wall, cpu),
        "target": f"gap <= {TARGET_GAP:.0%} within {TARGET_SECONDS:g} s",
        "within_target": met,
        "seats_respected": seats_ok(inst, res),
    }
    if args.highs:
        from eduplan.planning.siting import pmedian
        from eduplan.planning.siting.solve import pmedian_problem

        prob = pmedian_problem(inst, inst.capacity, p, np.zeros(m, dtype=bool), SitingSettings())
        wall0, cpu0 = time.perf_counter(), time.process_time()
        alone = pmedian.solve_exact(prob, time_limit=args.highs)
        out["large"]["highs_alone"] = {
            "time_limit_s": args.highs,
            "objective_child_km": round(alone.objective, 3),
            "bound": round(alone.lower_bound, 3),
            "gap": None if alone.gap is None else round(alone.gap, 5),
            "wall_s": round(time.perf_counter() - wall0, 3),
            "cpu_s": round(time.process_time() - cpu0, 3),
        }

    n, m, p = medium
    inst = county_instance(n, m, p, args.seed)
    res, wall, cpu = run(inst, p, "heuristic", heuristic)
    opt, owall, ocpu = run(inst, p, "exact", replace(SitingSettings(), exact_time_limit_s=EXACT_SECONDS))
    excess = (res.objective - opt.objective) / opt.objective
    honest = (
        res.lower_bound <= opt.objective * (1 + 1e-9) and res.gap >= excess - 1e-12 and seats_ok(inst, res)
    )
    met = honest and opt.proven_optimal and excess <= TARGET_GAP and wall <= TARGET_SECONDS
    ok &= honest and (met or args.quick)
    out["medium"] = {
        "demand_points": n,
        "sites": m,
        "p": p,
        "heuristic": figures(res, wall, cpu),
        "exact": figures(opt, owall, ocpu),
        "heuristic_above_optimum": round(excess, 5),
        "heuristic_bound_below_optimum": round((opt.objective - res.lower_bound) / opt.objective, 5),
        "target": f"within {TARGET_GAP:.0%} of the proven optimum in {TARGET_SECONDS:g} s; bound and gap honest",
        "within_target": met,
    }
    out["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    print(to_json(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
