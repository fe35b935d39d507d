"""Benchmark: HS-2.1 admissions at province scale, against pure Python and the ``matching`` package.

Instance (the issue's): 1.3 M candidates × 10 choices × 900 schools, 3,000 junior schools, 60 quota
schools reserving 50% of their places, 16 areas — a synthetic province from
``eduplan.planning.admissions.demo``. Prints one JSON object:

- ``allocation_s``: the whole mechanism (order, quota seats, quota batch, general batch) from arrays
  to arrays, best and median of ``--repeat`` runs, with a breakdown; target ≤ 2 s on 2 cores;
- ``peak_memory_mb``: traced allocations during one admission, and the process's peak RSS; target < 2 GB;
- ``python_serial_dictatorship_s``: the general batch as a plain Python loop on the same input, and
  whether it gives the same admissions;
- ``matching``: ``matching``'s student-allocation solver on growing instances (general batch only,
  each run in a subprocess with a time budget), the speed ratio on the largest it finishes;
- ``io_s`` (with ``--io``): reading the CSV files and writing the result CSV.

Usage: ``.venv/bin/python bench/admissions.py [--quick] [--io]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

from eduplan.planning.admissions import AdmissionSettings, admit
from eduplan.planning.admissions.checks import run_checks
from eduplan.planning.admissions.demo import DemoSettings, generate
from eduplan.planning.admissions.mechanism import BATCH_GENERAL, BATCH_QUOTA, Instance, dispatch
from eduplan.planning.admissions.reference import reference_admit, serial_dictatorship

FULL = {"candidates": 1_300_000, "schools": 900, "junior_schools": 3_000, "quota_schools": 60, "areas": 16}
QUICK = {"candidates": 100_000, "schools": 90, "junior_schools": 300, "quota_schools": 6, "areas": 4}
TARGET_S = 2.0
MEMORY_TARGET_MB = 2048
MATCHING_START = 250


def province(args: argparse.Namespace, **overrides: Any):
    shape = QUICK if args.quick else FULL
    values = {**shape, **{k: getattr(args, k) for k in shape if getattr(args, k) is not None}, **overrides}
    return generate(
        DemoSettings(
            candidates=values["candidates"],
            schools=values["schools"],
            junior_schools=values["junior_schools"],
            quota_schools=values["quota_schools"],
            areas=values["areas"],
            choices=args.choices,
            quota_share=args.quota_share,
            seed=args.seed,
        )
    )


def compact(inst: Instance) -> Instance:
    """The instance as the CSV reader gives it: int16 school indices."""
    return dataclasses.replace(inst, choices=inst.choices.astype(np.int16))


def time_allocation(inst: Instance, repeat: int) -> dict[str, Any]:
    """Wall-clock and CPU seconds: on a shared machine the CPU time shows the work itself."""
    admit(inst)  # warm-up: page in the arrays once
    totals, cpus, parts = [], [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        out = admit(inst)
        totals.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        parts.append(out.timings)
    best = int(np.argmin(totals))
    rows = out.general_choices_sorted
    dispatch_cpu = []
    for _ in range(repeat):
        cpu = time.process_time()
        dispatch(rows, out.general_offered, out.batch_sorted != BATCH_QUOTA)
        dispatch_cpu.append(time.process_time() - cpu)
    return {
        "best": round(totals[best], 4),
        "median": round(statistics.median(totals), 4),
        "cpu_best": round(min(cpus), 4),
        "dispatch_cpu_best": round(min(dispatch_cpu), 4),
        "runs": [round(t, 4) for t in totals],
        "breakdown_of_best": {k: round(v, 4) for k, v in parts[best].items()},
    }


def traced_peak_mb(inst: Instance) -> float:
    tracemalloc.start()
    admit(inst)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def python_baseline(inst: Instance) -> dict[str, Any]:
    """The general batch as a plain loop over candidates, on exactly the mechanism's input."""
    out = admit(inst)
    in_general = out.batch_sorted != BATCH_QUOTA
    rows = out.general_choices_sorted[in_general].tolist()
    capacity = out.general_offered.tolist()
    start, cpu = time.perf_counter(), time.process_time()
    result = serial_dictatorship(list(range(len(rows))), rows, capacity)
    elapsed, cpu_elapsed = time.perf_counter() - start, time.process_time() - cpu
    ours = np.where(out.batch_sorted[in_general] == BATCH_GENERAL, out.school_sorted[in_general], -1)
    return {
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu_elapsed, 3),
        "agrees": bool(np.array_equal(np.array(result), ours)),
    }


