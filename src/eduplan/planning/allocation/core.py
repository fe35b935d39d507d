"""Allocation of the city's yearly enrollment target to its counties (精准下达).

The plan: "市教育体育局要结合上年度各县(市、区)学前三年毛入园率达标情况、年度户籍适龄人口底数、现有幼儿园学位数
及年内学位增长数,精准下达各县(市、区)所需要达到的普及目标" — the city sets each county's target from last
year's rate, the registered (户籍) age-appropriate population, existing seats and the seats added
this year. Targets split from city to counties that actually add up are what every comparable
system's users ask for and don't get (ANCHORS.md), so every method here guarantees it: the
population-weighted mean of the county targets equals the city target whenever the county bounds
allow it, and otherwise the result says the target is infeasible and by how much.

Each method except the linear program is a one-parameter family of county targets ``t(λ)``,
non-decreasing and continuous in ``λ``, that runs from every county at its lower bound to every
county at its upper bound; the city rate ``Σ w·t(λ) / Σ w`` is then piecewise linear in ``λ`` and
is solved exactly between its breakpoints. Children are whole numbers, rounded by largest remainder
so they sum to the city's total.

Pure functions over numpy arrays; no Django. Rates are in percent (96.0 means 96%).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

from ..errors import PlanningInputError
from .methods import METHODS

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

PERCENT = 100.0


@dataclass(frozen=True)
class AllocationSettings:
    """Defaults of an allocation; every one can be changed per run.

    - ``default_lower_rate`` / ``default_upper_rate``: bounds for counties without explicit ones.
      The upper default is 100% (a county is not asked to enrol more children than it has
      registered), or last year's rate when that is already higher — the gross rate can exceed 100%
      where children without local registration (户籍) attend.
    - ``keep_last_rate``: if True, no county's target is below last year's rate.
    - ``upper_from_seats``: if True, no county's target is above what its existing and planned seats
      can hold.
    - ``floor_rate``: the floor of ``floor_share``; 85% is the 学前三年毛入园率 threshold of the county
      普及普惠 assessment (教督〔2020〕1号, STANDARDS.md). A derived bound never overrides an explicit
      one: a floor or last rate above a county's upper bound stops at the upper bound.
    - ``feasibility_tolerance``: percentage points by which a target may miss the reachable range
      and still count as reachable (float noise).
    - ``rounding_tolerance``: children below which a fraction is float noise when rounding.
    - ``cost_tolerance``: relative slack on the least cost when ``least_cost`` then evens out changes.
    """

    default_lower_rate: float = 0.0
    default_upper_rate: float = 100.0
    keep_last_rate: bool = False
    upper_from_seats: bool = False
    floor_rate: float = 85.0
    feasibility_tolerance: float = 1e-9
    rounding_tolerance: float = 1e-9
    cost_tolerance: float = 1e-9


DEFAULT_SETTINGS = AllocationSettings()


# ----------------------------------------------------------------------------------- rounding


def largest_remainder(
    values: Any, total: int | None = None, *, tolerance: float = DEFAULT_SETTINGS.rounding_tolerance
) -> IntArray:
    """Whole numbers, each the floor or ceiling of its value, that add up to ``total``.

    ``total`` defaults to the rounded sum. The units with the largest fractional parts are rounded
    up (ties to the earlier unit), so the sum is kept exactly — the county figures always add up to
    the city's. Fractions within ``tolerance`` of a whole number count as that number.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or not np.all(np.isfinite(v)):
        raise PlanningInputError(
            "取整的数值须为一维有限数 / values to round must be a 1-d array of finite numbers"
        )
    floors = np.floor(v + tolerance)
    remainders = np.maximum(v - floors, 0.0)
    target = round(float(v.sum())) if total is None else int(total)
    short = target - int(floors.sum())
    if not -v.size <= short <= v.size:
        raise PlanningInputError(
            f"合计 {target} 与数值之和 {v.sum():.3f} 相差过大,无法取整 / total {target} is too far from the "
            f"sum of the values {v.sum():.3f} to round to"
        )
    out = floors.astype(np.int64)
    if short > 0:
        order = np.argsort(-remainders, kind="stable")
        out[order[:short]] += 1
    elif short < 0:
        order = np.argsort(remainders, kind="stable")
        out[order[:-short]] -= 1
    return out


