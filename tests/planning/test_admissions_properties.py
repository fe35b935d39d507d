"""Properties of the HS-2.1 admissions mechanism on random instances (hypothesis), and oracles.

- the general batch is stable: nobody outranks the last admit of (or finds room at) a school they
  listed above the one they got, or above nothing if unplaced;
- quota seat divisions sum exactly to each school's quota seats;
- nobody is placed twice and no school is over capacity;
- the general batch equals the student-optimal stable matching of the ``matching`` package;
- the whole mechanism, under random settings, equals the plain-Python reference.
"""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.planning.admissions import AdmissionSettings, Instance, admit
from eduplan.planning.admissions.checks import run_checks
from eduplan.planning.admissions.mechanism import (
    BATCH_GENERAL,
    BATCH_NONE,
    BATCH_QUOTA,
    allocate_quota_seats,
    candidate_order,
    dispatch,
)
from eduplan.planning.admissions.reference import reference_admit

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def general_instances(draw, max_n: int = 40, max_m: int = 6, max_k: int = 4):
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(1, max_m))
    k = draw(st.integers(1, max_k))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    score_range = draw(st.sampled_from([3, 10, 1000]))  # few values → many ties
    return Instance(
        score=rng.integers(0, score_range, n).astype(float),
        choices=rng.integers(-1, m, (n, k)),
        capacity=rng.integers(0, max(2, n // m + 2), m),
        tiebreak=rng.integers(0, 3, n).astype(float),
        id_rank=rng.permutation(n),
    )


def blocking_pairs(inst: Instance, school: np.ndarray) -> list[tuple[int, int]]:
    """Independent of the package's checks: every (candidate, school) pair that blocks."""
    order = candidate_order(inst.score, inst.tiebreak, inst.id_rank)
    rank = np.empty(inst.n, dtype=int)
    rank[order] = np.arange(inst.n)
    admitted: dict[int, list[int]] = {}
    for i, s in enumerate(school.tolist()):
        if s >= 0:
            admitted.setdefault(s, []).append(rank[i])
    pairs = []
    for i in range(inst.n):
        for s in inst.choices[i].tolist():
            if s == school[i]:
                break
            if s < 0:
                continue
            got = admitted.get(s, [])
            if len(got) < inst.capacity[s] or (got and rank[i] < max(got)):
                pairs.append((i, s))
    return pairs


@FAST
@given(general_instances())
def test_general_batch_is_stable(inst):
    out = admit(inst)
    assert blocking_pairs(inst, out.school) == []
    assert {c.check: c.passed for c in run_checks(inst, out)}["stability"]


@FAST
@given(general_instances())
def test_nobody_placed_twice_and_no_school_over_capacity(inst):
    out = admit(inst)
    placed = out.school >= 0
    assert ((out.batch != BATCH_NONE) == placed).all()
    assert (np.bincount(out.school[placed], minlength=inst.m) <= inst.capacity).all()
    # Everybody is placed at a school they listed.
    for i in np.flatnonzero(placed):
        assert out.school[i] in inst.choices[i]


@FAST
@given(
    seats=st.lists(st.integers(0, 500), min_size=1, max_size=6),
    claims=st.lists(st.integers(0, 10_000), min_size=1, max_size=30),
    areas=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_quota_divisions_sum_exactly_to_the_schools_quota_seats(seats, claims, areas, seed):
    rng = np.random.default_rng(seed)
    school_area = rng.integers(-1, areas, len(seats))
    junior_area = rng.integers(-1, areas, len(claims))
    alloc = allocate_quota_seats(
        np.array(seats), np.array(claims), school_area=school_area, junior_area=junior_area
    )
    per_school = np.bincount(alloc.pair_school, weights=alloc.pair_seats, minlength=len(seats))
    assert (per_school + alloc.unallocated == np.array(seats)).all()
    assert (alloc.pair_seats >= 0).all()
    # A seat goes only to a junior school with a claim, in the school's area (or either unknown).
    assert (np.array(claims)[alloc.pair_junior] > 0).all()
    sa, ja = school_area[alloc.pair_school], junior_area[alloc.pair_junior]
    assert ((sa < 0) | (ja < 0) | (sa == ja)).all()
    # Largest remainder: every junior school gets the floor or the ceiling of its exact share.
    for s in range(len(seats)):
        mine = alloc.pair_school == s
        if not mine.any():
            continue
        c = np.array(claims)[alloc.pair_junior[mine]]
        exact = seats[s] * c / c.sum()
        assert (alloc.pair_seats[mine] >= np.floor(exact - 1e-9)).all()
        assert (alloc.pair_seats[mine] <= np.ceil(exact + 1e-9)).all()


def matching_general_batch(inst: Instance) -> list[int]:
    """The general batch by ``matching``'s student-allocation solver (student-optimal)."""
    from matching.games import StudentAllocation

    order = candidate_order(inst.score, inst.tiebreak, inst.id_rank).tolist()
    prefs = {}
    for i in range(inst.n):
        listed = []
        for s in inst.choices[i].tolist():
            if s >= 0 and inst.capacity[s] > 0 and f"P{s}" not in listed:
                listed.append(f"P{s}")
        if listed:
            prefs[i] = listed
    projects = sorted({p for ps in prefs.values() for p in ps})
    if not projects:
        return [-1] * inst.n
    capacity = {p: int(inst.capacity[int(p[1:])]) for p in projects}
    supervisor_prefs = {f"T{p}": [i for i in order if p in prefs.get(i, [])] for p in projects}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = StudentAllocation.create_from_dictionaries(
            prefs,
            supervisor_prefs,
            {p: f"T{p}" for p in projects},
            capacity,
            {f"T{p}": c for p, c in capacity.items()},
        )
        matching = game.solve(optimal="student")
    result = [-1] * inst.n
    for project, students in matching.items():
        for student in students:
            result[student.name] = int(project.name[1:])
    return result


@settings(max_examples=60, deadline=None)
@given(general_instances(max_n=25, max_m=5, max_k=3))
def test_general_batch_equals_matching_student_allocation(inst):
    assert admit(inst).school.tolist() == matching_general_batch(inst)


@st.composite
def full_instances(draw):
    n = draw(st.integers(0, 40))
    m = draw(st.integers(1, 6))
    k = draw(st.integers(1, 4))
    n_j = draw(st.integers(1, 5))
    n_a = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    inst = Instance(
        score=rng.integers(0, 8, n).astype(float),
        choices=rng.integers(-1, m, (n, k)),
        capacity=rng.integers(0, 6, m),
        tiebreak=np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 3, n)),
        id_rank=rng.permutation(n),
        junior=rng.integers(-1, n_j, n),
        quota_choice=rng.integers(-1, m, n),
        quota_share=rng.choice([0.0, 0.3, 0.5, 0.35, 1.0], m),
        private=rng.random(m) < 0.3,
        school_area=rng.integers(-1, n_a, m),
        junior_area=rng.integers(-1, n_a, n_j),
        junior_weight=rng.choice([1.0, 1.5, 0.25], n_j),
        junior_rural=rng.random(n_j) < 0.5,
        n_juniors=n_j,
    )
    options = AdmissionSettings(
        batch_order=draw(st.sampled_from(["quota_first", "general_first"])),
        rounding=draw(st.sampled_from(["half_up", "half_even", "floor", "ceil"])),
        quota_min_line=draw(st.sampled_from([None, 3.0])),
        general_min_line=draw(st.sampled_from([None, 2.0])),
        use_weights=draw(st.booleans()),
        rural_weight=draw(st.sampled_from([1.0, 1.3, 0.5])),
        max_choices=draw(st.sampled_from([None, 1, 2])),
        private_round=draw(st.sampled_from(["same", "before", "after"])),
        enforce_area=draw(st.booleans()),
        quota_within_area=draw(st.booleans()),
        return_unused_quota=draw(st.booleans()),
    )
    return inst, options


@settings(max_examples=200, deadline=None)
@given(full_instances())
def test_mechanism_equals_the_plain_reference_under_every_setting(case):
    inst, options = case
    out = admit(inst, options)
    ref = reference_admit(inst, options)
    assert out.school.tolist() == ref.school
    assert [("", "quota", "general")[b] for b in out.batch.tolist()] == ref.batch
    pairs = dict(
        zip(
            zip(out.quota.pair_school.tolist(), out.quota.pair_junior.tolist(), strict=True),
            out.quota.pair_seats.tolist(),
            strict=True,
        )
    )
    assert pairs == ref.pair_seats
    assert out.quota.school_seats.tolist() == ref.school_seats
    placed = out.school >= 0
    assert (np.bincount(out.school[placed], minlength=inst.m) <= inst.capacity).all()
    assert set(out.batch.tolist()) <= {BATCH_NONE, BATCH_QUOTA, BATCH_GENERAL}


@settings(max_examples=80, deadline=None)
@given(full_instances())
def test_default_settings_pass_every_check(case):
    inst, _ = case
    defaults = AdmissionSettings()
    out = admit(inst, defaults)
    failed = {c.check: c.count for c in run_checks(inst, out, settings=defaults) if not c.passed}
    assert failed == {}


def test_dispatch_on_a_larger_random_instance_is_stable():
    rng = np.random.default_rng(3)
    n, m, k = 20_000, 120, 6
    choices = rng.integers(-1, m, (n, k))
    capacity = rng.integers(0, 200, m)
    got, remaining = dispatch(choices, capacity)
    inst = Instance(score=np.arange(n, 0, -1).astype(float), choices=choices, capacity=capacity)
    assert blocking_pairs(inst, got) == []
    assert (remaining >= 0).all()


def test_chunked_passes_give_the_same_answers(monkeypatch):
    import eduplan.planning.admissions.checks as checks_module
    import eduplan.planning.admissions.mechanism as mechanism_module

    rng = np.random.default_rng(8)
    n, m = 500, 7
    inst = Instance(
        score=rng.integers(0, 30, n).astype(float),
        choices=rng.integers(-1, m, (n, 4)),
        capacity=rng.integers(0, 60, m),
        private=np.arange(m) < 2,
        school_area=rng.integers(-1, 2, m),
        candidate_area=rng.integers(-1, 2, n),
    )
    options = AdmissionSettings(private_round="after")  # so the stability check has findings
    whole = admit(inst, options)
    whole_checks = [c.to_dict() for c in run_checks(inst, whole, settings=options)]
    assert any(c["count"] for c in whole_checks)
    monkeypatch.setattr(mechanism_module, "ROW_CHUNK", 3)
    monkeypatch.setattr(checks_module, "ROW_CHUNK", 3)
    chunked = admit(inst, options)
    assert chunked.school.tolist() == whole.school.tolist()
    assert [c.to_dict() for c in run_checks(inst, chunked, settings=options)] == whole_checks
