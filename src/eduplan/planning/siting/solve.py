"""One entry point for every siting model, and the service zones that follow it.

:func:`solve` checks the instance against the model (refusing what cannot be solved, with a message
a planner can act on), runs the exact model or the heuristic, seats every child (the optimiser's
assignment, or the nearest open kindergarten with room) and describes each service zone (服务区):
children, seats, distances, and the demand points beyond the service radius.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import coverage, pmedian, radius
from .config import SitingSettings
from .instance import Candidates, Instance, SitingInputError, instance_candidates, within_radius

MODELS = ("pmedian", "mclp", "lscp", "close", "zones")
METHODS = ("auto", "exact", "heuristic")
CAPACITATED_MODELS = ("pmedian", "close")

MODEL_NAMES = {
    "pmedian": "带容量 p-中位 capacitated p-median",
    "mclp": "最大覆盖 maximal covering",
    "lscp": "集合覆盖 set covering",
    "close": "撤并 close k kindergartens",
    "zones": "现有园服务区 service zones of existing kindergartens",
}
UNITS = {
    "pmedian": "children×km",
    "close": "children×km",
    "zones": "children×km",
    "mclp": "uncovered children",
    "lscp": "sites",
}
#: What can prove a lower bound (``bound_method`` in the JSON; docs/siting.md section 1).
BOUND_METHODS = {
    "highs_radius": "半径(覆盖)模型 radius (covering) formulation, HiGHS",
    "lagrangian_branching": "拉格朗日分支定界 branch and bound with Lagrangian bounds",
    "highs_classic": "经典强模型 classic strong formulation, HiGHS",
    "highs": "整数规划 HiGHS branch and bound",
    "lagrangian": "拉格朗日松弛 Lagrangian relaxation",
    "lp": "线性松弛 LP relaxation",
    "trivial": "无需求 no demand",
}
ZONES_NOTE = "服务区按就近且有学位分配 / zones: each point to an open kindergarten with seats, least child-km"
#: Digits kept for km and child-km in results (1 m; well below any distance's accuracy).
ROUND_DIGITS = 3


@dataclass
class SitingResult:
    """What a planner gets back; :meth:`as_dict` is the JSON contract."""

    model: str
    method: str
    p: int | None
    radius_km: float
    objective: float
    lower_bound: float | None
    gap: float | None
    proven_optimal: bool
    open_sites: list[str]
    assignment: dict[str, str]
    uncovered: list[str]
    unassigned: list[str]
    zones: list[dict[str, Any]]
    demand: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    #: What proves ``lower_bound`` (``BOUND_METHODS``); ``None`` when there is no bound.
    bound_method: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "method": self.method,
            "objective": _r(self.objective),
            "objective_unit": UNITS[self.model],
            "lower_bound": _r(self.lower_bound),
            "gap": None if self.gap is None else round(self.gap, 6),
            "bound_method": self.bound_method,
            "proven_optimal": self.proven_optimal,
            "p": self.p,
            "radius_km": self.radius_km,
            **self.extra,
            "open_sites": self.open_sites,
            "assignment": self.assignment,
            "uncovered": self.uncovered,
            "unassigned": self.unassigned,
            "zones": self.zones,
            "notes": self.notes,
            "stats": self.stats,
        }


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), ROUND_DIGITS)


def solve(
    instance: Instance,
    model: str,
    *,
    p: int | None = None,
    method: str = "auto",
    capacitated: bool = True,
    keep_existing: bool = False,
    settings: SitingSettings | None = None,
) -> SitingResult:
    """Solve ``model`` on ``instance``.

    ``p``: sites to open (pmedian, mclp) or kindergartens to close (close); unused by lscp and
    zones. ``keep_existing``: existing kindergartens stay open and count towards p (pmedian,
    mclp, lscp). ``capacitated=False`` ignores seats in pmedian and close.
    """
    settings = settings or SitingSettings()
    if model not in MODELS:
        raise SitingInputError(f"未知模型 unknown model {model!r}: choose one of {', '.join(MODELS)}")
    if method not in METHODS:
        raise SitingInputError(f"未知方法 unknown method {method!r}: choose one of {', '.join(METHODS)}")
    if settings.radius_km <= 0:
        raise SitingInputError(f"服务半径须大于 0 / the radius must be positive, got {settings.radius_km}")
    _check_nonempty(instance)
    t0 = time.perf_counter()
    notes = list(instance.notes)
    if model in ("close", "zones"):
        kept = instance.existing.copy()
        if not kept.any():
            raise SitingInputError(
                f"{instance.site_source}: 没有现有幼儿园(existing 列全为 0)/ no existing kindergarten "
                f"(column existing is 0 on every row); the {model} model works on existing ones"
            )
        work = instance.with_sites(kept)
        site_map = np.flatnonzero(kept)
    else:
        work, site_map = instance, np.arange(instance.m)
    if p is not None and model in ("lscp", "zones"):
        notes.append(f"模型 {model} 不使用 --p / the {model} model does not use --p (ignored)")
    forced = _forced(work, model, keep_existing)
    p_open = _sites_to_open(work, model, p, forced)
    caps = work.capacity.astype(float) if capacitated else np.full(work.m, np.inf)
    if model in CAPACITATED_MODELS:
        _check_capacity(work, caps, model, p_open, forced)
    extra: dict[str, Any] = {}

    if model == "zones":
        opened = np.ones(work.m, dtype=bool)
        prob = pmedian_problem(work, caps, work.m, opened, settings)
        assign = pmedian.assign_to_open(
            prob, opened, settings.heuristic_time_limit_s, exact=_small(prob, settings)
        )
        assign_all = _full_assignment(work, prob, assign, opened)
        objective, bound, how, proven = pmedian.assignment_cost(prob, assign), None, "assignment", False
        bound_method: str | None = None
        stats: dict[str, Any] = {}
        notes.append(ZONES_NOTE)
    elif model in ("pmedian", "close"):
        prob = pmedian_problem(work, caps, p_open, forced, settings)
        sol = _solve_pmedian(prob, method, settings, notes)
        opened, assign_all = sol.open, _full_assignment(work, prob, sol.assign, sol.open)
        objective, bound, how, proven = sol.objective, sol.lower_bound, sol.method, sol.proven_optimal
        bound_method = sol.bound_method or None
        stats = dict(sol.stats)
        if model == "close":
            every = np.ones(work.m, dtype=bool)
            base_prob = pmedian_problem(work, caps, work.m, every, settings)
            base = pmedian.assign_to_open(
                base_prob, every, settings.heuristic_time_limit_s, exact=_small(prob, settings)
            )
            base_cost = pmedian.assignment_cost(base_prob, base)
            extra["baseline_objective"] = _r(base_cost)
            extra["added_objective"] = _r(max(0.0, objective - base_cost))
    else:
        cover = within_radius(work, settings.radius_km)
        a = coverage.cover_matrix(cover, work.m)
        need = work.children > 0
        if model == "mclp":
            csol = _solve_mclp(work.children, a, p_open, forced, method, settings)
            extra["covered_children"] = _r(float(work.children.sum()) - csol.objective)
            extra["total_children"] = _r(float(work.children.sum()))
        else:
            reach = np.diff(cover.indptr) > 0
            rows = np.flatnonzero(need & reach)
            out_of_reach = np.flatnonzero(need & ~reach)
            if len(out_of_reach):
                notes.append(
                    f"{len(out_of_reach)} 个需求点半径内没有任何候选园址,无法覆盖 / demand points with no candidate "
                    f"site within {settings.radius_km} km cannot be covered: "
                    + ", ".join(work.demand_ids[i] for i in out_of_reach[:20])
                    + (" …" if len(out_of_reach) > 20 else "")
                )
            csol = _solve_lscp(a[rows], forced, method, settings)
        opened = csol.open
        objective, bound, how, proven = csol.objective, csol.lower_bound, csol.method, csol.proven_optimal
        bound_method = "lp" if how == "heuristic" else "highs"
        stats = dict(csol.stats)
        prob = pmedian_problem(work, caps, int(opened.sum()), opened, settings)
        assign = pmedian.assign_to_open(
            prob, opened, settings.heuristic_time_limit_s, exact=_small(prob, settings)
        )
        assign_all = _full_assignment(work, prob, assign, opened)
        notes.append(ZONES_NOTE)

    if model in CAPACITATED_MODELS and np.any((assign_all < 0) & (work.children > 0)):
        bound, proven = None, False
        notes.append(
            "未能为每个需求点整体安排学位;目标值只计已安排的儿童,不给下界 / not every demand point could be "
            "seated whole: the objective counts seated children only and no bound is given"
        )
    result = _describe(
        instance, work, site_map, model, how, p, settings, opened, assign_all, objective, bound, proven, caps
    )
    result.extra.update(extra)
    result.bound_method = None if result.lower_bound is None else bound_method
    result.notes = notes + result.notes
    result.stats = {**stats, "seconds": round(time.perf_counter() - t0, 3)}
    return result


# --------------------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------------------


def _check_nonempty(instance: Instance) -> None:
    if instance.n == 0:
        raise SitingInputError(f"{instance.demand_source}: 没有需求点 / no demand points")
    if instance.m == 0:
        raise SitingInputError(f"{instance.site_source}: 没有候选园址 / no candidate sites")


def _forced(work: Instance, model: str, keep_existing: bool) -> np.ndarray:
    if model == "close":
        return work.existing & ~work.closable
    if model == "zones":
        return np.ones(work.m, dtype=bool)
    if keep_existing:
        return work.existing.copy()
    return np.zeros(work.m, dtype=bool)


def _sites_to_open(work: Instance, model: str, p: int | None, forced: np.ndarray) -> int:
    if model in ("lscp", "zones"):
        return int(forced.sum()) if model == "lscp" else work.m
    if p is None:
        what = (
            "要撤并的幼儿园数 kindergartens to close" if model == "close" else "要开设的园址数 sites to open"
        )
        raise SitingInputError(f"模型 {model} 需要 --p / the {model} model needs --p N ({what})")
    if model == "close":
        closable = int((work.existing & work.closable).sum())
        if not 1 <= p <= closable:
            raise SitingInputError(
                f"--p {p}:可撤并的现有幼儿园只有 {closable} 所 / only {closable} existing kindergartens may be "
                f"closed (column closable), so p must be between 1 and {closable}"
            )
        return work.m - p
    if not 1 <= p <= work.m:
        raise SitingInputError(
            f"--p {p}:须在 1 到 {work.m}(候选园址数)之间 / p must be between 1 and the {work.m} candidate sites"
        )
    if forced.sum() > p:
        raise SitingInputError(
            f"--p {p} 小于必须保留的现有幼儿园数 {int(forced.sum())} / p is below the {int(forced.sum())} existing "
            f"kindergartens kept open (--keep-existing)"
        )
    return p


def _check_capacity(work: Instance, caps: np.ndarray, model: str, p_open: int, forced: np.ndarray) -> None:
    """Refuse a capacitated model no choice of sites can satisfy, before any solver runs."""
    demand = float(work.children.sum())
    free = np.sort(caps[~forced])[::-1]
    best = float(caps[forced].sum() + free[: max(0, p_open - int(forced.sum()))].sum())
    if best + pmedian.SEAT_TOL < demand:
        total = float(caps.sum())
        if total + pmedian.SEAT_TOL < demand:
            raise SitingInputError(
                f"{work.site_source}: 学位合计 {total:g} 少于儿童合计 {demand:g}({work.demand_source}),"
                f"带容量模型无解 / the sites' capacity column sums to {total:g} seats, below the {demand:g} "
                f"children in {work.demand_source}: a capacitated model cannot seat them (add seats or sites, "
                f"or pass --uncapacitated)"
            )
        if model == "close":
            raise SitingInputError(
                f"{work.site_source}: 撤并 {work.m - p_open} 所后最多剩 {best:g} 个学位,少于 {demand:g} 名儿童 / "
                f"closing {work.m - p_open} kindergartens leaves at most {best:g} seats for {demand:g} children: "
                f"close fewer (lower --p) or pass --uncapacitated"
            )
        raise SitingInputError(
            f"{work.site_source}: 开设 {p_open} 所园最多 {best:g} 个学位,少于 {demand:g} 名儿童 / even the "
            f"{p_open} largest sites give only {best:g} seats for {demand:g} children: raise --p"
        )
    big = np.flatnonzero(work.children > caps.max() + pmedian.SEAT_TOL)
    if len(big):
        i = int(big[0])
        raise SitingInputError(
            f"{work.demand_source}: 需求点 {work.demand_ids[i]} 有 {work.children[i]:g} 名儿童,多于任何园址的学位"
            f"(最多 {caps.max():g})/ demand point {work.demand_ids[i]} has {work.children[i]:g} children, more "
            f"than any site's capacity ({caps.max():g} at most): split it into smaller points or add seats"
        )
    reach = np.isfinite(work.km).any(axis=1) if work.km is not None else np.ones(work.n, dtype=bool)
    lost = np.flatnonzero(~reach & (work.children > 0))
    if len(lost):
        raise SitingInputError(
            f"距离矩阵中需求点 {', '.join(work.demand_ids[i] for i in lost[:10])} 到任何园址都没有距离 / "
            f"the distance matrix gives these demand points no distance to any site, so they cannot be seated"
        )


# --------------------------------------------------------------------------------------------------
# model runs
# --------------------------------------------------------------------------------------------------


def pmedian_problem(
    work: Instance, caps: np.ndarray, p_open: int, forced: np.ndarray, settings: SitingSettings
) -> pmedian.Problem:
    """The p-median arrays of ``work`` over the points with children (the others need no seat);
    public for benchmarks and tests that call the solvers directly."""
    rows = np.flatnonzero(work.children > 0)
    k = settings.candidates_per_demand

    def rows_km(sub: Any) -> np.ndarray:
        return work.distance_rows(rows[sub])

    cand = instance_candidates(work, k)
    sub = _sub_candidates(cand, rows)
    return pmedian.Problem(
        w=work.children[rows].astype(float),
        cap=caps.astype(float),
        cand=sub,
        p=p_open,
        forced=forced,
        rows_km=rows_km,
    )


def _sub_candidates(cand: Candidates, rows: np.ndarray) -> Candidates:
    """The candidate lists of the given rows only."""
    deg = np.diff(cand.indptr)[rows]
    starts = np.repeat(cand.indptr[rows], deg)
    take = starts + np.arange(int(deg.sum())) - np.repeat(np.r_[0, np.cumsum(deg)[:-1]], deg)
    return Candidates(
        indptr=np.r_[0, np.cumsum(deg)], site=cand.site[take], km=cand.km[take], next_km=cand.next_km[rows]
    )


def _solve_pmedian(
    prob: pmedian.Problem, method: str, settings: SitingSettings, notes: list[str]
) -> pmedian.Solution:
    exact = method == "exact" or (method == "auto" and prob.n * prob.m <= settings.exact_max_pairs)
    if prob.n == 0:
        return pmedian.Solution(
            open=_open_without_demand(prob),
            assign=np.zeros(0, int),
            objective=0.0,
            lower_bound=0.0,
            method="trivial",
            proven_optimal=True,
            bound_method="trivial",
        )
    full = _uncapacitated_matrix(prob, settings)
    if full is not None:
        if method == "heuristic":
            return radius.solve_radius(
                prob, time_limit=settings.heuristic_time_limit_s, seed=settings.seed, exact=False, dist=full
            )
        return radius.solve_radius(
            prob, time_limit=settings.exact_time_limit_s, seed=settings.seed, dist=full
        )
    if not exact:
        return _heuristic(prob, settings)
    sol = pmedian.solve_exact(prob, time_limit=settings.exact_time_limit_s)
    if sol.proven_optimal:
        return sol
    if sol.stats.get("infeasible"):
        raise SitingInputError(
            f"没有任何 {prob.p} 所园址的组合能让每个需求点整体入一所园 / no choice of {prob.p} sites can seat "
            f"every demand point whole (each village or neighbourhood goes to one kindergarten): raise --p, "
            f"add seats, or split large demand points"
        )
    notes.append(
        "HiGHS 未在时限内证明最优,已与启发式结果比较取优 / HiGHS did not prove optimality in time; the better "
        "of its answer and the heuristic's is reported, with the better bound"
    )
    heur = _heuristic(prob, settings)
    best = heur if heur.objective < sol.objective or not np.all(sol.assign >= 0) else sol
    bound = max(sol.lower_bound, heur.lower_bound)
    return pmedian.Solution(
        open=best.open,
        assign=best.assign,
        objective=best.objective,
        lower_bound=min(bound, best.objective),
        method="exact+heuristic",
        proven_optimal=best.objective <= bound * (1 + pmedian.EXACT_MIP_GAP),
        bound_method=sol.bound_method if sol.lower_bound >= heur.lower_bound else heur.bound_method,
        stats={
            **{f"exact_{k}": v for k, v in sol.stats.items()},
            **{f"heuristic_{k}": v for k, v in heur.stats.items()},
        },
    )


def _uncapacitated_matrix(prob: pmedian.Problem, settings: SitingSettings) -> np.ndarray | None:
    """The full distance matrix when the radius formulation applies: no seats anywhere, at most
    ``radius_max_pairs`` pairs, and every point reaches every site."""
    if np.isfinite(prob.cap).any() or prob.n * prob.m > settings.radius_max_pairs:
        return None
    dist = np.asarray(prob.rows_km(np.arange(prob.n)), dtype=float)
    return dist if np.isfinite(dist).all() else None


def _heuristic(prob: pmedian.Problem, settings: SitingSettings) -> pmedian.Solution:
    return pmedian.solve_heuristic(
        prob,
        time_limit=settings.heuristic_time_limit_s,
        target_gap=settings.target_gap,
        iterations=settings.lagrangian_iterations,
        swap_neighbours=settings.swap_neighbours,
        seed=settings.seed,
        parallel=settings.parallel,
    )


def _small(prob: pmedian.Problem, settings: SitingSettings) -> bool:
    return prob.n * prob.m <= settings.exact_max_pairs


def _open_without_demand(prob: pmedian.Problem) -> np.ndarray:
    opened = prob.forced.copy()
    rest = np.flatnonzero(~opened)[: max(0, prob.p - int(opened.sum()))]
    opened[rest] = True
    return opened


def _solve_mclp(
    w: np.ndarray, a: Any, p: int, forced: np.ndarray, method: str, settings: SitingSettings
) -> coverage.CoverSolution:
    exact = method == "exact" or (method == "auto" and a.nnz <= settings.exact_max_cover_pairs)
    if exact:
        sol = coverage.mclp_exact(w, a, p, forced, settings.exact_time_limit_s)
        if sol.proven_optimal:
            return sol
        heur = coverage.mclp_heuristic(w, a, p, forced, settings.heuristic_time_limit_s)
        best = heur if heur.objective < sol.objective else sol
        best.lower_bound = min(max(sol.lower_bound, heur.lower_bound), best.objective)
        best.method = "exact+heuristic"
        return best
    return coverage.mclp_heuristic(w, a, p, forced, settings.heuristic_time_limit_s)


def _solve_lscp(a: Any, forced: np.ndarray, method: str, settings: SitingSettings) -> coverage.CoverSolution:
    exact = method == "exact" or (method == "auto" and a.nnz <= settings.exact_max_cover_pairs)
    if exact:
        sol = coverage.lscp_exact(a, forced, settings.exact_time_limit_s)
        if sol.proven_optimal:
            return sol
        heur = coverage.lscp_heuristic(a, forced, settings.heuristic_time_limit_s)
        best = heur if heur.objective < sol.objective else sol
        best.lower_bound = min(max(sol.lower_bound, heur.lower_bound), best.objective)
        best.method = "exact+heuristic"
        return best
    return coverage.lscp_heuristic(a, forced, settings.heuristic_time_limit_s)


def _full_assignment(
    work: Instance, prob: pmedian.Problem, assign: np.ndarray, opened: np.ndarray
) -> np.ndarray:
    """Back to every demand point: points without children go to their nearest open site."""
    out = np.full(work.n, -1)
    rows = np.flatnonzero(work.children > 0)
    out[rows] = assign
    empty = np.flatnonzero(work.children <= 0)
    if len(empty) and opened.any():
        d = np.where(opened[None, :], work.distance_rows(empty), np.inf)
        near = np.argmin(d, axis=1)
        ok = np.isfinite(d[np.arange(len(empty)), near])
        out[empty[ok]] = near[ok]
    return out


# --------------------------------------------------------------------------------------------------
# service zones
# --------------------------------------------------------------------------------------------------


def _describe(
    instance: Instance,
    work: Instance,
    site_map: np.ndarray,
    model: str,
    method: str,
    p: int | None,
    settings: SitingSettings,
    opened: np.ndarray,
    assign: np.ndarray,
    objective: float,
    bound: float | None,
    proven: bool,
    caps: np.ndarray,
) -> SitingResult:
    """Zones, the demand table, uncovered and unassigned points, in the original ids."""
    radius = settings.radius_km
    seated = assign >= 0
    km = np.full(work.n, np.nan)
    idx = np.flatnonzero(seated)
    km[idx] = _pair_km(work, idx, assign[idx])
    beyond = seated & (km > radius)
    uncovered_mask = ~seated | beyond
    w = work.children
    zones: list[dict[str, Any]] = []
    for j in np.flatnonzero(opened):
        mine = np.flatnonzero(assign == j)
        kids = float(w[mine].sum())
        dist = km[mine]
        seats = float(work.capacity[j])
        zones.append(
            {
                "site_id": work.site_ids[j],
                "existing": bool(work.existing[j]),
                "seats": _r(seats),
                "children": _r(kids),
                "spare_seats": _r(seats - kids),
                "utilisation": None if seats <= 0 else round(kids / seats, 4),
                "demand_points": len(mine),
                "mean_km": _r(float((w[mine] * dist).sum() / kids)) if kids > 0 else None,
                "max_km": _r(float(dist.max())) if len(mine) else None,
                "points_beyond_radius": int(beyond[mine].sum()),
                "children_beyond_radius": _r(float(w[mine][beyond[mine]].sum())),
            }
        )
    demand = [
        {
            "demand_id": work.demand_ids[i],
            "children": _r(float(w[i])),
            "site_id": work.site_ids[assign[i]] if assign[i] >= 0 else None,
            "km": _r(float(km[i])) if assign[i] >= 0 else None,
            "status": "no seat" if assign[i] < 0 else ("beyond radius" if beyond[i] else "ok"),
        }
        for i in range(work.n)
    ]
    notes: list[str] = []
    over = [
        z["site_id"] for z in zones if z["spare_seats"] is not None and z["spare_seats"] < -pmedian.SEAT_TOL
    ]
    if over and model not in CAPACITATED_MODELS:
        notes.append(
            "以下园的儿童多于学位(覆盖模型不考虑学位)/ more children than seats (covering models ignore seats): "
            + ", ".join(over[:20])
        )
    if (~seated & (w > 0)).any():
        notes.append(
            f"{int((~seated & (w > 0)).sum())} 个需求点没有分到学位 / demand points got no seat (listed in unassigned)"
        )
    opened_full = np.zeros(instance.m, dtype=bool)
    opened_full[site_map[opened]] = True
    return SitingResult(
        model=model,
        method=method,
        p=p,
        radius_km=radius,
        objective=float(objective),
        lower_bound=None if bound is None else float(bound),
        gap=None if bound is None else pmedian.relative_gap(float(objective), float(bound)),
        proven_optimal=bool(proven),
        open_sites=[instance.site_ids[j] for j in np.flatnonzero(opened_full)],
        assignment={work.demand_ids[i]: work.site_ids[assign[i]] for i in np.flatnonzero(seated)},
        uncovered=[work.demand_ids[i] for i in np.flatnonzero(uncovered_mask)],
        unassigned=[work.demand_ids[i] for i in np.flatnonzero(~seated)],
        zones=zones,
        demand=demand,
        extra={
            "new_sites": [instance.site_ids[j] for j in np.flatnonzero(opened_full & ~instance.existing)],
            "closed_existing": [
                instance.site_ids[j] for j in np.flatnonzero(~opened_full & instance.existing)
            ],
        },
        notes=notes,
    )


def _pair_km(work: Instance, rows: np.ndarray, sites: np.ndarray) -> np.ndarray:
    out = np.empty(len(rows))
    step = 1024
    for s in range(0, len(rows), step):
        block = work.distance_rows(rows[s : s + step])
        out[s : s + step] = block[np.arange(len(block)), sites[s : s + step]]
    return out