# ------------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Allocation:
    """County targets for one city target, with everything the CLI prints.

    Arrays are per county. ``target`` is each county's exact target rate (percent); their
    ``weight``-weighted mean is the city target when ``feasible``. ``children`` is the whole number
    of children each county should enrol (largest remainder, summing to the city total, rounded up
    so the city never falls short by rounding); ``seats_needed`` the seats still missing beyond
    existing and planned ones. When infeasible, every county sits at the bound nearest the target and
    ``shortfall`` says by how many percentage points the city target lies above (+) or below (−)
    what the bounds allow.
    """

    method: str
    city_target: float
    year: int | None
    divisions: list[str]
    division_names: list[str]
    last_rate: FloatArray
    weight: FloatArray
    seats: FloatArray
    planned_seats: FloatArray
    lower: FloatArray
    upper: FloatArray
    target: FloatArray
    children: IntArray
    seats_needed: IntArray
    feasible: bool
    reachable: tuple[float, float]
    shortfall: float
    parameter: float | None
    cost: float | None
    message: str

    @property
    def total_weight(self) -> float:
        return float(self.weight.sum())

    @property
    def city_rate(self) -> float:
        """Population-weighted mean of the county targets (the city target when feasible)."""
        return float(self.weight @ self.target / self.total_weight)

    @property
    def city_last_rate(self) -> float:
        return float(self.weight @ self.last_rate / self.total_weight)

    @property
    def shortfall_children(self) -> float:
        """The shortfall in children: how many more (or fewer) children the bounds would have to allow."""
        return self.shortfall * self.total_weight / PERCENT

    def records(self, city_division: str = "", city_name: str = "") -> list[dict[str, Any]]:
        """One object per county, then one for the city (``division`` = ``city_division``).

        Fields: division, division_name, year, method, last_rate, target, weight (the registered
        age-band population that weights the rate), seats, planned_seats, children, seats_needed,
        lower, upper, feasible; the city object adds achieved, shortfall and message.
        """
        rows: list[dict[str, Any]] = [
            {
                "division": self.divisions[i],
                "division_name": self.division_names[i],
                "year": self.year,
                "method": self.method,
                "last_rate": float(self.last_rate[i]),
                "target": float(self.target[i]),
                "weight": float(self.weight[i]),
                "seats": float(self.seats[i]),
                "planned_seats": float(self.planned_seats[i]),
                "children": int(self.children[i]),
                "seats_needed": int(self.seats_needed[i]),
                "lower": float(self.lower[i]),
                "upper": float(self.upper[i]),
                "feasible": self.feasible,
            }
            for i in range(self.target.size)
        ]
        rows.append(
            {
                "division": city_division,
                "division_name": city_name,
                "year": self.year,
                "method": self.method,
                "last_rate": self.city_last_rate,
                "target": self.city_target,
                "achieved": self.city_rate,
                "weight": self.total_weight,
                "seats": float(self.seats.sum()),
                "planned_seats": float(self.planned_seats.sum()),
                "children": int(self.children.sum()),
                "seats_needed": int(self.seats_needed.sum()),
                "lower": self.reachable[0],
                "upper": self.reachable[1],
                "feasible": self.feasible,
                "shortfall": self.shortfall,
                "message": self.message,
            }
        )
        return rows


# ---------------------------------------------------------------------------------- the methods


