"""The admissions mechanism of written as plainly as possible, one candidate at a time.

This is the definition the fast path in :mod:`.mechanism` is tested against (and the pure-Python
baseline the benchmark compares with). It shares no code with the fast path: exact fractions
instead of tolerances, sorting by tuples instead of packed keys, loops instead of blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eduplan.planning.admissions.mechanism import NONE, Instance
from eduplan.planning.admissions.settings import AdmissionSettings


@dataclass
class ReferenceOutcome:
    school: list[int]
    batch: list[str]  # "", "quota" or "general"
    pair_seats: dict[tuple[int, int], int]  # (school, junior) -> quota seats
    school_seats: list[int]


def _get(arr: Any, i: int, default: Any) -> Any:
    return default if arr is None else arr[i].item() if hasattr(arr[i], "item") else arr[i]


def reference_order(inst: Instance) -> list[int]:
    """Score desc, tie-break desc (none loses), id rank asc."""

    def key(i: int) -> tuple[float, float, int]:
        tb = _get(inst.tiebreak, i, 0.0)
        tb = -math.inf if tb != tb else tb
        return (-float(inst.score[i]), -tb, int(_get(inst.id_rank, i, i)))

    return sorted(range(inst.n), key=key)


def reference_round(capacity: int, share: float, rule: str) -> int:
    """capacity × share rounded, with the share read as the decimal the user wrote."""
    exact = capacity * Fraction(repr(float(share)))
    low = math.floor(exact)
    frac = exact - low
    if rule == "floor":
        return low
    if rule == "ceil":
        return low + (frac > 0)
    if rule == "half_up":
        return low + (frac >= Fraction(1, 2))
    if rule == "half_even":
        if frac == Fraction(1, 2):
            return low + (low % 2)
        return low + (frac > Fraction(1, 2))
    raise ValueError(rule)


def reference_admit(inst: Instance, settings: AdmissionSettings | None = None) -> ReferenceOutcome:
    """The mechanism described in docs/admissions.md, step by step."""
    s = settings or AdmissionSettings()
    n, m, n_j = inst.n, inst.m, inst.juniors
    order = reference_order(inst)

    def cand_area(i: int) -> int:
        if inst.candidate_area is not None:
            return int(inst.candidate_area[i])
        if inst.junior_area is not None and inst.junior is not None and inst.junior[i] >= 0:
            return int(inst.junior_area[inst.junior[i]])
        return NONE

    def in_area(i: int, school: int) -> bool:
        if not s.enforce_area or inst.school_area is None:
            return True
        sa, ca = int(inst.school_area[school]), cand_area(i)
        return sa < 0 or ca < 0 or sa == ca

    # Step 1: quota seats per school and their division among junior schools.
    seats = [
        reference_round(int(inst.capacity[x]), _get(inst.quota_share, x, 0.0), s.rounding) for x in range(m)
    ]
    graduates = [0] * n_j
    if inst.junior_graduates is not None:
        graduates = [round(float(g)) for g in inst.junior_graduates]
    elif inst.junior is not None:
        for j in inst.junior:
            if j >= 0:
                graduates[int(j)] += 1
    claims = []
    for j in range(n_j):
        w = float(_get(inst.junior_weight, j, 1.0)) if s.use_weights else 1.0
        if inst.junior_rural is not None and inst.junior_rural[j]:
            w *= s.rural_weight
        claims.append(graduates[j] * round(w * 10**s.weight_decimals))
    pair_seats: dict[tuple[int, int], int] = {}
    unallocated = [0] * m
    for x in range(m):
        if seats[x] == 0 or inst.junior is None:
            unallocated[x] = seats[x]
            continue
        juniors = [j for j in range(n_j) if claims[j] > 0]
        if s.quota_within_area and inst.school_area is not None and inst.junior_area is not None:
            area = int(inst.school_area[x])
            if area >= 0:
                juniors = [j for j in juniors if inst.junior_area[j] < 0 or inst.junior_area[j] == area]
        total = sum(claims[j] for j in juniors)
        if total == 0:
            unallocated[x] = seats[x]
            continue
        exact = {j: Fraction(seats[x] * claims[j], total) for j in juniors}
        got = {j: math.floor(v) for j, v in exact.items()}
        left = seats[x] - sum(got.values())
        for j in sorted(juniors, key=lambda j: (-(exact[j] - got[j]), j))[:left]:
            got[j] += 1
        for j in juniors:
            pair_seats[(x, j)] = got[j]

    school = [NONE] * n
    batch = [""] * n

    def quota_round() -> list[int]:
        used = [0] * m
        taken: dict[tuple[int, int], int] = {}
        for i in order:
            if school[i] != NONE or inst.quota_choice is None or inst.junior is None:
                continue
            x, j = int(inst.quota_choice[i]), int(inst.junior[i])
            if x < 0 or j < 0 or pair_seats.get((x, j), 0) == 0 or not in_area(i, x):
                continue
            if s.quota_min_line is not None and inst.score[i] < s.quota_min_line:
                continue
            if taken.get((x, j), 0) < pair_seats[(x, j)]:
                taken[(x, j)] = taken.get((x, j), 0) + 1
                used[x] += 1
                school[i], batch[i] = x, "quota"
        return used

    def general_round(cap: list[int]) -> list[int]:
        cap = list(cap)
        kinds: list[bool | None] = [None]
        if s.private_round != "same" and inst.private is not None and any(inst.private):
            kinds = [True, False] if s.private_round == "before" else [False, True]
        k = inst.k if s.max_choices is None else min(inst.k, s.max_choices)
        for kind in kinds:
            for i in order:
                if school[i] != NONE:
                    continue
                if s.general_min_line is not None and inst.score[i] < s.general_min_line:
                    continue
                for c in range(k):
                    x = int(inst.choices[i][c])
                    if x < 0 or not in_area(i, x):
                        continue
                    if kind is not None and inst.private is not None and bool(inst.private[x]) != kind:
                        continue
                    if cap[x] > 0:
                        cap[x] -= 1
                        school[i], batch[i] = x, "general"
                        break
        return cap

    reserved = [seats[x] - unallocated[x] for x in range(m)]
    if s.batch_order == "quota_first":
        used_first = quota_round()
        back = [reserved[x] - used_first[x] if s.return_unused_quota else 0 for x in range(m)]
        general_round([int(inst.capacity[x]) - reserved[x] + back[x] for x in range(m)])
    else:
        left_over = general_round([int(inst.capacity[x]) - reserved[x] for x in range(m)])
        used = quota_round()
        if s.return_unused_quota and any(reserved[x] > used[x] for x in range(m)):
            general_round([left_over[x] + reserved[x] - used[x] for x in range(m)])
    return ReferenceOutcome(school, batch, pair_seats, seats)


def serial_dictatorship(order: list[int], choices: list[list[int]], capacity: list[int]) -> list[int]:
    """The general batch alone in pure Python: the benchmark's baseline."""
    cap = list(capacity)
    result = [NONE] * len(choices)
    for i in order:
        for x in choices[i]:
            if x >= 0 and cap[x] > 0:
                cap[x] -= 1
                result[i] = x
                break
    return result
