"""Progress towards a target: gap, trend, a forecast for the deadline, and a status.

DHIS2 has no targets (ANCHORS.md); the plan is all targets with deadlines. The method is simple on
purpose, so an officer can redo it by hand (docs/metrics.md, "Forecast"):

- **Deadline year.** A target due on a date is judged on the school year running on that day: due
  2025-12-31 → school year 2025 (September 2025), the last statistics before the deadline.
- **Trend.** The least-squares slope of the value over the last ``forecast_window`` (3) school
  years with a value, per year. Missing school years are simply absent; the x axis is the year.
- **Forecast**, by one of these methods, named in each row:
  ``linear`` — the same line, evaluated at the deadline year (kept within 0 and the indicator's
  ``upper`` bound, 100 for shares); ``cohort`` — for a rate over an age-group population, the
  numerator follows its own line while the denominator is projected from births: the children aged
  3–5 in 2025 are already born, so the 2025 population is the latest population scaled by the births
  of the cohorts it will hold over those it holds now; falls back to ``linear`` when births of a
  needed year are missing; ``flat`` — one year of data: the value itself; ``passed`` — the row's
  year is the deadline year or later: no forecast, the value itself is judged.
- **Status.** ``on_track`` when the forecast meets the target; ``at_risk`` when it misses by no
  more than ``at_risk_margin`` of the target (or, for a target of zero, the trend points to it), or
  when the target is met now but the forecast misses it; ``off_track`` otherwise. Once the deadline
  year is reached the value itself decides: met → ``on_track``, not met → ``off_track``.
  ``no_data`` when the value cannot be computed (e.g. a population of zero).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from eduplan.plans.loader import Target, compare

from .figures import target_with_unit
from .params import AgeBand, MeasureParams

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
PASSED = "passed"  # forecast method once the deadline year is reached: no forecast, the value decides
STATUS_ZH = {ON_TRACK: "正常推进", AT_RISK: "存在风险", OFF_TRACK: "明显滞后", NO_DATA: "无数据"}


def deadline_school_year(deadline: dt.date, p: MeasureParams) -> int:
    """The school year in progress on ``deadline``."""
    start = p.school_year_start.date(deadline.year)
    return deadline.year if deadline >= start else deadline.year - 1


def linear_fit(points: Sequence[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares ``(slope, intercept)`` of value on year; ``None`` for fewer than 2 points."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return slope, my - slope * mx


def _at(fit: tuple[float, float], year: int) -> float:
    slope, intercept = fit
    return slope * year + intercept


def cohort_births(year: int, band: AgeBand, births: Mapping[int, float], f: float) -> float | None:
    """Births of the cohorts in ``band`` on the cut-off day of ``year``, weighted as the population
    measure weighs year-end ages (``f`` of the youngest birth year, ``1 − f`` of the oldest)."""
    total = 0.0
    for age in range(band.lo, band.hi + 2):
        weight = (f if band.lo <= age <= band.hi else 0.0) + (
            (1 - f) if band.lo <= age - 1 <= band.hi else 0.0
        )
        b = births.get(year - age)
        if b is None:
            return None
        total += weight * b
    return total


@dataclass(frozen=True)
class Point:
    year: int
    value: float | None
    numerator: float | None
    denominator: float | None


@dataclass(frozen=True)
class Forecast:
    year: int
    value: float | None
    method: str
    trend: float | None


def forecast(
    history: Sequence[Point],
    deadline_year: int,
    *,
    window: int,
    factor: float,
    upper: float | None,
    population: AgeBand | None = None,
    births: Mapping[int, float] | None = None,
    cutoff_fraction: float = 1.0,
) -> Forecast:
    """Forecast the value at ``deadline_year`` from ``history`` (ascending years, up to "now")."""
    known = [pt for pt in history if pt.value is not None]
    recent = known[-window:]
    if not recent:
        return Forecast(deadline_year, None, NO_DATA, None)
    fit = linear_fit([(pt.year, pt.value) for pt in recent if pt.value is not None])
    trend = fit[0] if fit else None
    latest = recent[-1]
    if history[-1].year >= deadline_year:
        return Forecast(deadline_year, None, PASSED, trend)
    if fit is None:
        return Forecast(deadline_year, latest.value, "flat", None)
    if population is not None and births and latest.denominator:
        now = cohort_births(latest.year, population, births, cutoff_fraction)
        then = cohort_births(deadline_year, population, births, cutoff_fraction)
        nums = [(pt.year, pt.numerator) for pt in recent if pt.numerator is not None]
        num_fit = linear_fit(nums)
        if now and then is not None and num_fit is not None:
            denominator = latest.denominator * then / now
            numerator = max(0.0, _at(num_fit, deadline_year))
            value = factor * numerator / denominator if denominator else None
            return Forecast(deadline_year, _bounded(value, upper), "cohort", trend)
    return Forecast(deadline_year, _bounded(_at(fit, deadline_year), upper), "linear", trend)


def _bounded(value: float | None, upper: float | None) -> float | None:
    if value is None:
        return None
    value = max(0.0, value)
    return min(upper, value) if upper is not None else value


def gap(value: float, target: Target) -> float:
    """How far ``value`` is from meeting the target, in the indicator's unit (0 when met)."""
    if target.comparison in (">=", ">"):
        return max(0.0, target.value - value)
    if target.comparison in ("<=", "<"):
        return max(0.0, value - target.value)
    return abs(value - target.value)


