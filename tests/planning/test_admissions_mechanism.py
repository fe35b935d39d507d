"""Hand-worked cases for each step and each setting of the HS-2.1 admissions mechanism.

Each case is small enough to check with pencil and paper; the comment above it shows the working.
The same cases are worked through in docs/admissions.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from eduplan.planning.admissions import AdmissionSettings, AdmissionsInputError, Instance, admit
from eduplan.planning.admissions.checks import run_checks
from eduplan.planning.admissions.mechanism import (
    BATCH_GENERAL,
    BATCH_QUOTA,
    allocate_quota_seats,
    candidate_order,
    dispatch,
    junior_weights,
    round_quota_seats,
)
from eduplan.planning.admissions.reference import serial_dictatorship
from eduplan.planning.admissions.settings import settings_from_mapping

A, B, C = 0, 1, 2
_ = -1


def make(
    scores,
    choices,
    capacity,
    *,
    junior=None,
    quota_choice=None,
    quota_share=None,
    tiebreak=None,
    private=None,
    school_area=None,
    junior_area=None,
    junior_rural=None,
    candidate_area=None,
):
    n = len(scores)
    return Instance(
        score=np.array(scores, dtype=float),
        choices=np.array(choices, dtype=np.int64).reshape(n, -1),
        capacity=np.array(capacity),
        tiebreak=None if tiebreak is None else np.array(tiebreak, dtype=float),
        junior=None if junior is None else np.array(junior),
        quota_choice=None if quota_choice is None else np.array(quota_choice),
        quota_share=None if quota_share is None else np.array(quota_share, dtype=float),
        private=None if private is None else np.array(private, dtype=bool),
        school_area=None if school_area is None else np.array(school_area),
        junior_area=None if junior_area is None else np.array(junior_area),
        junior_rural=None if junior_rural is None else np.array(junior_rural, dtype=bool),
        candidate_area=None if candidate_area is None else np.array(candidate_area),
    )


def schools(outcome) -> list[int]:
    return outcome.school.tolist()


# --- Order -----------------------------------------------------------------------------------


def test_order_is_score_then_tiebreak_then_id():
    # Scores 600, 600, 600, 650: 650 first; among the 600s tie-break 9 beats 5; two with 5 go by id
    # rank (2 before 7); a missing tie-break (NaN) loses every tie.
    score = np.array([600, 600, 600, 650, 600.0])
    tiebreak = np.array([5, 9, 5, 0, np.nan])
    id_rank = np.array([7, 3, 2, 0, 1])
    assert candidate_order(score, tiebreak, id_rank).tolist() == [3, 1, 2, 0, 4]


def test_radix_packed_and_lexicographic_orders_agree():
    rng = np.random.default_rng(5)
    n = 2000
    whole = rng.integers(0, 50, n).astype(float)  # radix passes
    wide = rng.integers(0, 10**6, n).astype(float)  # more than 16 bits: one packed int64 key
    odd = whole + rng.random(n) / 3  # not on a grid: lexicographic sort
    tb = rng.integers(0, 4, n).astype(float)
    ids = rng.permutation(n)
    for score in (whole, whole / 2, whole - 20.5, wide, odd):
        for id_rank in (ids, None, ids * 3):
            got = candidate_order(score, tb, id_rank)
            expected = np.lexsort((np.arange(n) if id_rank is None else id_rank, -tb, -score))
            assert got.tolist() == expected.tolist()


# --- Step 1: quota seats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # capacity × share:  7×0.5=3.5  5×0.5=2.5  10×0.3=3  10×0.35=3.5  3×0.1=0.3  0×1=0
        ("half_up", [4, 3, 3, 4, 0, 0]),
        ("half_even", [4, 2, 3, 4, 0, 0]),
        ("floor", [3, 2, 3, 3, 0, 0]),
        ("ceil", [4, 3, 3, 4, 1, 0]),
    ],
)
def test_quota_seats_rounding(rule, expected):
    # 10 × 0.3 is 3.0000000000000004 and 10 × 0.35 is 3.4999999999999996 in floating point; both
    # must round as the decimals the user wrote.
    capacity = np.array([7, 5, 10, 10, 3, 0])
    share = np.array([0.5, 0.5, 0.3, 0.35, 0.1, 1.0])
    assert round_quota_seats(capacity, share, rule).tolist() == expected


def test_largest_remainder_division():
    # 3 seats, claims 6 and 2: exact 2.25 and 0.75 → floors 2 and 0, the one seat left goes to the
    # larger remainder (0.75): 2 and 1.
    alloc = allocate_quota_seats(np.array([3]), np.array([6, 2]))
    assert alloc.pair_seats.tolist() == [2, 1]
    # 2 seats, claims 6 and 2: 1.5 and 0.5 → floors 1 and 0; remainders tie at 0.5 → lower id.
    alloc = allocate_quota_seats(np.array([2]), np.array([6, 2]))
    assert alloc.pair_seats.tolist() == [2, 0]
    # 1 seat, three equal claims: the lowest junior school id gets it.
    alloc = allocate_quota_seats(np.array([1]), np.array([5, 5, 5]))
    assert alloc.pair_seats.tolist() == [1, 0, 0]


def test_quota_seats_go_to_the_schools_own_area():
    # School area 0; junior schools in areas 0, 1 and unknown: area 1 gets nothing.
    alloc = allocate_quota_seats(
        np.array([4]), np.array([10, 10, 10]), school_area=np.array([0]), junior_area=np.array([0, 1, -1])
    )
    assert dict(zip(alloc.pair_junior.tolist(), alloc.pair_seats.tolist(), strict=True)) == {0: 2, 2: 2}
    # Without the area rule all three share: 4 × 10/30 = 1.33 each → 1, 1, 1 and the last to J0.
    alloc = allocate_quota_seats(
        np.array([4]),
        np.array([10, 10, 10]),
        school_area=np.array([0]),
        junior_area=np.array([0, 1, -1]),
        within_area=False,
    )
    assert alloc.pair_seats.tolist() == [2, 1, 1]


def test_school_without_eligible_junior_schools_keeps_seats_general():
    alloc = allocate_quota_seats(
        np.array([3]), np.array([10]), school_area=np.array([0]), junior_area=np.array([1])
    )
    assert alloc.unallocated.tolist() == [3]
    assert len(alloc.pair_seats) == 0


def test_rural_weight_tilts_the_division():
    # Graduates 6 (urban J0) and 3 (rural J1), 2 seats. No tilt: 2×6/9=1.33, 2×3/9=0.67 → 1 and 1.
    # With rural_weight 0.5 the claims are 6 and 1.5: 1.6 and 0.4 → 1 and 0, leftover to J0 → 2, 0.
    # With rural_weight 3 the claims are 6 and 9: 0.8 and 1.2 → 0 and 1, leftover to J0 → 1, 1.
    inst = make([1] * 9, [[_]] * 9, [4], junior=[0] * 6 + [1] * 3, junior_rural=[False, True])
    for weight, expected in ((1.0, [1, 1]), (0.5, [2, 0]), (3.0, [1, 1])):
        claims = junior_weights(inst, AdmissionSettings(rural_weight=weight))
        assert allocate_quota_seats(np.array([2]), claims).pair_seats.tolist() == expected


# --- Steps 2 and 3: the batches ----------------------------------------------------------------

# The running example (docs/admissions.md): school A has 4 places, half of them quota seats
# (2: junior school J0 has 4 candidates, J1 has 2 → 2×4/6=1.33 and 0.67 → 1 and 1). B has 2 places.
#
#   cand  junior  score  quota  choices
#   0     J0      690    A      A B
#   1     J0      680    A      A B
#   2     J0      670    -      A B
#   3     J1      660    -      B A
#   4     J0      650    A      A B
#   5     J1      600    A      A B
RUNNING = dict(
    scores=[690, 680, 670, 660, 650, 600],
    choices=[[A, B], [A, B], [A, B], [B, A], [A, B], [A, B]],
    capacity=[4, 2],
    junior=[0, 0, 0, 1, 0, 1],
    quota_choice=[A, A, _, _, A, A],
    quota_share=[0.5, 0.0],
)


def test_running_example_quota_first():
    # Quota batch: J0's one seat at A → candidate 0 (690); J1's seat → candidate 5 (600).
    # General batch on A's other 2 places and B's 2: 1→A, 2→A (A full), 3→B, 4→B (A full).
    out = admit(make(**RUNNING))
    assert schools(out) == [A, A, A, B, B, A]
    assert out.batch.tolist() == [
        BATCH_QUOTA,
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_QUOTA,
    ]
    assert out.quota.pair_seats.tolist() == [1, 1]
    assert all(c.passed for c in run_checks(make(**RUNNING), out))


def test_running_example_general_first():
    # General batch first on A's 2 non-quota places: 0→A, 1→A, 2→B, 3→B, 4 and 5 unplaced.
    # Quota batch among the unplaced: J0's seat → 4 (650), J1's seat → 5 (600). Candidate 2 (670)
    # now goes to B and 4 (650) to A on a quota seat: the order of the batches matters.
    out = admit(make(**RUNNING), AdmissionSettings(batch_order="general_first"))
    assert schools(out) == [A, A, B, B, A, A]
    assert out.batch.tolist() == [
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_QUOTA,
        BATCH_QUOTA,
    ]


def test_no_quota_is_plain_parallel_preferences():
    inst = make(**{**RUNNING, "quota_share": [0.0, 0.0]})
    assert schools(admit(inst)) == [A, A, A, B, A, B]


def test_min_line_keeps_quota_seats_from_low_scores_and_returns_them():
    # quota_min_line 620: candidate 5 (600) may not take J1's seat; it returns to A's general
    # places (3 of them): 1, 2 and 4 get A, 3 gets B, 5 gets B.
    settings = AdmissionSettings(quota_min_line=620)
    out = admit(make(**RUNNING), settings)
    assert schools(out) == [A, A, A, B, A, B]
    assert out.returned.tolist() == [1, 0]
    # Not returned: A keeps an empty place, and the empty-seat check (应招尽招) says so.
    settings = settings.replace(return_unused_quota=False)
    out = admit(make(**RUNNING), settings)
    assert schools(out) == [A, A, A, B, B, _]
    checks = {c.check: c for c in run_checks(make(**RUNNING), out, settings=settings)}
    assert checks["empty_seats"].count == 1
    assert checks["stability"].passed


def test_general_min_line_leaves_places_empty_and_is_reported():
    settings = AdmissionSettings(general_min_line=655)
    inst = make(**{**RUNNING, "quota_share": [0.0, 0.0]})
    out = admit(inst, settings)
    assert schools(out) == [A, A, A, B, _, _]
    checks = {c.check: c for c in run_checks(inst, out, settings=settings)}
    assert checks["empty_seats"].count == 2  # one at A, one at B, wanted by 4 and 5
    assert checks["stability"].passed  # the line is the setting's, not a breach of the order


def test_general_batch_is_one_dispatch_in_score_order():
    # 0: A B   1: A C   2: B    3: A B C   capacities A1 B1 C1
    # 0 takes A; 1 finds A full, takes C; 2 takes B; 3 finds all full.
    inst = make([90, 80, 70, 60], [[A, B, _], [A, C, _], [B, _, _], [A, B, C]], [1, 1, 1])
    assert schools(admit(inst)) == [A, C, B, _]


def test_tiebreak_and_id_decide_equal_scores():
    inst = make([80, 80, 80], [[A], [A], [A]], [1], tiebreak=[1, 2, 2])
    assert schools(admit(inst)) == [_, A, _]  # 2 and 1 tie on tie-break → lower id rank (index 1)


def test_max_choices_uses_only_the_first_columns():
    inst = make([90, 80], [[A, B], [A, B]], [1, 1])
    assert schools(admit(inst)) == [A, B]
    assert schools(admit(inst, AdmissionSettings(max_choices=1))) == [A, _]


def test_private_round_same_before_after():
    # B is private. 0 lists B then A; 1 lists B; 2 lists A. One place each.
    inst = make([90, 80, 70], [[B, A], [B, _], [A, _]], [1, 1], private=[False, True])
    same = admit(inst)
    assert schools(same) == [B, _, A]
    # Private first: B takes 0; public round: 2 gets A.  Same result here…
    before = admit(inst, AdmissionSettings(private_round="before"))
    assert schools(before) == [B, _, A]
    assert {c.check: c.count for c in run_checks(inst, before)}["same_round"] == 1
    # Public first: 0 takes A (its second choice), 2 loses A; then B goes to 1. 0 ranks above 1 and
    # listed B first: the stability check reports it.
    after = admit(inst, AdmissionSettings(private_round="after"))
    assert schools(after) == [A, B, _]
    checks = {c.check: c.count for c in run_checks(inst, after)}
    assert checks["stability"] >= 1
    assert checks["same_round"] == 0


def test_area_rule_drops_choices_outside_the_area():
    # A is in area 0, B in area 1, C admits from everywhere. Candidate 0 is in area 1.
    inst = make(
        [90, 80],
        [[A, C], [A, B]],
        [1, 1, 1],
        school_area=[0, 1, -1],
        candidate_area=[1, 0],
    )
    out = admit(inst)
    assert schools(out) == [C, A]
    # Without the rule 0 takes A and 1, finding A full, takes B: both cross areas.
    out = admit(inst, AdmissionSettings(enforce_area=False))
    assert schools(out) == [A, B]
    checks = {c.check: c.count for c in run_checks(inst, out, settings=AdmissionSettings(enforce_area=False))}
    assert checks["same_area"] == 2


def test_area_comes_from_the_junior_school_when_not_given():
    inst = make([90], [[A, B]], [1, 1], school_area=[0, 1], junior=[0], junior_area=[1])
    assert schools(admit(inst)) == [B]


def test_quota_choice_outside_area_is_ignored():
    inst = make(
        [90, 80],
        [[_], [_]],
        [2],
        junior=[0, 1],
        quota_choice=[A, A],
        quota_share=[1.0],
        school_area=[0],
        junior_area=[0, -1],
        candidate_area=[0, 1],
    )
    out = admit(inst)
    assert schools(out) == [A, _]


# --- dispatch at a size that exercises its blocks ----------------------------------------------


def test_dispatch_matches_plain_serial_dictatorship_over_many_blocks():
    rng = np.random.default_rng(11)
    for n, m, k in ((6000, 40, 5), (3000, 3, 2), (5000, 200, 8)):
        choices = rng.integers(-1, m, (n, k))
        capacity = rng.integers(0, 2 * n // m, m)
        got, remaining = dispatch(choices, capacity)
        expected = serial_dictatorship(list(range(n)), choices.tolist(), capacity.tolist())
        assert got.tolist() == expected
        assert (remaining == capacity - np.bincount(got[got >= 0], minlength=m)).all()


def test_dispatch_skips_inactive_rows():
    got, _ = dispatch(np.array([[0], [0], [0]]), np.array([1]), active=np.array([False, True, True]))
    assert got.tolist() == [-1, 0, -1]


# --- settings ----------------------------------------------------------------------------------


def test_settings_refuse_bad_values_in_both_languages():
    with pytest.raises(AdmissionsInputError) as err:
        AdmissionSettings(batch_order="sideways", default_quota_share=1.5)
    text = str(err.value)
    assert "batch_order" in text and "default_quota_share" in text and "应在" in text and "must be" in text


def test_settings_from_toml_mapping_refuse_unknown_keys():
    assert settings_from_mapping({"admissions": {"rural_weight": 1.2}}).rural_weight == 1.2
    with pytest.raises(AdmissionsInputError, match="unknown setting 'quota_shares'"):
        settings_from_mapping({"quota_shares": {}}, "x.toml")


def test_arrays_that_break_the_mechanism_are_refused():
    with pytest.raises(ValueError, match="school indices"):
        admit(make([1], [[5]], [1]))
    with pytest.raises(ValueError, match="negative"):
        admit(make([1], [[0]], [-1]))
    with pytest.raises(ValueError, match="quota_share"):
        admit(make([1], [[0]], [1], quota_share=[1.5]))


def test_use_weights_and_weight_decimals():
    # Two junior schools of 5 graduates each, J1 weighted 1.5, 3 seats: claims 5 and 7.5 → exact
    # 1.2 and 1.8 → 1 and 1, the leftover to J1 (0.8 > 0.2): 1 and 2. Ignoring weights: 1.5 and
    # 1.5 → 1 and 1, the remainders tie → J0: 2 and 1.
    base = dict(junior=[0] * 5 + [1] * 5)
    inst = Instance(
        score=np.ones(10),
        choices=np.full((10, 1), -1),
        capacity=np.array([3]),
        junior=np.array(base["junior"]),
        junior_weight=np.array([1.0, 1.5]),
    )
    assert allocate_quota_seats(
        np.array([3]), junior_weights(inst, AdmissionSettings())
    ).pair_seats.tolist() == [1, 2]
    ignored = junior_weights(inst, AdmissionSettings(use_weights=False))
    assert allocate_quota_seats(np.array([3]), ignored).pair_seats.tolist() == [2, 1]
    # Weights count to weight_decimals places: 1.0004 is 1.000 at 3 places (a tie → J0), 1.0004 at 4.
    nearly = Instance(**{**inst.__dict__, "junior_weight": np.array([1.0, 1.0004])})
    three = junior_weights(nearly, AdmissionSettings(weight_decimals=3))
    four = junior_weights(nearly, AdmissionSettings(weight_decimals=4))
    assert allocate_quota_seats(np.array([1]), three).pair_seats.tolist() == [1, 0]
    assert allocate_quota_seats(np.array([1]), four).pair_seats.tolist() == [0, 1]


def test_quota_share_one_puts_every_place_in_the_quota_batch():
    # A's 4 places are all quota seats: J0 4×4/6 = 2.67 → 2 (+1 leftover) = 3, J1 1.33 → 1.
    # J0's three go to c1, c2 and c5 (c3 named no quota school); J1's to c6; c3 and c4 take B.
    out = admit(make(**{**RUNNING, "quota_share": [1.0, 0.0]}))
    assert schools(out) == [A, A, B, B, A, A]
    assert out.batch.tolist() == [
        BATCH_QUOTA,
        BATCH_QUOTA,
        BATCH_GENERAL,
        BATCH_GENERAL,
        BATCH_QUOTA,
        BATCH_QUOTA,
    ]


def test_max_examples_limits_the_listed_rows():
    inst = make([90, 80, 70], [[A], [A], [A]], [3], school_area=[0], candidate_area=[1, 1, 1])
    settings = AdmissionSettings(enforce_area=False, max_examples=1)
    check = {c.check: c for c in run_checks(inst, admit(inst, settings), settings=settings)}["same_area"]
    assert check.count == 3 and len(check.examples) == 1
