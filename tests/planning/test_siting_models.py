"""Siting models on instances small enough to solve by hand (PRE-4.1.1).

Distances are given as matrices (km) so every optimum below can be checked on paper; the docstring
of each test shows the working.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from eduplan.planning.siting import Instance, SitingInputError, SitingSettings, solve
from eduplan.planning.siting.instance import great_circle_km

FAST = SitingSettings(radius_km=1.0, heuristic_time_limit_s=0.5, exact_time_limit_s=10)


def make(
    children: list[float],
    km: list[list[float]],
    capacity: list[float],
    existing: list[bool] | None = None,
    closable: list[bool] | None = None,
) -> Instance:
    m = len(capacity)
    ex = np.array(existing if existing is not None else [False] * m)
    return Instance(
        demand_ids=tuple(f"D{i + 1}" for i in range(len(children))),
        children=np.array(children, dtype=float),
        site_ids=tuple(f"S{j + 1}" for j in range(m)),
        capacity=np.array(capacity, dtype=float),
        existing=ex,
        closable=np.array(closable) if closable is not None else ex.copy(),
        km=np.array(km, dtype=float),
    )


# ---- capacitated p-median -------------------------------------------------------------------------

# D1..D3 have 10 children each.      S1  S2  S3
PM_KM = [
    [0, 4, 6],  # D1
    [2, 2, 5],  # D2
    [6, 5, 0],  # D3
]


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_pmedian_capacity_changes_the_answer(method):
    """Without seats, {S1, S3} costs 10·2 = 20 (D2 to S1). With S1 and S3 at 10 seats each they
    cannot hold 30 children; {S1, S2} costs 0 + 20 + 50 = 70 and {S2, S3} costs 40 + 20 + 0 = 60,
    so the optimum is {S2, S3} at 60 child-km."""
    inst = make([10, 10, 10], PM_KM, [10, 30, 10])
    res = solve(inst, "pmedian", p=2, method=method, settings=FAST)
    assert res.open_sites == ["S2", "S3"]
    assert res.objective == pytest.approx(60)
    assert res.assignment == {"D1": "S2", "D2": "S2", "D3": "S3"}
    assert res.lower_bound <= 60 + 1e-6

    free = solve(inst, "pmedian", p=2, method=method, capacitated=False, settings=FAST)
    assert free.open_sites == ["S1", "S3"]
    assert free.objective == pytest.approx(20)


def test_exact_pmedian_is_proven_optimal():
    res = solve(make([10, 10, 10], PM_KM, [10, 30, 10]), "pmedian", p=2, method="exact", settings=FAST)
    assert res.proven_optimal
    assert res.gap == pytest.approx(0, abs=1e-9)
    assert res.lower_bound == pytest.approx(60)


def brute_force(children, km, capacity, p):
    """Every set of p sites and every single-source assignment: the true optimum."""
    n, m = km.shape
    best = np.inf
    for sites in itertools.combinations(range(m), p):
        for choice in itertools.product(sites, repeat=n):
            load = np.bincount(choice, weights=children, minlength=m)
            if np.all(load <= capacity + 1e-9):
                best = min(best, float(sum(children[i] * km[i, choice[i]] for i in range(n))))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_exact_and_heuristic_against_brute_force(seed):
    """On random 6 × 5 instances the exact model finds the brute-force optimum; the heuristic's
    bound is never above it and its reported gap never understates how far it is from it."""
    rng = np.random.default_rng(seed)
    n, m, p = 6, 5, 2
    km = rng.uniform(0.2, 8, (n, m)).round(2)
    children = rng.integers(3, 15, n).astype(float)
    capacity = rng.integers(20, 45, m).astype(float)
    if np.sort(capacity)[-p:].sum() < children.sum():
        capacity[:] = children.sum()
    inst = make(list(children), km.tolist(), list(capacity))
    opt = brute_force(children, km, capacity, p)
    exact = solve(inst, "pmedian", p=p, method="exact", settings=FAST)
    heur = solve(inst, "pmedian", p=p, method="heuristic", settings=FAST)
    assert exact.objective == pytest.approx(opt)
    assert exact.proven_optimal
    assert heur.objective >= opt - 1e-6
    assert heur.lower_bound <= opt + 1e-6
    assert heur.gap >= exact.gap - 1e-12
    assert heur.gap >= (heur.objective - opt) / opt - 1e-9


def test_restricted_candidate_lists_keep_the_bound_valid():
    """With each point limited to its 2 nearest sites, the "elsewhere" option (cost: distance to the
    nearest site left off) keeps the bound at or below the true optimum."""
    rng = np.random.default_rng(7)
    n, m, p = 7, 5, 2
    km = rng.uniform(0.5, 9, (n, m)).round(2)
    children = rng.integers(2, 12, n).astype(float)
    capacity = np.full(m, children.sum() * 0.7)
    inst = make(list(children), km.tolist(), list(capacity))
    opt = brute_force(children, km, capacity, p)
    narrow = replace(FAST, candidates_per_demand=2)
    for method in ("exact", "heuristic"):
        res = solve(inst, "pmedian", p=p, method=method, settings=narrow)
        assert res.lower_bound <= opt + 1e-6
        assert res.objective >= opt - 1e-6
        assert not res.unassigned


def test_keep_existing_forces_sites_open():
    """S1 is existing and kept open, so p = 2 leaves one choice. With S1 at 30 seats, adding S3
    seats D1, D2 at S1 (0 + 20) and D3 at S3 (0): 20; adding S2 costs 0 + 20 + 50 = 70."""
    inst = make([10, 10, 10], PM_KM, [30, 30, 10], existing=[True, False, False])
    res = solve(inst, "pmedian", p=2, keep_existing=True, method="exact", settings=FAST)
    assert "S1" in res.open_sites
    assert res.objective == pytest.approx(20)


# ---- close k ---------------------------------------------------------------------------------------

#                 S1   S2   S3   (all existing, 20 seats, S1 only 15 in the capacitated case)
CLOSE_KM = [
    [0, 4, 5],  # D1
    [3, 0, 4],  # D2
    [5, 3.5, 0],  # D3
]


def test_close_one_uncapacitated():
    """Close S1: D1 → S2, 40. Close S2: D2 → S1, 30. Close S3: D3 → S2, 35. Best: close S2,
    added 30 child-km over the 0 of today."""
    inst = make([10, 10, 10], CLOSE_KM, [20, 20, 20], existing=[True] * 3)
    res = solve(inst, "close", p=1, capacitated=False, method="exact", settings=FAST)
    assert res.extra["closed_existing"] == ["S2"]
    assert res.objective == pytest.approx(30)
    assert res.extra["added_objective"] == pytest.approx(30)
    assert res.extra["baseline_objective"] == pytest.approx(0)


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_close_one_with_seats(method):
    """S1 has 15 seats: closing S2 now sends D2 to S3 (40), so closing S3 (35) is best."""
    inst = make([10, 10, 10], CLOSE_KM, [15, 20, 20], existing=[True] * 3)
    res = solve(inst, "close", p=1, method=method, settings=FAST)
    assert res.extra["closed_existing"] == ["S3"]
    assert res.objective == pytest.approx(35)


def test_close_only_closable_and_only_existing():
    """Proposed sites are never opened by close; a kindergarten marked not closable stays."""
    inst = make(
        [10, 10, 10],
        [[0, 4, 5, 0.1], [3, 0, 4, 0.1], [5, 3.5, 0, 0.1]],
        [20, 20, 20, 99],
        existing=[True, True, True, False],
        closable=[True, False, True, False],
    )
    res = solve(inst, "close", p=1, capacitated=False, method="exact", settings=FAST)
    assert "S4" not in res.open_sites
    assert "S2" in res.open_sites
    assert res.extra["closed_existing"] == ["S3"]  # S1 (40) vs S3 (35)


# ---- covering --------------------------------------------------------------------------------------

NEAR, FAR = 0.5, 3.0
#          S1    S2    S3    S4        S1 covers D1, D2; S2 D2, D3; S3 D3, D4; S4 D4 (radius 1 km)
COVER_KM = [
    [NEAR, FAR, FAR, FAR],
    [NEAR, NEAR, FAR, FAR],
    [FAR, NEAR, NEAR, FAR],
    [FAR, FAR, NEAR, NEAR],
]
COVER_CHILDREN = [10, 20, 5, 8]


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_mclp_hand_instance(method):
    """p = 1: S1 covers 30 children (S2 25, S3 13, S4 8), 13 left uncovered. p = 2: S1 + S3
    cover all 43."""
    inst = make(COVER_CHILDREN, COVER_KM, [99] * 4)
    one = solve(inst, "mclp", p=1, method=method, settings=FAST)
    assert one.open_sites == ["S1"]
    assert one.objective == pytest.approx(13)
    assert one.extra["covered_children"] == pytest.approx(30)
    assert set(one.uncovered) == {"D3", "D4"}
    two = solve(inst, "mclp", p=2, method=method, settings=FAST)
    assert two.open_sites == ["S1", "S3"]
    assert two.objective == pytest.approx(0)
    assert two.uncovered == []


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_lscp_hand_instance(method):
    """No site covers all four points; S1 + S3 do (S1 + S4 miss D3, S2 + S3 miss D1)."""
    inst = make(COVER_CHILDREN, COVER_KM, [99] * 4)
    res = solve(inst, "lscp", method=method, settings=FAST)
    assert res.open_sites == ["S1", "S3"]
    assert res.objective == 2
    assert res.lower_bound <= 2


def test_lscp_reports_points_no_site_can_cover():
    km = [*COVER_KM, [FAR, FAR, FAR, FAR]]
    inst = make([*COVER_CHILDREN, 4], km, [99] * 4)
    res = solve(inst, "lscp", method="exact", settings=FAST)
    assert res.objective == 2
    assert res.uncovered == ["D5"]
    assert any("D5" in note for note in res.notes)


# ---- service zones ---------------------------------------------------------------------------------


def test_zones_of_existing_kindergartens():
    """Nearest with seats: S1 (15 seats) takes D1 (0 km) but not also D2 (3 km); D2 goes to S2."""
    inst = make([10, 10, 10], CLOSE_KM, [15, 20, 20], existing=[True] * 3)
    res = solve(inst, "zones", settings=FAST)
    assert res.assignment == {"D1": "S1", "D2": "S2", "D3": "S3"}
    zone = {z["site_id"]: z for z in res.zones}
    assert zone["S1"]["children"] == 10 and zone["S1"]["seats"] == 15 and zone["S1"]["spare_seats"] == 5
    assert res.lower_bound is None and res.gap is None


def test_points_beyond_radius_are_flagged_and_zone_statistics():
    """D1 (10) at 0.4 km and D2 (30) at 1.6 km from S1: child-weighted mean (4 + 48) / 40 = 1.3 km,
    max 1.6; with radius 1 km D2 is flagged."""
    inst = make([10, 30], [[0.4], [1.6]], [50])
    res = solve(inst, "pmedian", p=1, settings=FAST)
    zone = res.zones[0]
    assert zone["mean_km"] == pytest.approx(1.3)
    assert zone["max_km"] == pytest.approx(1.6)
    assert zone["points_beyond_radius"] == 1 and zone["children_beyond_radius"] == 30
    assert res.uncovered == ["D2"]
    assert res.assignment == {"D1": "S1", "D2": "S1"}


def test_points_without_children_need_no_seat():
    """D2 has no children: it joins its nearest open site without taking a seat."""
    inst = make([10, 0], [[1, 2], [2, 0.5]], [10, 10])
    res = solve(inst, "pmedian", p=1, method="exact", settings=FAST)
    assert res.assignment == {"D1": "S1", "D2": "S1"}
    assert res.zones[0]["children"] == 10


# ---- refusals --------------------------------------------------------------------------------------


def test_capacity_below_demand_is_refused():
    inst = make([10, 10, 10], PM_KM, [5, 5, 5])
    with pytest.raises(SitingInputError, match=r"15.*30|30.*15"):
        solve(inst, "pmedian", p=3, settings=FAST)


def test_p_largest_sites_too_small_is_refused():
    inst = make([10, 10, 10], PM_KM, [10, 10, 20])
    with pytest.raises(SitingInputError, match="raise --p"):
        solve(inst, "pmedian", p=1, settings=FAST)


@pytest.mark.parametrize(
    ("model", "p", "text"),
    [("pmedian", None, "needs --p"), ("pmedian", 9, "between 1 and the 3"), ("close", 3, "may be")],
)
def test_bad_p_is_refused(model, p, text):
    inst = make([10, 10, 10], CLOSE_KM, [30, 30, 30], existing=[True, True, False])
    with pytest.raises(SitingInputError, match=text):
        solve(inst, model, p=p, settings=FAST)


def test_unreachable_demand_is_refused_for_capacitated_models():
    inst = make([10, 5], [[1, 2], [np.inf, np.inf]], [20, 20])
    with pytest.raises(SitingInputError, match="D2"):
        solve(inst, "pmedian", p=1, settings=FAST)


def test_great_circle_one_degree_of_latitude():
    assert float(great_circle_km(24.0, 102.5, 25.0, 102.5)) == pytest.approx(111.19, abs=0.01)


# ---- the second process ----------------------------------------------------------------------------


@pytest.mark.parametrize("parallel", [True, False])
def test_heuristic_in_one_or_two_processes(monkeypatch, parallel):
    """The bound may run in a forked process; the answer has the same guarantees either way."""
    from eduplan.planning.siting import pmedian

    monkeypatch.setattr(pmedian, "PARALLEL_MIN_PAIRS", 0)
    inst = make([10, 10, 10], PM_KM, [10, 30, 10])
    res = solve(inst, "pmedian", p=2, method="heuristic", settings=replace(FAST, parallel=parallel))
    assert res.objective == pytest.approx(60)
    assert res.lower_bound <= 60 + 1e-6
    expected = 2 if parallel and pmedian._can_fork() else 1
    assert res.stats["processes"] == expected


def test_a_failing_bound_process_falls_back_to_one(monkeypatch):
    """If the bound's process dies, the heuristic computes the bound itself."""
    from eduplan.planning.siting import pmedian

    if not pmedian._can_fork():
        pytest.skip("no fork on this platform")

    def die(*args: object) -> None:
        args[1].close()  # type: ignore[attr-defined]

    monkeypatch.setattr(pmedian, "PARALLEL_MIN_PAIRS", 0)
    monkeypatch.setattr(pmedian, "_bound_child", die)
    inst = make([10, 10, 10], PM_KM, [10, 30, 10])
    res = solve(inst, "pmedian", p=2, method="heuristic", settings=FAST)
    assert res.objective == pytest.approx(60)
    assert 0 < res.lower_bound <= 60 + 1e-6