def status(
    value: float | None,
    target: Target,
    year: int,
    deadline_year: int,
    fc: Forecast,
    margin: float,
) -> str:
    if value is None:
        return NO_DATA
    met_now = compare(value, target.comparison, target.value)
    if target.kind == "ban" or year >= deadline_year or fc.value is None:
        return ON_TRACK if met_now else OFF_TRACK
    if compare(fc.value, target.comparison, target.value):
        return ON_TRACK
    if met_now:
        return AT_RISK
    if target.value == 0:
        towards = fc.trend is not None and (
            fc.trend < 0 if target.comparison in ("<=", "<") else fc.trend > 0
        )
        return AT_RISK if towards else OFF_TRACK
    return AT_RISK if gap(fc.value, target) <= margin * abs(target.value) else OFF_TRACK


# --------------------------------------------------------------------------------- array form
# The same method over a matrix of divisions × school years, for a province or a nation at once.
# The functions above are its plain definition; tests/metrics/test_progress.py checks they agree.

METHODS = ("", "flat", "linear", "cohort", PASSED)  # codes 0–4 of ``ForecastArrays.method``
STATUSES = ("", NO_DATA, ON_TRACK, AT_RISK, OFF_TRACK)  # codes 0–4 of :func:`status_array`


@dataclass(frozen=True)
class ForecastArrays:
    value: np.ndarray  # divisions × years, NaN: none
    trend: np.ndarray
    method: np.ndarray  # int codes into METHODS


def compare_array(values: np.ndarray, comparison: str, target: float) -> np.ndarray:
    """``values <comparison> target`` elementwise; False where a value is NaN."""
    with np.errstate(invalid="ignore"):
        ops = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "==": np.equal}
        return ops[comparison](values, target) & ~np.isnan(values)


def cohort_births_array(
    years: Sequence[int] | np.ndarray, band: AgeBand, births: np.ndarray, birth_years: np.ndarray, f: float
) -> np.ndarray:
    """:func:`cohort_births` for each division (rows of ``births``) and each of ``years``; NaN when a
    needed birth year is missing."""
    index = {int(y): i for i, y in enumerate(birth_years)}
    out = np.zeros((births.shape[0], len(years)))
    for j, year in enumerate(years):
        for age in range(band.lo, band.hi + 2):
            weight = (f if band.lo <= age <= band.hi else 0.0) + (
                (1 - f) if band.lo <= age - 1 <= band.hi else 0.0
            )
            col = index.get(int(year) - age)
            out[:, j] += weight * (births[:, col] if col is not None else np.nan)
    return out


