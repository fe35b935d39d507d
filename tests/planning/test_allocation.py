"""Allocation of the city target to counties (精准下达, PRE-4.1.1): every method adds up to the city
target when the bounds allow it, and says by how much it cannot when they don't."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eduplan.planning.allocation.core import (
    METHODS,
    AllocationSettings,
    allocate,
    largest_remainder,
)
from eduplan.planning.projection.core import PlanningInputError

# A Yuxi-sized city (synthetic figures): last year's rate, registered 3–5 population, seats.
LAST = np.array([90.0, 95.0, 99.0, 104.0, 80.0, 88.0, 92.0, 97.0, 85.0])
WEIGHT = np.array([20000, 9000, 6000, 11000, 7000, 6500, 5000, 7500, 6800], dtype=float)
SEATS = np.round(LAST * WEIGHT / 100) + np.array([500, 200, 0, 300, 100, 50, 0, 400, 100])
PLANNED = np.array([90, 0, 30, 0, 270, 0, 60, 0, 120], dtype=float)
CODES = ["530402", "530403", "530423", "530424", "530425", "530426", "530427", "530428", "530481"]


def weighted(result) -> float:
    return float(result.weight @ result.target / result.weight.sum())


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_reaches_the_city_target(method):
    result = allocate(96.0, LAST, WEIGHT, SEATS, PLANNED, method=method, divisions=CODES, year=2025)
    assert result.feasible
    assert weighted(result) == pytest.approx(96.0, abs=1e-9)
    assert np.all(result.target >= result.lower - 1e-9) and np.all(result.target <= result.upper + 1e-9)
    city_children = 96.0 * WEIGHT.sum() / 100
    assert result.children.sum() == int(np.ceil(city_children - 1e-6))
    assert np.all(np.abs(result.children - result.target * WEIGHT / 100) < 1)
    np.testing.assert_array_equal(
        result.seats_needed, np.maximum(result.children - SEATS - PLANNED, 0).astype(int)
    )


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_says_how_far_an_unreachable_target_is(method):
    # upper bound 100% except where already above; the weighted ceiling is just over 100%
    high = allocate(101.0, LAST, WEIGHT, SEATS, PLANNED, method=method)
    ceiling = float(WEIGHT @ np.maximum(100.0, LAST) / WEIGHT.sum())
    assert not high.feasible
    assert high.shortfall == pytest.approx(101.0 - ceiling)
    assert high.shortfall_children == pytest.approx((101.0 - ceiling) * WEIGHT.sum() / 100)
    assert "不可达" in high.message and "cannot be reached" in high.message
    np.testing.assert_allclose(high.target, high.upper)
    low = allocate(50.0, LAST, WEIGHT, SEATS, method=method, lower=np.full(9, 60.0))
    floor = 85.0 if method == "floor_share" else 60.0  # floor_share's floor is a lower bound too
    assert not low.feasible and low.shortfall == pytest.approx(50.0 - floor)
    assert "下限" in low.message and "lower bounds" in low.message


def test_uniform_gives_every_county_the_same_rate():
    result = allocate(96.0, LAST, WEIGHT, SEATS, method="uniform")
    np.testing.assert_allclose(result.target, 96.0)


def test_equal_points_raises_every_county_by_the_same_points():
    result = allocate(93.0, LAST, WEIGHT, SEATS, method="equal_points", upper=np.full(9, 120.0))
    increase = result.target - LAST
    np.testing.assert_allclose(increase, increase[0])
    assert increase[0] == pytest.approx(93.0 - WEIGHT @ LAST / WEIGHT.sum())


def test_proportional_gap_closes_the_same_share_of_every_gap():
    result = allocate(96.0, LAST, WEIGHT, SEATS, method="proportional_gap")
    gap = np.maximum(100.0, LAST) - LAST
    closed = np.divide(result.target - LAST, gap, out=np.full(9, np.nan), where=gap > 0)
    np.testing.assert_allclose(closed[gap > 0], result.parameter)
    assert result.target[LAST >= 100].tolist() == LAST[LAST >= 100].tolist()


def test_floor_share_lifts_counties_to_the_floor_then_fills_free_seats():
    result = allocate(93.0, LAST, WEIGHT, SEATS, PLANNED, method="floor_share")
    assert np.all(result.target >= 85.0 - 1e-9)
    lifted = np.maximum(LAST, 85.0)
    free = np.maximum(SEATS + PLANNED - lifted * WEIGHT / 100, 0)
    room = np.minimum(free, (result.upper - lifted) * WEIGHT / 100)  # free seats up to the ceiling
    extra_children = (result.target - lifted) * WEIGHT / 100
    # the rest is shared in proportion to free seats (parameter in [0, 1]: within free seats)
    assert 0 < result.parameter <= 1
    np.testing.assert_allclose(extra_children, result.parameter * room, atol=1e-6)
    assert room[3] == 0 and result.target[3] == LAST[3]  # already above 100%: nothing more asked


def test_least_cost_needs_no_more_new_seats_than_any_other_method():
    def new_seats(result):
        return float(np.maximum(result.target * WEIGHT / 100 - SEATS - PLANNED, 0).sum())

    best = allocate(96.0, LAST, WEIGHT, SEATS, PLANNED, method="least_cost")
    for method in METHODS:
        other = allocate(96.0, LAST, WEIGHT, SEATS, PLANNED, method=method)
        assert new_seats(best) <= new_seats(other) + 1e-6
    # with a cost per seat, building moves to where seats are cheap
    cost = np.ones(9)
    cost[0] = 10.0
    cheap = allocate(96.0, LAST, WEIGHT, SEATS, PLANNED, method="least_cost", seat_cost=cost)
    assert cheap.cost <= float(cost @ np.maximum(best.target * WEIGHT / 100 - SEATS - PLANNED, 0)) + 1e-6
    assert weighted(cheap) == pytest.approx(96.0, abs=1e-9)


def test_bound_settings():
    keep = AllocationSettings(keep_last_rate=True)
    kept = allocate(95.0, LAST, WEIGHT, SEATS, method="uniform", settings=keep)
    assert np.all(kept.target >= LAST - 1e-9)
    assert weighted(kept) == pytest.approx(95.0, abs=1e-9)
    # last year's city rate is above 92%: keeping every county's rate already exceeds the target
    already = allocate(92.0, LAST, WEIGHT, SEATS, method="uniform", settings=keep)
    assert not already.feasible
    assert already.shortfall == pytest.approx(92.0 - WEIGHT @ LAST / WEIGHT.sum())
    capped = allocate(
        90.0,
        LAST,
        WEIGHT,
        SEATS,
        PLANNED,
        method="equal_points",
        settings=AllocationSettings(upper_from_seats=True),
    )
    assert np.all(capped.target * WEIGHT / 100 <= SEATS + PLANNED + 1e-6)
    assert capped.seats_needed.sum() <= 9  # at most one child of rounding per county


def test_records_carry_what_the_cli_prints():
    result = allocate(96.0, LAST, WEIGHT, SEATS, PLANNED, method="floor_share", divisions=CODES, year=2025)
    rows = result.records(city_division="530400", city_name="玉溪市")
    assert len(rows) == 10
    for row in rows:
        assert {
            "division",
            "division_name",
            "method",
            "last_rate",
            "target",
            "weight",
            "seats_needed",
        } <= set(row)
    city = rows[-1]
    assert city["division"] == "530400" and city["target"] == 96.0
    assert city["weight"] == WEIGHT.sum()
    assert city["seats_needed"] == sum(r["seats_needed"] for r in rows[:-1])
    assert sum(r["weight"] * r["target"] for r in rows[:-1]) / city["weight"] == pytest.approx(96.0)


def test_inputs_are_checked():
    with pytest.raises(PlanningInputError, match="unknown allocation method"):
        allocate(96.0, LAST, WEIGHT, SEATS, method="random")
    with pytest.raises(PlanningInputError, match="9 counties"):
        allocate(96.0, LAST, WEIGHT[:3], SEATS)
    with pytest.raises(PlanningInputError, match="lower bound"):
        allocate(96.0, LAST, WEIGHT, SEATS, lower=np.full(9, 99.0), upper=np.full(9, 98.0))
    with pytest.raises(PlanningInputError, match="sums to 0"):
        allocate(96.0, LAST, np.zeros(9), SEATS)
    with pytest.raises(PlanningInputError, match="negative"):
        allocate(96.0, LAST, -WEIGHT, SEATS)
    with pytest.raises(PlanningInputError, match="more seats closed"):
        allocate(96.0, LAST, WEIGHT, SEATS, -SEATS - 1)


# ------------------------------------------------------------------------------- largest remainder


def test_largest_remainder_keeps_the_sum():
    assert largest_remainder([0.5, 0.5, 0.5, 0.5], 2).tolist() == [1, 1, 0, 0]
    assert largest_remainder([1.2, 2.7, 3.1]).tolist() == [1, 3, 3]
    assert largest_remainder([2.9999999999, 1.0000000001], 4).tolist() == [3, 1]
    with pytest.raises(PlanningInputError, match="too far"):
        largest_remainder([1.0, 1.0], 5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_subnormal=False), min_size=1, max_size=40), st.integers(0, 100))
def test_largest_remainder_property(values, extra):
    v = np.array(values)
    total = int(np.floor(v.sum())) + extra % (len(values) + 1)
    assume(total <= np.ceil(v).sum())
    out = largest_remainder(v, total)
    assert out.sum() == total
    assert np.all(out >= np.floor(v + 1e-9) - 1) and np.all(out <= np.ceil(v))


# ------------------------------------------------------------------------------- random counties


@st.composite
def cities(draw):
    n = draw(st.integers(1, 25))
    rates = st.floats(0, 130, allow_subnormal=False)
    last = np.array(draw(st.lists(rates, min_size=n, max_size=n)))
    weight = np.array(draw(st.lists(st.floats(0, 1e5, allow_subnormal=False), min_size=n, max_size=n)))
    assume(weight.sum() > 1)
    seats = np.array(draw(st.lists(st.integers(0, 100_000), min_size=n, max_size=n)), dtype=float)
    planned = np.array(draw(st.lists(st.integers(0, 5_000), min_size=n, max_size=n)), dtype=float)
    a = np.array(draw(st.lists(rates, min_size=n, max_size=n)))
    b = np.array(draw(st.lists(rates, min_size=n, max_size=n)))
    bounded = draw(st.booleans())
    lower, upper = (np.minimum(a, b), np.maximum(a, b)) if bounded else (None, None)
    target = draw(st.floats(0, 130, allow_subnormal=False))
    return target, last, weight, seats, planned, lower, upper


@settings(max_examples=200, deadline=None)
@given(cities(), st.sampled_from(list(METHODS)))
def test_random_counties_reach_the_target_or_say_why_not(city, method):
    target, last, weight, seats, planned, lower, upper = city
    result = allocate(target, last, weight, seats, planned, method=method, lower=lower, upper=upper)
    lo, hi = result.reachable
    scale = max(1.0, abs(target))
    assert np.all(result.target >= result.lower - 1e-9 * scale)
    assert np.all(result.target <= result.upper + 1e-9 * scale)
    if lo - 1e-9 * scale <= target <= hi + 1e-9 * scale:
        assert result.feasible
        assert weighted(result) == pytest.approx(target, abs=1e-7 * scale)
        exact = target * weight.sum() / 100
        assert exact - 1e-6 * max(1, exact) <= result.children.sum() <= exact + 1 + 1e-6 * max(1, exact)
    else:
        assert not result.feasible
        assert result.shortfall == pytest.approx(target - (hi if target > hi else lo))
