"""Capacitated p-median: open p kindergartens and give every child a seat, least child-km.

Each demand point (a village or neighbourhood) is served whole by one kindergarten (its service
zone, 服务区), and a kindergarten takes no more children than it has seats. Two ways to solve:

* :func:`solve_exact` — the integer model in HiGHS (``scipy.optimize.milp``), built as sparse
  matrices. It proves optimality on small and medium instances.
* :func:`solve_heuristic` — greedy opening, Teitz–Bart vertex interchange and a regret assignment,
  with a Lagrangian relaxation running alongside that supplies the lower bound (so the reported gap
  is honest) and further good sets of sites.

Both work on each demand point's K nearest sites (:class:`~.instance.Candidates`). Restricting the
lists would make an ordinary bound invalid for the full problem; here every demand point also has an
"elsewhere" option costing its distance to the nearest site *left off* its list and using no seat.
That makes both models relaxations of the full problem, so their bounds hold for it, and a solution
that uses no "elsewhere" option is feasible and, when the bound meets it, optimal.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .assignment import assign_to_open, lp_assignment, seat_leftovers
from .lagrangian import LagrangianResult, lagrangian_bound, round_openings
from .neighbourhood import improve_windows, merge_solutions
from .problem import SEAT_TOL, Problem, Solution, assignment_cost, relative_gap
from .search import LocalSearch, greedy_open, repair_capacity

__all__ = [
    "SEAT_TOL",
    "Problem",
    "Solution",
    "assign_to_open",
    "assignment_cost",
    "relative_gap",
    "solve_exact",
    "solve_heuristic",
]

#: Random restarts round the relaxation's average openings plus uniform noise of this size (doubled
#: whenever a rounding repeats), and are not begun with less than MIN_RESTART_S seconds left.
PERTURB_NOISE = 0.1
MIN_RESTART_S = 0.5
#: Consecutive roundings that repeat an earlier one before the restarts stop (small instances
#: run out of distinct site sets).
MAX_REPEATS = 50
#: Shares of the heuristic's time budget by which the Lagrangian bound, then its exact-knapsack
#: continuation, must stop (the rest is local search; in two processes the continuation may run
#: until the end).
LAGRANGIAN_SHARE = 0.5
EXACT_LAGRANGIAN_SHARE = 0.75
#: Exact-knapsack rounds (of ``iterations`` steps each) in the bound's process at most; each
#: sends its openings at once and the next restarts from the best multipliers.
EXACT_ROUNDS = 8
#: Candidate pairs from which the bound gets its own process (below, a fork costs more than it
#: saves), and how long past its deadline the bound's process is waited for.
PARALLEL_MIN_PAIRS = 20_000
JOIN_GRACE_S = 1.0
#: Local optima kept for merging (the best ones), and the share of the time left a merge may take.
ELITE_SOLUTIONS = 3
MERGE_SHARE = 0.5
#: ``scipy.optimize.milp`` status for a proven infeasible model.
MILP_INFEASIBLE = 2
#: What proves the bound of each method (``bound_method`` in the JSON).
BOUND_LAGRANGIAN = "lagrangian"
BOUND_CLASSIC = "highs_classic"
#: HiGHS relative gap for "proven optimal" in the exact model.
EXACT_MIP_GAP = 1e-6


def solve_heuristic(
    prob: Problem,
    *,
    time_limit: float,
    target_gap: float,
    iterations: int,
    swap_neighbours: int,
    seed: int = 0,
    parallel: bool = True,
) -> Solution:
    """Greedy + vertex interchange, guided and bounded by the Lagrangian relaxation.

    1. Greedy opening, children seated by the LP assignment: a first upper bound.
    2. Subgradient ascent on the Lagrangian dual (linear knapsacks): a lower bound and the average
       open sites; the p sites most often open, seated, then vertex interchange.
    3. While the gap is above target: rounds of subgradient steps with exact 0-1 knapsacks (a
       stronger bound); restarts round the latest relaxation's average openings (the exact one's
       as soon as it exists), then noise around them; the three best local optima are merged by
       HiGHS (``merge_solutions``); windows re-solved exactly if restarts run out.

    With ``parallel`` (on a platform that can fork, and an instance big enough to gain) the bound
    (2 and the bound of 3) runs in a second process for the whole budget, beside the local search,
    exchanging bounds, answers and openings with it; otherwise the steps run in turn.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    search = LocalSearch(prob, seed, swap_neighbours)
    timings: dict[str, float] = {}
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    two = parallel and _can_fork() and len(prob.cand.site) >= PARALLEL_MIN_PAIRS
    worker: _BoundProcess | None = None

    def seat(opened: np.ndarray) -> None:
        """Seat everyone for this open set (LP assignment, then local polishing)."""
        assign = lp_assignment(prob, opened, time_limit=max(0.1, deadline - time.perf_counter()))
        if assign is None:
            search.set_open(opened)
        else:
            search.load(opened, assign)
        search.improve_assignment(deadline)
        keep_best()

    def refresh() -> None:
        seat(np.array(search.open))

    def keep_best() -> None:
        nonlocal best
        o, a, c = search.snapshot()
        if np.all(a >= 0) and (best is None or c < best[2]):
            best = (o, a, c)
            if worker is not None:
                worker.send_upper_bound(c)

    def cost() -> float:
        return best[2] if best is not None else search.cost()

    elites: list[tuple[np.ndarray, np.ndarray, float]] = []
    merges = 0

    def improve_from(
        opened: np.ndarray, until: float = deadline, stop: Callable[[], bool] | None = None
    ) -> None:
        seat(opened)
        search.interchange(until, refresh, stop)
        keep_best()
        o, a, c = search.snapshot()
        if np.all(a >= 0) and not any(np.array_equal(o, e[0]) for e in elites):
            elites.append((o, a, c))
            elites.sort(key=lambda e: e[2])
            del elites[ELITE_SOLUTIONS:]

    def merge() -> None:
        """Solution merging over the elite local optima's open sites (``merge_solutions``)."""
        nonlocal merges
        if best is None or len(elites) < 2:
            return
        left = deadline - MIN_RESTART_S - time.perf_counter()
        out = merge_solutions(prob, [(o, a) for o, a, _ in elites], best[2], MERGE_SHARE * left)
        merges += 1
        if out is not None:
            search.load(*out)
            search.improve_assignment(deadline)
            keep_best()
            o, a, c = search.snapshot()
            elites.insert(0, (o, a, c))
            del elites[ELITE_SOLUTIONS:]

    greedy = repair_capacity(prob, greedy_open(prob))
    seat(greedy)
    timings["greedy_s"] = time.perf_counter() - t0
    relaxation_end = t0 + LAGRANGIAN_SHARE * time_limit
    if two:
        worker = _BoundProcess(prob, cost(), iterations, relaxation_end, deadline, target_gap)
        improve_from(greedy, relaxation_end, worker.ready)
        lag = worker.relaxation(relaxation_end + JOIN_GRACE_S)
    else:
        lag = None
    if lag is None:  # one process, or the second one failed
        lag = lagrangian_bound(prob, cost(), iterations=iterations, deadline=relaxation_end)
    timings["lagrangian_s"] = time.perf_counter() - t0
    bound = lag.lower_bound

    def done() -> bool:
        nonlocal bound
        if worker is not None:
            bound = max(bound, worker.latest_bound())
        return best is not None and _gap_ok(best[2], bound, target_gap)

    improve_from(round_openings(prob, lag.y_mean))
    if worker is None and not done():
        # one process: the greedy sites have not been improved yet (with two, they were while
        # the bound ran; their local optimum is far worse than the relaxation's, on the benchmark
        # 45,056 against 44,482 child-km, so it is not finished there)
        improve_from(greedy)
    timings["interchange_s"] = time.perf_counter() - t0

    exact_iterations = 0
    centre = lag.y_mean
    if worker is None and not done():
        strong = lagrangian_bound(
            prob,
            cost(),
            iterations=iterations,
            deadline=t0 + EXACT_LAGRANGIAN_SHARE * time_limit,
            target_gap=target_gap,
            lam0=lag.lam,
            exact_knapsacks=True,
        )
        bound, exact_iterations = max(bound, strong.lower_bound), strong.iterations
        centre = strong.y_mean
    timings["exact_knapsack_s"] = time.perf_counter() - t0

    def latest_centre() -> np.ndarray:
        """The openings restarts round: the latest exact-knapsack relaxation's, when there is
        one (rounded, it gave the benchmark's best layouts), else the linear one's."""
        if worker is not None:
            worker.latest_bound()
            if worker.exact_openings is not None:
                return worker.exact_openings
        return centre

    tried = {np.packbits(best[0]).tobytes()} if best is not None else set()
    restarts, repeats, noise, rounded = 0, 0, PERTURB_NOISE, None
    while time.perf_counter() < deadline - MIN_RESTART_S and repeats < MAX_REPEATS and not done():
        y = latest_centre()
        if y is not rounded:  # new openings: first their plain rounding, then noise around them
            rounded, noise = y, 0.0
        opened = round_openings(prob, y + noise * search.rng.random(prob.m))
        noise = max(noise, PERTURB_NOISE)
        key = np.packbits(opened).tobytes()
        if key in tried:
            noise, repeats = min(2 * noise, 1.0), repeats + 1
            continue
        tried.add(key)
        improve_from(opened)
        restarts, repeats = restarts + 1, 0
        if not done() and latest_centre() is rounded and (worker is None or rounded is not lag.y_mean):
            merge()  # (with two processes, only once the exact relaxation's openings were tried)
    timings["restarts_s"] = time.perf_counter() - t0

    windows = 0
    if best is not None and not done():
        o, a, c = best
        o, a, windows = improve_windows(
            prob,
            o,
            a,
            search.neighbours,
            deadline - MIN_RESTART_S,
            seed=seed,
            stop=lambda cost: done() or _gap_ok(cost, bound, target_gap),
        )
        c = assignment_cost(prob, a)
        if c < best[2]:
            search.load(o, a)
            keep_best()
    timings["windows_s"] = time.perf_counter() - t0

    if worker is not None:
        final = worker.finish(deadline + JOIN_GRACE_S)
        bound = max(bound, final[0])
        exact_iterations = final[1]

    if best is None:
        best = search.snapshot()
    best_open, best_assign, _ = best
    objective = assignment_cost(prob, best_assign)
    complete = bool(np.all(best_assign >= 0))
    lb = min(bound, objective) if complete else bound
    stats: dict[str, float | int | str] = {k: round(v, 3) for k, v in timings.items()}
    stats.update(
        seconds=round(time.perf_counter() - t0, 3),
        processes=2 if two else 1,
        lagrangian_iterations=lag.iterations,
        lagrangian_bound=lag.lower_bound,
        exact_knapsack_iterations=exact_iterations,
        restarts=restarts,
        windows=windows,
        merges=merges,
    )
    return Solution(
        open=best_open,
        assign=best_assign,
        objective=objective,
        lower_bound=lb,
        method="heuristic",
        proven_optimal=complete and objective <= lb * (1 + EXACT_MIP_GAP),
        bound_method=BOUND_LAGRANGIAN,
        stats=stats,
    )


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class _BoundProcess:
    """The Lagrangian bound in a forked process, for the heuristic's whole time budget.

    The child runs the relaxation (LP knapsacks) until ``relaxation_end`` and sends it back — its
    average openings start the parent's best local search — then continues with exact 0-1
    knapsacks until ``deadline`` or the gap target and sends the final bound. The parent sends
    every better upper bound, which steers the child's steps and its stopping test. Fork, not
    spawn: the child inherits the arrays without pickling them; only results cross the pipe.
    """

    def __init__(
        self,
        prob: Problem,
        upper_bound: float,
        iterations: int,
        relaxation_end: float,
        deadline: float,
        target_gap: float,
    ) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child_conn = ctx.Pipe(duplex=True)
        self.best = -np.inf
        self.exact_iterations = 0
        #: the latest exact-knapsack round's average openings (``None`` until one has ended)
        self.exact_openings: np.ndarray | None = None
        self.lag: LagrangianResult | None = None
        self.closed = False
        args = (prob, child_conn, upper_bound, iterations, relaxation_end, deadline, target_gap)
        self.proc = ctx.Process(target=_bound_child, args=args, daemon=True)
        self.proc.start()
        child_conn.close()

    def send_upper_bound(self, value: float) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(("upper", value))

    def _read(self, until: float | None) -> bool:
        """Take one message, waiting until ``until`` (``None``: only if one is ready)."""
        if self.closed:
            return False
        try:
            wait = 0.0 if until is None else max(0.0, until - time.perf_counter())
            if not self.conn.poll(wait):
                return False
            kind, value = self.conn.recv()
        except (EOFError, OSError):
            self.closed = True
            return False
        if kind == "exact":
            bound, self.exact_iterations, self.exact_openings = value
            self.best = max(self.best, bound)
        elif kind == "relaxation":
            self.lag = value
            self.best = max(self.best, value.lower_bound)
        elif kind == "final":
            bound, self.exact_iterations = value
            self.best, self.closed = max(self.best, bound), True
        return True

    def ready(self) -> bool:
        """Whether the relaxation has arrived (never waits)."""
        while self.lag is None and self._read(None):
            pass
        return self.lag is not None

    def relaxation(self, until: float) -> LagrangianResult | None:
        """Wait for the relaxation until ``until`` (``None`` if the child failed or ran late)."""
        while self.lag is None and self._read(until):
            pass
        return self.lag

    def latest_bound(self) -> float:
        while self._read(None):
            pass
        return self.best

    def finish(self, until: float) -> tuple[float, int]:
        """The best bound by ``until``; the child is then stopped."""
        while not self.closed and self._read(until):
            pass
        self.conn.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join()
        return self.best, self.exact_iterations


