"""Progress: deadline year, trend, forecast methods and status — each worked by hand — and the array
form used for whole provinces agrees with the plain form on random histories."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from eduplan.metrics import progress as pg
from eduplan.metrics.params import AgeBand, load_params
from eduplan.plans.loader import Target

F = 243 / 365


def target(value: float, comparison: str = ">=", deadline: dt.date = dt.date(2025, 12, 31)) -> Target:
    return Target(value=value, comparison=comparison, deadline=deadline, scope="city", compare=("city",))


def test_deadline_is_judged_on_the_school_year_running_that_day():
    p = load_params()
    assert pg.deadline_school_year(dt.date(2025, 12, 31), p) == 2025  # autumn 2025 statistics
    assert pg.deadline_school_year(dt.date(2022, 12, 31), p) == 2022  # PRE-T6, "before 2023"
    assert pg.deadline_school_year(dt.date(2025, 6, 30), p) == 2024  # before 1 September


def test_linear_fit_by_hand():
    # Points (2021, 10), (2022, 12), (2024, 16): mean x 2022.333, mean y 12.667;
    # Sxx = 1.778 + 0.111 + 2.778 = 4.667, Sxy = (−1.333)(−2.667) + (−0.333)(−0.667) + (1.667)(3.333)
    # = 3.556 + 0.222 + 5.556 = 9.333 → slope 2.
    slope, intercept = pg.linear_fit([(2021, 10), (2022, 12), (2024, 16)])
    assert slope == pytest.approx(2.0)
    assert slope * 2025 + intercept == pytest.approx(18.0)
    assert pg.linear_fit([(2024, 1.0)]) is None


def test_cohort_births_by_hand():
    # 3–5 on 31 August 2025: born Sep 2019–Aug 2022 = (1−f)·B2019 + B2020 + B2021 + f·B2022.
    births = {2019: 100, 2020: 90, 2021: 80, 2022: 70}
    assert pg.cohort_births(2025, AgeBand(3, 5), births, F) == pytest.approx((1 - F) * 100 + 90 + 80 + F * 70)
    assert pg.cohort_births(2026, AgeBand(3, 5), births, F) is None  # 2023 births unknown


def points(*values, numerators=None, denominators=None):
    years = (2021, 2022, 2023, 2024)[: len(values)]
    numerators = numerators or [None] * len(values)
    denominators = denominators or [None] * len(values)
    return [pg.Point(y, v, n, d) for y, v, n, d in zip(years, values, numerators, denominators, strict=True)]


def test_forecast_methods():
    # flat: one value
    fc = pg.forecast(points(50.0), 2025, window=3, factor=100, upper=100)
    assert (fc.method, fc.value, fc.trend) == ("flat", 50.0, None)
    # linear over the last 3 of 4 years: 60, 62, 64 (2022–2024) → 66 in 2025; 2021's 0 is ignored.
    fc = pg.forecast(points(0.0, 60.0, 62.0, 64.0), 2025, window=3, factor=100, upper=100)
    assert (fc.method, fc.value, fc.trend) == ("linear", pytest.approx(66.0), pytest.approx(2.0))
    # bounded by upper: 90, 96 → 102 in 2025, a share cannot pass 100.
    fc = pg.forecast(points(90.0, 96.0), 2023, window=3, factor=100, upper=100)
    assert fc.value == 100
    # cohort: numerator 90, 96 → 102 in 2023; denominator 100 in 2022 × births ratio.
    births = {y: 100.0 for y in range(2010, 2024)}
    births[2020] = 50.0  # the 2023 3–5 cohort holds 2020 with weight f, 2022's 3–5 does not
    fc = pg.forecast(
        points(90.0, 96.0, numerators=[90, 96], denominators=[100, 100]),
        2023,
        window=3,
        factor=100,
        upper=None,
        population=AgeBand(3, 5),
        births=births,
        cutoff_fraction=F,
    )
    then = (1 - F) * 100 + 100 + 100 + F * 50
    assert fc.method == "cohort"
    assert fc.value == pytest.approx(100 * 102 / (100 * then / 300))


def test_no_forecast_once_the_deadline_year_is_reached():
    fc = pg.forecast(points(50.0, 60.0), 2022, window=3, factor=100, upper=100)
    assert (fc.method, fc.value, fc.trend) == ("passed", None, pytest.approx(10.0))


def test_status_cases():
    t = target(96)
    fc = lambda value, trend=1.0: pg.Forecast(2025, value, "linear", trend)  # noqa: E731
    assert pg.status(None, t, 2024, 2025, fc(None), 0.05) == "no_data"
    assert pg.status(90, t, 2024, 2025, fc(97), 0.05) == "on_track"
    # misses by 96 − 92 = 4 ≤ 5% of 96 = 4.8: at risk; by 96 − 90 = 6: off track.
    assert pg.status(90, t, 2024, 2025, fc(92), 0.05) == "at_risk"
    assert pg.status(85, t, 2024, 2025, fc(90), 0.05) == "off_track"
    # met now but heading below: at risk.
    assert pg.status(97, t, 2024, 2025, fc(80), 0.05) == "at_risk"
    # the deadline year reached: the value decides.
    assert pg.status(95, t, 2025, 2025, fc(99), 0.05) == "off_track"
    assert pg.status(96, t, 2025, 2025, fc(80), 0.05) == "on_track"
    # a target of zero (no big classes): falling but not yet zero is at risk; rising is off track.
    zero = target(0, "<=")
    assert pg.status(3, zero, 2024, 2025, fc(1.0, trend=-2.0), 0.05) == "at_risk"
    assert pg.status(3, zero, 2024, 2025, fc(5.0, trend=2.0), 0.05) == "off_track"
    assert pg.status(3, zero, 2024, 2025, fc(0.0, trend=-3.0), 0.05) == "on_track"


def test_gap():
    assert pg.gap(90, target(96)) == 6
    assert pg.gap(97, target(96)) == 0
    assert pg.gap(3, target(0, "<=")) == 3


@pytest.mark.parametrize(("seed", "deadline"), [(s, 2025) for s in range(5)] + [(5, 2022), (6, 2021)])
def test_array_form_agrees_with_the_plain_form(seed, deadline):
    rng = np.random.default_rng(seed)
    years = np.array([2020, 2021, 2022, 2024])
    n = 40
    den = rng.integers(0, 5, (n, len(years))) * 50.0  # some zero denominators → no value
    num = rng.integers(0, 300, (n, len(years))).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.where(den > 0, 100 * num / np.where(den > 0, den, 1), np.nan)
    birth_years = np.arange(2010, 2023)
    births = rng.integers(50, 150, (n, len(birth_years))).astype(float)
    births[rng.random(births.shape) < 0.05] = np.nan  # a few missing years → linear fallback
    band = AgeBand(3, 5)
    now = pg.cohort_births_array(years, band, births, birth_years, F)
    then = pg.cohort_births_array([deadline], band, births, birth_years, F)
    t = target(96)
    fc = pg.forecast_array(
        years, val, num, den, deadline, window=3, factor=100, upper=None, births_now=now, births_then=then
    )
    status = pg.status_array(val, t, years[None, :], deadline, fc, 0.05)
    for i in range(n):
        b = {int(y): float(v) for y, v in zip(birth_years, births[i], strict=True) if not np.isnan(v)}
        history = []
        for j, y in enumerate(years):
            v = None if np.isnan(val[i, j]) else float(val[i, j])
            history.append(pg.Point(int(y), v, float(num[i, j]), float(den[i, j])))
            plain = pg.forecast(
                history,
                deadline,
                window=3,
                factor=100,
                upper=None,
                population=band,
                births=b,
                cutoff_fraction=F,
            )
            got = None if np.isnan(fc.value[i, j]) else fc.value[i, j]
            assert (got is None) == (plain.value is None), (i, j)
            if got is not None:
                assert got == pytest.approx(plain.value)
            assert pg.METHODS[fc.method[i, j]] == (plain.method if plain.method != pg.NO_DATA else "")
            assert pg.STATUSES[status[i, j]] == pg.status(v, t, int(y), deadline, plain, 0.05)