def python_reference(inst: Instance) -> dict[str, Any]:
    """The whole mechanism written plainly in Python (reference.py), once, and whether it agrees."""
    start, cpu = time.perf_counter(), time.process_time()
    ref = reference_admit(inst)
    elapsed, cpu_elapsed = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu_elapsed, 2),
        "agrees": ref.school == admit(inst).school.tolist(),
    }


def matching_worker(n: int, seed: int, choices: int) -> None:
    """Run in a subprocess: solve one instance with ``matching``, print seconds and the result."""
    import warnings

    from matching.games import StudentAllocation

    inst = generate(DemoSettings(candidates=n, quota_schools=0, choices=choices, seed=seed)).instance
    start = time.perf_counter()
    order = np.lexsort((inst.id_rank, -inst.tiebreak, -inst.score)).tolist()
    prefs: dict[int, list[str]] = {}
    for i in range(inst.n):
        listed = [f"P{s}" for s in dict.fromkeys(inst.choices[i].tolist()) if s >= 0 and inst.capacity[s] > 0]
        if listed:
            prefs[i] = listed
    projects = sorted({p for ps in prefs.values() for p in ps})
    capacity = {p: int(inst.capacity[int(p[1:])]) for p in projects}
    applicants: dict[str, list[int]] = {p: [] for p in projects}
    for i in order:
        for p in prefs.get(i, []):
            applicants[p].append(i)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = StudentAllocation.create_from_dictionaries(
            prefs,
            {f"T{p}": applicants[p] for p in projects},
            {p: f"T{p}" for p in projects},
            capacity,
            {f"T{p}": c for p, c in capacity.items()},
        )
        solved = game.solve(optimal="student")
    elapsed = time.perf_counter() - start
    result = [-1] * inst.n
    for project, students in solved.items():
        for student in students:
            result[student.name] = int(project.name[1:])
    print(json.dumps({"seconds": elapsed, "result": result}))


def compare_matching(args: argparse.Namespace) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    n = MATCHING_START
    largest = None
    while True:
        inst = generate(
            DemoSettings(candidates=n, quota_schools=0, choices=args.choices, seed=args.seed)
        ).instance
        ours = []
        for _ in range(max(3, args.repeat)):
            start = time.perf_counter()
            out = admit(inst)
            ours.append(time.perf_counter() - start)
        record: dict[str, Any] = {"candidates": n, "schools": inst.m, "eduplan_s": round(min(ours), 5)}
        command = [sys.executable, __file__, "--matching-worker", str(n), "--seed", str(args.seed)]
        command += ["--choices", str(args.choices)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=args.matching_budget, check=False
            )
        except subprocess.TimeoutExpired:
            record["matching"] = f"did not finish within {args.matching_budget} s"
            runs.append(record)
            break
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            record["matching"] = f"failed: {last}"
            runs.append(record)
            break
        reply = json.loads(done.stdout.strip().splitlines()[-1])
        record["matching_s"] = round(reply["seconds"], 3)
        record["ratio"] = round(reply["seconds"] / min(ours), 1)
        record["agrees"] = reply["result"] == out.school.tolist()
        runs.append(record)
        largest = record
        n *= 2
    return {"budget_s": args.matching_budget, "runs": runs, "largest_finished": largest}