def _vector(values: Any, n: int, name: str, default: float | None = None) -> FloatArray:
    if values is None:
        if default is None:
            raise PlanningInputError(f"缺少 {name} / {name} is required")
        return np.full(n, float(default))
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise PlanningInputError(
            f"{name}: 应有 {n} 个县的数值,实际形状 {arr.shape} / expected one value for each of {n} counties, "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise PlanningInputError(f"{name}: 第 {bad + 1} 个县的数值缺失 / missing value for county {bad + 1}")
    return arr


def _non_negative(arr: FloatArray, name: str) -> None:
    if np.any(arr < 0):
        bad = int(np.flatnonzero(arr < 0)[0])
        raise PlanningInputError(
            f"{name}: 第 {bad + 1} 个县为负数 {arr[bad]} / negative value {arr[bad]} for county {bad + 1}"
        )


Family = Callable[[float], FloatArray]


def _family(
    method: str, last: FloatArray, lo: FloatArray, hi: FloatArray, free_rate: FloatArray
) -> tuple[Family, FloatArray]:
    """The method's targets as a function of its parameter, and the parameter's breakpoints (the
    first gives every county its lower bound, the last its upper bound)."""
    base = np.clip(last, lo, hi)
    down, up = base - lo, hi - base

    def towards_bounds(lam: float) -> FloatArray:
        return base + lam * (up if lam >= 0 else down)

    if method == "uniform":
        return (lambda lam: np.clip(lam, lo, hi)), np.concatenate([lo, hi])
    if method == "equal_points":
        return (lambda lam: np.clip(last + lam, lo, hi)), np.concatenate([lo - last, hi - last])
    if method == "proportional_gap":
        return towards_bounds, np.array([-1.0, 0.0, 1.0])
    if method == "floor_share":
        room = np.minimum(free_rate, up)
        rest = up - room

        def floor_then_share(lam: float) -> FloatArray:
            if lam <= 0:
                return base + lam * down
            if lam <= 1:
                return base + lam * room
            return base + room + (lam - 1.0) * rest

        return floor_then_share, np.array([-1.0, 0.0, 1.0, 2.0])
    raise AssertionError(method)


def _solve_parameter(family: Family, breakpoints: FloatArray, weight: FloatArray, goal: float) -> float:
    """Find ``λ`` with ``Σ w·t(λ) = goal`` for a continuous, non-decreasing, piecewise-linear family
    whose kinks are all among ``breakpoints``: binary search for the segment, then interpolate."""
    points = np.unique(breakpoints)

    def city(lam: float) -> float:
        return float(weight @ family(lam))

    i, j = 0, points.size - 1
    f_i, f_j = city(points[i]), city(points[j])
    if goal <= f_i:
        return float(points[i])
    if goal >= f_j:
        return float(points[j])
    while j - i > 1:
        mid = (i + j) // 2
        f_mid = city(points[mid])
        if f_mid < goal:
            i, f_i = mid, f_mid
        else:
            j, f_j = mid, f_mid
    if f_j == f_i:
        return float(points[i])
    return float(points[i] + (goal - f_i) * (points[j] - points[i]) / (f_j - f_i))


def _least_cost(
    goal_children: float,
    weight: FloatArray,
    last: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    capacity: FloatArray,
    cost: FloatArray,
    cost_tolerance: float,
) -> tuple[FloatArray, float]:
    """Least cost of new seats, then the smallest largest change in rate, as two HiGHS LPs.

    Variables: children ``x`` per county, new seats ``e ≥ x − capacity``, and the largest change
    ``z``. Stage 1 minimises ``Σ cost·e`` subject to ``Σ x = goal``; stage 2 keeps that cost and
    minimises ``z ≥ |100·x/w − base|``, spreading the effort as evenly as the cost allows. Only the
    largest change is minimised: among equally good answers the solver's vertex is returned.
    """
    n = weight.size
    scale = weight / PERCENT
    base = np.clip(last, lo, hi)
    eye = sparse.identity(n, format="csr")
    zeros_col = sparse.csr_matrix((n, 1))
    # rows: x − e ≤ capacity
    a_cap = sparse.hstack([eye, -eye, zeros_col])
    a_eq = sparse.csr_matrix(np.concatenate([np.ones(n), np.zeros(n + 1)])[None, :])
    bounds = np.column_stack(
        [
            np.concatenate([lo * scale, np.zeros(n), [0.0]]),
            np.concatenate([hi * scale, np.full(n, np.inf), [np.inf]]),
        ]
    )
    c1 = np.concatenate([np.zeros(n), cost, [0.0]])
    stage1 = linprog(
        c1, A_ub=a_cap, b_ub=capacity, A_eq=a_eq, b_eq=[goal_children], bounds=bounds, method="highs"
    )
    if stage1.status != 0:
        raise RuntimeError(f"HiGHS 求解失败 / HiGHS failed (stage 1): {stage1.message}")
    best = float(stage1.fun)
    scale_col = sparse.csr_matrix(-scale[:, None])
    a_dev = sparse.vstack(
        [
            sparse.hstack([eye, sparse.csr_matrix((n, n)), scale_col]),
            sparse.hstack([-eye, sparse.csr_matrix((n, n)), scale_col]),
            sparse.csr_matrix(c1[None, :]),
        ]
    )
    b_dev = np.concatenate([base * scale, -base * scale, [best + cost_tolerance * max(1.0, abs(best))]])
    c2 = np.zeros(2 * n + 1)
    c2[-1] = 1.0
    stage2 = linprog(
        c2,
        A_ub=sparse.vstack([a_cap, a_dev]),
        b_ub=np.concatenate([capacity, b_dev]),
        A_eq=a_eq,
        b_eq=[goal_children],
        bounds=bounds,
        method="highs-ipm",  # the column of z links every row: interior point (with crossover) is ~3x faster
    )
    solution = stage2 if stage2.status == 0 else stage1
    x = np.clip(solution.x[:n], lo * scale, hi * scale)
    return x, float(cost @ np.maximum(x - capacity, 0.0))


def allocate(
    city_target: float,
    last_rate: Any,
    weight: Any,
    seats: Any,
    planned_seats: Any | None = None,
    *,
    method: str = "proportional_gap",
    lower: Any | None = None,
    upper: Any | None = None,
    seat_cost: Any | None = None,
    divisions: Sequence[str] | None = None,
    division_names: Sequence[str] | None = None,
    year: int | None = None,
    settings: AllocationSettings = DEFAULT_SETTINGS,
) -> Allocation:
    """Split ``city_target`` (percent) into county targets by ``method`` (see :data:`METHODS`).

    Per county: ``last_rate`` (last year's gross rate, percent), ``weight`` (registered age-band
    population, e.g. 3–5 for 学前三年毛入园率), ``seats`` (existing), ``planned_seats`` (to open this
    year), optional ``lower``/``upper`` bounds on the target (percent) and ``seat_cost`` (cost of one
    new seat, ``least_cost`` only; default 1, i.e. fewest new seats). The population-weighted mean
    of the targets equals ``city_target`` whenever ``Σw·lower ≤ city_target·Σw ≤ Σw·upper``;
    otherwise the result is marked infeasible with the shortfall. Bad inputs raise
    :class:`PlanningInputError` with a message in Chinese and English.
    """
    if method not in METHODS:
        raise PlanningInputError(
            f"未知分解方法 {method!r},可选 / unknown allocation method {method!r}, choose one of: "
            + ", ".join(METHODS)
        )
    if not np.isfinite(city_target):
        raise PlanningInputError("全市目标须为有限数 / the city target must be a finite number")
    last = np.asarray(last_rate, dtype=float)
    n = last.size if last.ndim == 1 else 0
    if n == 0:
        raise PlanningInputError("至少需要一个县 / at least one county is needed")
    last = _vector(last, n, "last_rate / 上年入园率")
    w = _vector(weight, n, "weight / 户籍适龄人口")
    have = _vector(seats, n, "seats / 现有学位")
    planned = _vector(planned_seats, n, "planned_seats / 年内新增学位", 0.0)
    for arr, name in (
        (last, "last_rate / 上年入园率"),
        (w, "weight / 户籍适龄人口"),
        (have, "seats / 现有学位"),
    ):
        _non_negative(arr, name)
    total_w = float(w.sum())
    if total_w <= 0:
        raise PlanningInputError("各县户籍适龄人口合计为 0 / the counties' registered population sums to 0")
    codes = list(divisions) if divisions is not None else [str(i + 1) for i in range(n)]
    names = list(division_names) if division_names is not None else [""] * n
    if len(codes) != n or len(names) != n:
        raise PlanningInputError(
            f"区划代码或名称的个数与县数 {n} 不同 / divisions or names do not match the {n} counties"
        )

    lo = _vector(lower, n, "lower / 下限", settings.default_lower_rate)
    hi = (
        _vector(upper, n, "upper / 上限", None)
        if upper is not None
        else np.maximum(settings.default_upper_rate, last)
    )
    if np.any(lo > hi):
        bad = int(np.flatnonzero(lo > hi)[0])
        raise PlanningInputError(
            f"第 {bad + 1} 个县({codes[bad]})下限 {lo[bad]} 高于上限 {hi[bad]} / county {codes[bad]}: lower "
            f"bound {lo[bad]} is above its upper bound {hi[bad]}"
        )
    capacity = have + planned
    if np.any(capacity < 0):
        bad = int(np.flatnonzero(capacity < 0)[0])
        raise PlanningInputError(
            f"{codes[bad]}:减少的学位多于现有学位 / county {codes[bad]}: more seats closed than exist"
        )
    positive = w > 0
    if settings.upper_from_seats:
        with np.errstate(over="ignore"):
            seat_rate = np.divide(capacity * PERCENT, w, out=hi.copy(), where=positive)
        hi = np.maximum(np.minimum(hi, seat_rate), lo)
    if settings.keep_last_rate:
        lo = np.minimum(np.maximum(lo, last), hi)
    if method == "floor_share":
        lo = np.minimum(np.maximum(lo, settings.floor_rate), hi)

    reach_lo = float(w @ lo / total_w)
    reach_hi = float(w @ hi / total_w)
    tol = settings.feasibility_tolerance * max(1.0, abs(city_target))
    parameter: float | None = None
    cost_value: float | None = None
    if city_target > reach_hi + tol or city_target < reach_lo - tol:
        above = city_target > reach_hi
        target = hi.copy() if above else lo.copy()
        shortfall = city_target - (reach_hi if above else reach_lo)
        feasible = False
        points, short_children = abs(shortfall), abs(shortfall) * total_w / PERCENT
        if above:
            message = (
                f"全市目标 {city_target:g}% 不可达:按各县上限,全市最高只能达到 {reach_hi:.4g}%,差 {points:.4g} 个百分点"
                f"(约 {short_children:.0f} 名幼儿)/ the city target {city_target:g}% cannot be reached: the county "
                f"upper bounds allow at most {reach_hi:.4g}%, {points:.4g} percentage points (about "
                f"{short_children:.0f} children) short"
            )
        else:
            message = (
                f"全市目标 {city_target:g}% 不可达:按各县下限,全市至少已达 {reach_lo:.4g}%,高出 {points:.4g} 个百分点"
                f"(约 {short_children:.0f} 名幼儿)/ the city target {city_target:g}% cannot be reached: the county "
                f"lower bounds already give {reach_lo:.4g}%, {points:.4g} percentage points (about "
                f"{short_children:.0f} children) above it"
            )
    else:
        feasible, shortfall = True, 0.0
        goal = min(max(city_target, reach_lo), reach_hi)
        if method == "least_cost":
            cost = _vector(seat_cost, n, "seat_cost / 单位学位成本", 1.0)
            _non_negative(cost, "seat_cost / 单位学位成本")
            x, cost_value = _least_cost(
                goal * total_w / PERCENT, w, last, lo, hi, capacity, cost, settings.cost_tolerance
            )
            target = np.where(
                positive, np.divide(x * PERCENT, w, out=np.zeros(n), where=positive), np.clip(last, lo, hi)
            )
        else:
            base = np.clip(last, lo, hi)
            free = np.maximum(capacity - base * w / PERCENT, 0.0)
            with np.errstate(over="ignore"):  # a near-zero weight gives an infinite, harmless room
                free_rate = np.divide(free * PERCENT, w, out=np.zeros(n), where=positive)
            family, breakpoints = _family(method, last, lo, hi, free_rate)
            parameter = _solve_parameter(family, breakpoints, w / total_w, goal)
            target = family(parameter)
        message = (
            f"已按“{METHODS[method].label_zh}”分解,全市目标 {city_target:g}% / allocated by the "
            f"{method.replace('_', ' ')} method: the county targets give the city target {city_target:g}%"
        )

    exact = target * w / PERCENT
    total_children = int(np.ceil(exact.sum() - settings.rounding_tolerance * max(1.0, exact.sum())))
    children = largest_remainder(exact, total_children, tolerance=settings.rounding_tolerance)
    missing = children - capacity - settings.rounding_tolerance
    seats_needed = np.ceil(np.maximum(missing, 0.0)).astype(np.int64)
    return Allocation(
        method=method,
        city_target=float(city_target),
        year=year,
        divisions=codes,
        division_names=names,
        last_rate=last,
        weight=w,
        seats=have,
        planned_seats=planned,
        lower=lo,
        upper=hi,
        target=target,
        children=children,
        seats_needed=seats_needed,
        feasible=feasible,
        reachable=(reach_lo, reach_hi),
        shortfall=float(shortfall),
        parameter=parameter,
        cost=cost_value,
        message=message,
    )