def _bound_child(
    prob: Problem,
    conn: Connection,
    upper_bound: float,
    iterations: int,
    relaxation_end: float,
    deadline: float,
    target_gap: float,
) -> None:
    # The best upper bound so far, kept across both phases: the exact phase must start from the
    # answers sent during the first, not from the greedy one (its steps scale with the gap; with
    # the greedy answer they overshot and the phase stalled without raising the bound).
    best_upper = [upper_bound]

    def feed() -> float | None:
        value = None
        while conn.poll():
            kind, sent = conn.recv()
            if kind == "upper":
                value = sent if value is None else min(value, sent)
        if value is not None:
            best_upper[0] = min(best_upper[0], value)
        return value

    try:
        lag = lagrangian_bound(
            prob, upper_bound, iterations=iterations, deadline=relaxation_end, upper_bound_feed=feed
        )
        conn.send(("relaxation", lag))
        bound, steps, lam = lag.lower_bound, 0, lag.lam
        # Exact-knapsack rounds until the deadline: each round's average openings go to the
        # parent at once (rounded, they start its best local searches), each later round starts
        # again from the best multipliers with the full step scale.
        for _ in range(EXACT_ROUNDS):
            feed()
            strong = lagrangian_bound(
                prob,
                best_upper[0],
                iterations=iterations,
                deadline=deadline,
                target_gap=target_gap,
                lam0=lam,
                exact_knapsacks=True,
                upper_bound_feed=feed,
            )
            bound, steps, lam = max(bound, strong.lower_bound), steps + strong.iterations, strong.lam
            conn.send(("exact", (bound, steps, strong.y_mean)))
            if time.perf_counter() > deadline or _gap_ok(best_upper[0], bound, target_gap):
                break
        conn.send(("final", (bound, steps)))
    except Exception:
        pass
    finally:
        conn.close()