def io_timings(args: argparse.Namespace, prov) -> dict[str, Any]:
    from eduplan.planning.admissions.demo import write_province
    from eduplan.planning.admissions.io import load_admission, write_result

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = write_province(prov, tmp)
        written = time.perf_counter() - start
        start = time.perf_counter()
        data = load_admission(paths["candidates"], paths["schools"], paths["junior_schools"])
        read = time.perf_counter() - start
        out = admit(data.instance)
        start = time.perf_counter()
        write_result(Path(tmp) / "result.csv", data, out)
        result = time.perf_counter() - start
        same = bool(np.array_equal(out.school, admit(compact(prov.instance)).school))
    return {
        "write_demo_files_s": round(written, 2),
        "read_and_check_s": round(read, 2),
        "write_result_csv_s": round(result, 2),
        "same_result_as_arrays": same,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 k candidates and a 5 s matching budget")
    parser.add_argument("--candidates", type=int)
    parser.add_argument("--schools", type=int)
    parser.add_argument("--junior-schools", type=int)
    parser.add_argument("--quota-schools", type=int)
    parser.add_argument("--areas", type=int)
    parser.add_argument("--choices", type=int, default=10)
    parser.add_argument("--quota-share", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--matching-budget", type=float, help="seconds per matching run (default 60; quick 5)"
    )
    parser.add_argument("--no-matching", action="store_true")
    parser.add_argument("--no-python", action="store_true", help="skip the pure-Python baseline")
    parser.add_argument("--io", action="store_true", help="also time reading and writing the CSV files")
    parser.add_argument("--matching-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.matching_worker is not None:
        matching_worker(args.matching_worker, args.seed, args.choices)
        return
    if args.matching_budget is None:
        args.matching_budget = 5.0 if args.quick else 60.0

    start = time.perf_counter()
    prov = province(args)
    generated = time.perf_counter() - start
    inst = compact(prov.instance)
    s = prov.settings
    report: dict[str, Any] = {
        "benchmark": "admissions",
        "clause": "HS-2.1",
        "quick": args.quick,
        "instance": {
            "candidates": inst.n,
            "choices": inst.k,
            "schools": inst.m,
            "junior_schools": inst.juniors,
            "quota_schools": s.quota_schools,
            "quota_share": s.quota_share,
            "areas": s.areas,
            "places": int(inst.capacity.sum()),
            "seed": args.seed,
            "synthetic": True,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
        "generate_s": round(generated, 2),
    }
    allocation = time_allocation(inst, args.repeat)
    report["allocation_s"] = allocation
    report["target_s"] = TARGET_S
    report["meets_target"] = allocation["best"] <= TARGET_S
    # Peak RSS so far covers generating the province and admitting it (before the Python baseline).
    report["peak_memory_mb"] = {
        "traced_during_admission": traced_peak_mb(inst),
        "process_max_rss": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    report["memory_target_mb"] = MEMORY_TARGET_MB
    out = admit(inst)
    start = time.perf_counter()
    checks = run_checks(inst, out, settings=AdmissionSettings())
    report["checks_s"] = round(time.perf_counter() - start, 3)
    report["checks_passed"] = {c.check: c.passed for c in checks}
    report["admitted"] = {"quota": int((out.batch == 1).sum()), "general": int((out.batch == 2).sum())}
    if not args.no_python:
        baseline = python_baseline(inst)
        report["python_serial_dictatorship_s"] = baseline["seconds"]
        report["python_serial_dictatorship_cpu_s"] = baseline["cpu_seconds"]
        report["python_agrees"] = baseline["agrees"]
        whole = python_reference(inst)
        report["python_reference_admission"] = whole
        # Like for like, in CPU seconds (the machine is shared): the Python loop against our general
        # batch, and the plain-Python whole mechanism against our whole admission.
        report["speedup_vs_python_cpu"] = {
            "general_batch": round(baseline["cpu_seconds"] / max(allocation["dispatch_cpu_best"], 1e-9), 1),
            "whole_admission": round(whole["cpu_seconds"] / allocation["cpu_best"], 1),
        }
    if args.io:
        report["io_s"] = io_timings(args, prov)
    if not args.no_matching:
        report["matching"] = compare_matching(args)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