def forecast_array(
    years: np.ndarray,
    values: np.ndarray,
    numerators: np.ndarray,
    denominators: np.ndarray,
    deadline_year: int,
    *,
    window: int,
    factor: float,
    upper: float | None,
    births_now: np.ndarray | None = None,
    births_then: np.ndarray | None = None,
) -> ForecastArrays:
    """:func:`forecast` for every division (row) as of every school year (column).

    ``births_now[:, j]`` are the cohort births of ``years[j]``, ``births_then[:, 0]`` those of the
    deadline year (both from :func:`cohort_births_array`; ``None`` when the denominator is not an
    age group)."""
    n_div, n_years = values.shape
    out_value = np.full((n_div, n_years), np.nan)
    out_trend = np.full((n_div, n_years), np.nan)
    out_method = np.zeros((n_div, n_years), dtype=int)
    known = ~np.isnan(values)
    x_all = years.astype(float)
    for j in range(n_years):
        kn = known[:, : j + 1]
        from_right = np.cumsum(kn[:, ::-1], axis=1)[:, ::-1]
        w = kn & (from_right <= window)
        n = w.sum(axis=1)
        x = np.broadcast_to(x_all[: j + 1], w.shape)
        y = np.where(w, values[:, : j + 1], 0.0)
        safe_n = np.maximum(n, 1)
        mx = (w * x).sum(axis=1) / safe_n
        my = y.sum(axis=1) / safe_n
        dx = np.where(w, x - mx[:, None], 0.0)
        sxx = (dx**2).sum(axis=1)
        two = n >= 2
        slope = np.where(two, (dx * (y - my[:, None])).sum(axis=1) / np.where(two, sxx, 1.0), np.nan)
        linear = _bounded_array(my + slope * (deadline_year - mx), upper)
        latest = j - np.argmax(kn[:, ::-1], axis=1)
        latest_value = values[np.arange(n_div), latest]
        value = np.where(two, linear, np.where(n == 1, latest_value, np.nan))
        method = np.where(two, 2, np.where(n == 1, 1, 0))
        if births_now is not None and births_then is not None:
            num = np.where(w, numerators[:, : j + 1], 0.0)
            num_my = num.sum(axis=1) / safe_n
            num_slope = np.where(
                two, (dx * (num - num_my[:, None])).sum(axis=1) / np.where(two, sxx, 1.0), np.nan
            )
            num_then = np.maximum(0.0, num_my + num_slope * (deadline_year - mx))
            den_latest = denominators[np.arange(n_div), latest]
            now = births_now[np.arange(n_div), latest]
            then = births_then[:, 0]
            ok = (
                two & (den_latest != 0) & ~np.isnan(den_latest) & (now > 0) & ~np.isnan(now) & ~np.isnan(then)
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                den_then = den_latest * then / np.where(ok, now, 1.0)
                cohort = np.where(
                    den_then != 0, factor * num_then / np.where(den_then != 0, den_then, 1.0), np.nan
                )
            value = np.where(ok, _bounded_array(cohort, upper), value)
            method = np.where(ok, 3, method)
        if years[j] >= deadline_year:
            value = np.full(n_div, np.nan)
            method = np.where(n > 0, 4, 0)
        out_value[:, j] = value
        out_trend[:, j] = slope
        out_method[:, j] = method
    return ForecastArrays(out_value, out_trend, out_method)


def _bounded_array(values: np.ndarray, upper: float | None) -> np.ndarray:
    values = np.maximum(0.0, values)
    return np.minimum(upper, values) if upper is not None else values


def gap_array(values: np.ndarray, target: Target) -> np.ndarray:
    if target.comparison in (">=", ">"):
        return np.maximum(0.0, target.value - values)
    if target.comparison in ("<=", "<"):
        return np.maximum(0.0, values - target.value)
    return np.abs(values - target.value)


def status_array(
    values: np.ndarray,
    target: Target,
    years: np.ndarray,
    deadline_year: int,
    fc: ForecastArrays,
    margin: float,
) -> np.ndarray:
    """:func:`status` elementwise, as codes into :data:`STATUSES`."""
    met_now = compare_array(values, target.comparison, target.value)
    met_fc = compare_array(fc.value, target.comparison, target.value)
    passed = np.broadcast_to(years >= deadline_year, values.shape) | np.isnan(fc.value)
    if target.value == 0:
        sign = -1 if target.comparison in ("<=", "<") else 1
        near = ~np.isnan(fc.trend) & (np.nan_to_num(fc.trend) * sign > 0)
    else:
        with np.errstate(invalid="ignore"):
            near = gap_array(fc.value, target) <= margin * abs(target.value)
    code = np.where(met_fc, 2, np.where(met_now | near, 3, 4))
    code = np.where(passed, np.where(met_now, 2, 4), code)
    return np.where(np.isnan(values), 1, code)


def ban_status_array(values: np.ndarray, target: Target) -> np.ndarray:
    """A ban (``Target.kind == "ban"``) is compliance now, not a trajectory: ``on_track`` with no
    breach, ``off_track`` with any, whatever the trend — codes into :data:`STATUSES`."""
    met_now = compare_array(values, target.comparison, target.value)
    return np.where(np.isnan(values), 1, np.where(met_now, 2, 4))


# ------------------------------------------------------------------------- county targets of record
# A plan target set for the city as a whole (``scope = "city"``) is not a county's target: the plan
# has the city set each county its own (精准下达). A county row of such an indicator is judged against
# the target the city adopted for it (``eduplan plan adopt``), or not at all ("未分解目标").

PLAN, ADOPTED, NONE = "plan", "adopted", "none"
#: Target origin labels for pages and notices.
ORIGIN_ZH = {PLAN: "规划目标", ADOPTED: "市分解", NONE: "未分解目标"}
NOT_ALLOCATED_ZH = "未分解目标"


@dataclass(frozen=True)
class CountyTarget:
    """The target the city adopted for one county, indicator and school year."""

    year: int
    value: float
    adopted_by: str
    adopted_at: str
    scenario: str | None


#: (indicator, county code) → that county's adopted targets, by school year.
AdoptedTargets = Mapping[tuple[str, str], Mapping[int, CountyTarget]]


def needs_county_target(target: Target | None) -> bool:
    """The plan sets the target for the city and compares every county with it."""
    return target is not None and target.scope == "city" and "county" in target.compare


def target_in_force(by_year: Mapping[int, CountyTarget], year: int) -> CountyTarget | None:
    """The adopted target a row of ``year`` is judged against: the next milestone (the earliest
    adopted year ≥ ``year``), else the latest one before it (a target stays in force until the city
    adopts another)."""
    ahead = [y for y in by_year if y >= year]
    if ahead:
        return by_year[min(ahead)]
    behind = [y for y in by_year if y < year]
    return by_year[max(behind)] if behind else None


def judge_against(
    value: float | None,
    trend: float | None,
    year: int,
    adopted: CountyTarget,
    comparison: str,
    deadline: dt.date,
    *,
    margin: float,
    upper: float | None,
    own: Forecast | None = None,
) -> dict[str, object]:
    """A county row judged against its adopted target: the target's year is its deadline year; the
    forecast to it is the row's own forecast (``own``) when that runs to the same year, else follows
    the row's trend (``linear``) or is the value itself (``flat``, or ``passed`` once that year is
    reached). Returns the record fields that change."""
    target = Target(adopted.value, comparison, deadline, "county", ("county",), origin=ADOPTED)
    if own is not None and own.year == adopted.year and year < adopted.year:
        fc = own  # the row's own forecast (cohort or linear) already runs to that year
    elif year >= adopted.year:
        fc = Forecast(adopted.year, None, PASSED, trend)
    elif value is None:
        fc = Forecast(adopted.year, None, NO_DATA, trend)
    elif trend is None:
        fc = Forecast(adopted.year, value, "flat", None)
    else:
        fc = Forecast(adopted.year, _bounded(value + trend * (adopted.year - year), upper), "linear", trend)
    st = status(value, target, year, adopted.year, fc, margin)
    return {
        "target": adopted.value,
        "met": None if value is None else compare(value, comparison, adopted.value),
        "gap": None if value is None else round(gap(value, target), 4),
        "forecast": None if fc.value is None else round(fc.value, 4),
        "forecast_year": adopted.year,
        "forecast_method": fc.method if fc.method != NO_DATA else None,
        "status": st,
        "target_origin": ADOPTED,
        "adopted_by": adopted.adopted_by,
        "adopted_at": adopted.adopted_at,
        "scenario": adopted.scenario,
    }


#: The fields a county row without an adopted target loses: nothing to be judged against. The
#: forecast of its value stays: it describes the county, it is not a verdict.
UNJUDGED = {
    "target": None,
    "met": None,
    "gap": None,
    "status": None,
    "target_origin": NONE,
    "target_kind": None,
}


@dataclass(frozen=True)
class TargetWords:
    """How a target label reads: ``adopted`` and ``plan`` take ``{value}``. Chinese by default (the
    notice); a page passes its language's words (``eduplan.web.labels.target_words``)."""

    adopted: str = "县目标 {value}（市分解）"
    plan: str = "目标 {value}"
    not_allocated: str = NOT_ALLOCATED_ZH


TARGET_WORDS_ZH = TargetWords()


def target_label(record: Mapping[str, object], words: TargetWords = TARGET_WORDS_ZH) -> str:
    """How a page or notice names the target a row is judged against: ``县目标 94.2%（市分解）``,
    ``目标 96%`` (the plan's), or ``未分解目标``."""
    origin = record.get("target_origin")
    if origin == NONE and record.get("level") == "county" and record.get("comparison"):
        return words.not_allocated
    if record.get("target") is None:
        return ""
    value = target_with_unit(record["target"], str(record.get("unit") or ""))
    if origin == ADOPTED:
        return words.adopted.format(value=value)
    return words.plan.format(value=value)


def apply_county_targets(
    records: list[dict[str, object]],
    specs: Mapping[str, tuple[Target | None, float | None]],
    adopted: AdoptedTargets,
    *,
    margin: float,
) -> list[dict[str, object]]:
    """Give every record its ``target_origin`` and, for county rows of a city-wide plan target,
    the county's adopted target (:func:`judge_against`) or none (:data:`UNJUDGED`). ``specs``:
    indicator → (plan target, upper bound). The city row keeps the plan's target. In place; returns
    ``records``."""
    for rec in records:
        target, upper = specs.get(str(rec["indicator"]), (None, None))
        rec["target_origin"] = PLAN if rec.get("target") is not None else NONE
        rec["adopted_by"] = rec["adopted_at"] = rec["scenario"] = None
        if rec["level"] != "county" or not needs_county_target(target) or target is None:
            continue
        by_year = adopted.get((str(rec["indicator"]), str(rec["division"])))
        chosen = target_in_force(by_year, int(rec["year"])) if by_year else None  # type: ignore[call-overload]
        if chosen is None:
            rec.update(UNJUDGED)
            continue
        value = rec.get("value")
        trend = rec.get("trend")
        own = None
        if rec.get("forecast_method") and rec.get("forecast_year") is not None:
            fv = rec.get("forecast")
            own = Forecast(
                int(rec["forecast_year"]),  # type: ignore[call-overload]
                None if fv is None else float(fv),  # type: ignore[arg-type]
                str(rec["forecast_method"]),
                None if trend is None else float(trend),  # type: ignore[arg-type]
            )
        rec.update(
            judge_against(
                None if value is None else float(value),  # type: ignore[arg-type]
                None if trend is None else float(trend),  # type: ignore[arg-type]
                int(rec["year"]),  # type: ignore[call-overload]
                chosen,
                target.comparison,
                target.deadline,
                margin=margin,
                upper=upper,
                own=own,
            )
        )
    return records