def _gap_ok(objective: float, bound: float, target: float) -> bool:
    gap = relative_gap(objective, bound)
    return gap is not None and gap <= target


def solve_exact(prob: Problem, *, time_limit: float, mip_gap: float = EXACT_MIP_GAP) -> Solution:
    """The integer model, sparse, in HiGHS.

    minimise Σ w_i·km_ij·x_ij + Σ w_i·next_km_i·e_i
    subject to Σ_j x_ij + e_i = 1 (each point served once, or "elsewhere"), Σ_i w_i·x_ij ≤ seats_j·y_j,
    x_ij ≤ y_j (the strong form), Σ_j y_j = p, forced y_j = 1, all binary.
    ``e_i`` exists only when point i's list leaves sites out; the model is then a relaxation of
    the full problem and its bound is valid for it.
    """
    t0 = time.perf_counter()
    cand, n, m = prob.cand, prob.n, prob.m
    i_x, j_x = cand.row, cand.site
    nx = len(j_x)
    has_e = np.isfinite(cand.next_km)
    i_e = np.flatnonzero(has_e)
    ne = len(i_e)
    nv = nx + ne + m
    cost = np.concatenate([prob.w[i_x] * cand.km, prob.w[i_e] * cand.next_km[i_e], np.zeros(m)])
    col_x, col_e, col_y = np.arange(nx), nx + np.arange(ne), nx + ne + np.arange(m)
    assign_rows = sparse.csr_matrix((np.ones(nx + ne), (np.r_[i_x, i_e], np.r_[col_x, col_e])), shape=(n, nv))
    capped = np.isfinite(prob.cap) & (prob.cap < prob.w.sum())
    in_cap = capped[j_x]
    cap_rows = sparse.csr_matrix(
        (
            np.r_[prob.w[i_x][in_cap], -prob.cap[capped]],
            (np.r_[j_x[in_cap], np.flatnonzero(capped)], np.r_[col_x[in_cap], col_y[capped]]),
        ),
        shape=(m, nv),
    )
    vub = sparse.csr_matrix(
        (np.r_[np.ones(nx), -np.ones(nx)], (np.r_[np.arange(nx), np.arange(nx)], np.r_[col_x, col_y[j_x]])),
        shape=(nx, nv),
    )
    count = sparse.csr_matrix((np.ones(m), (np.zeros(m, dtype=int), col_y)), shape=(1, nv))
    lower = np.zeros(nv)
    lower[col_y] = prob.forced.astype(float)
    res = milp(
        cost,
        integrality=np.ones(nv),
        bounds=Bounds(lower, np.ones(nv)),
        constraints=[
            LinearConstraint(assign_rows, 1, 1),
            LinearConstraint(cap_rows, -np.inf, 0),
            LinearConstraint(vub, -np.inf, 0),
            LinearConstraint(count, prob.p, prob.p),
        ],
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": mip_gap},
    )
    bound = getattr(res, "mip_dual_bound", None)
    bound = float(bound) if bound is not None and np.isfinite(bound) else -np.inf
    stats: dict[str, float | int | str] = {
        "seconds": round(time.perf_counter() - t0, 3),
        "highs_status": int(res.status),
        "highs_message": str(res.message),
    }
    if res.x is None:
        stats["infeasible"] = int(res.status == MILP_INFEASIBLE and not len(i_e))
        return Solution(
            open=np.zeros(m, dtype=bool),
            assign=np.full(n, -1),
            objective=np.inf,
            lower_bound=bound,
            method="exact",
            bound_method=BOUND_CLASSIC,
            stats=stats,
        )
    x = res.x
    opened = x[col_y] > 0.5
    assign = np.full(n, -1)
    pick = x[col_x] > 0.5
    assign[i_x[pick]] = j_x[pick]
    elsewhere = i_e[x[col_e] > 0.5]
    stats["elsewhere"] = len(elsewhere)
    if len(elsewhere):
        assign = seat_leftovers(prob, opened, assign)
    objective = assignment_cost(prob, assign)
    proven = res.status == 0 and not len(elsewhere)
    return Solution(
        open=opened,
        assign=assign,
        objective=objective,
        lower_bound=min(bound, objective) if proven else bound,
        method="exact",
        proven_optimal=bool(proven),
        bound_method=BOUND_CLASSIC,
        stats=stats,
    )
