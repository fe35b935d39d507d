"""The admissions mechanism of as pure functions over numpy arrays.

Default mechanism (``docs/admissions.md`` works through each step and setting):

1. **Quota seats (指标到校).** School *s* reserves ``q_s = round(capacity_s × quota_share_s)`` seats,
   divided among the junior middle schools of its area in proportion to their graduates (times an
   optional weight, e.g. a rural tilt) by the largest-remainder method, ties to the lower junior
   school id.
2. **Quota batch.** Each candidate may name one quota school. Within each (junior school, school)
   pair the candidates at or above the minimum control line are admitted in the common order
   (score desc, tie-break desc, candidate id asc) up to the pair's seats. Unused quota seats return
   to the school's general capacity.
3. **General batch (平行志愿, "score first, follow preferences, one dispatch").** Every candidate not
   yet admitted, in the same order, is placed in the first listed school that still has a place.

Because every school ranks candidates by the same order, the general batch is serial dictatorship,
which equals student-proposing deferred acceptance (ANCHORS, Admissions). :func:`dispatch` computes
it exactly without a Python loop over candidates: it takes a block of candidates, gives each their
first still-open choice, and commits the block up to the first candidate who would overfill a
school; a school can fill only once, so there are at most ``m + n / block`` blocks. Candidates are
ordered by radix passes over the bounded-integer score and tie-break (counting-sort cost), not a
three-key comparison sort.

Everything here works on integer indices (schools ``0..m-1``, junior schools ``0..J-1``, ``-1`` for
"none"); :mod:`.io` maps ids to indices and back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from eduplan.planning.admissions.settings import AdmissionSettings

IntArray = NDArray[np.integer]
FloatArray = NDArray[np.floating]
BoolArray = NDArray[np.bool_]

#: Index meaning "no school / no junior school / no area" in every integer array.
NONE = -1

#: Values of :attr:`Outcome.batch`.
BATCH_NONE, BATCH_QUOTA, BATCH_GENERAL = 0, 1, 2
BATCH_NAMES = ("", "quota", "general")

#: Relative tolerance when deciding whether ``capacity × share`` sits exactly on a rounding boundary:
#: 0.3 × 10 is 3.0000000000000004 in binary floating point and must still count as exactly 3.
ROUNDING_TOLERANCE = 1e-9

#: Scales tried when packing scores into integers: whole points, half points, tenths, hundredths.
SCORE_SCALES = (1, 2, 4, 10, 100)

#: Bits available in a signed 64-bit sort key.
KEY_BITS = 63

#: Keys with at most this many distinct values are ordered by radix passes (numpy's stable sort of
#: 16-bit integers is a radix sort); 750 points in half points need 1,501.
RADIX_SPAN = 1 << 16

#: Id ranks up to this many times the number of candidates are packed into sort keys as they are.
PACKED_ID_SPAN = 4

#: Largest (quota schools × junior schools) lookup table built to find candidates' quota pairs;
#: beyond it a binary search is used (same answer, less memory).
DENSE_PAIR_TABLE = 1 << 24

#: Rows per chunk when a whole choice matrix is transformed, so temporaries stay small at any n.
ROW_CHUNK = 1 << 20

#: Block sizes (candidates) for :func:`dispatch`: it grows the block while no school fills inside
#: it and shrinks it after a fill, so most work is done in large vector operations while a fill
#: costs only a small block's recomputation.
MIN_BLOCK = 256
MAX_BLOCK = 1 << 16


# ---------------------------------------------------------------------------------------------
# Inputs and outputs


@dataclass(frozen=True)
class Instance:
    """One admission as arrays (n candidates, k choices, m schools, J junior schools).

    Only ``score``, ``choices`` and ``capacity`` are required; every other array is optional and
    means "not given" when None.

    Attributes:
        score: (n,) exam scores, finite.
        choices: (n, k) school indices in preference order, ``-1`` for an empty cell.
        capacity: (m,) places per school, non-negative integers.
        tiebreak: (n,) local tie-break value (higher wins), NaN for none (loses every tie).
        id_rank: (n,) rank of each candidate's id (lower wins the last tie); default: input order.
        junior: (n,) junior school index of each candidate.
        quota_choice: (n,) the one quota school a candidate names, ``-1`` for none.
        quota_share: (m,) share of each school's capacity reserved as quota seats, in [0, 1].
        private: (m,) True for private (民办) schools.
        school_area: (m,) area index of each school, ``-1`` for a school admitting from every area.
        candidate_area: (n,) area index of each candidate, ``-1`` unknown (default: their junior
            school's area).
        junior_area: (J,) area index of each junior school, ``-1`` unknown.
        junior_weight: (J,) weight multiplying a junior school's graduates (default 1).
        junior_rural: (J,) True for rural junior schools (multiplied by ``rural_weight``).
        junior_graduates: (J,) graduates per junior school (default: candidates in the file).
        n_juniors: number of junior schools J (default: from the arrays given).
    """

    score: FloatArray
    choices: IntArray
    capacity: IntArray
    tiebreak: FloatArray | None = None
    id_rank: IntArray | None = None
    junior: IntArray | None = None
    quota_choice: IntArray | None = None
    quota_share: FloatArray | None = None
    private: BoolArray | None = None
    school_area: IntArray | None = None
    candidate_area: IntArray | None = None
    junior_area: IntArray | None = None
    junior_weight: FloatArray | None = None
    junior_rural: BoolArray | None = None
    junior_graduates: FloatArray | None = None
    n_juniors: int | None = None

    @property
    def n(self) -> int:
        return len(self.score)

    @property
    def m(self) -> int:
        return len(self.capacity)

    @property
    def k(self) -> int:
        return int(self.choices.shape[1]) if self.choices.ndim == 2 else 0

    @property
    def juniors(self) -> int:
        """J: the number of junior schools."""
        if self.n_juniors is not None:
            return int(self.n_juniors)
        sizes = [0]
        if self.junior is not None and len(self.junior):
            sizes.append(int(self.junior.max()) + 1)
        for arr in (self.junior_area, self.junior_weight, self.junior_rural, self.junior_graduates):
            if arr is not None:
                sizes.append(len(arr))
        return max(sizes)


@dataclass(frozen=True)
class Step:
    """One dispatch of the admission, in the order they ran (for the "same round" check)."""

    name: str
    batch: int
    ownership: str  # "all", "public" or "private": which schools admit in this step


@dataclass(frozen=True)
class QuotaAllocation:
    """Quota seats per (school, junior school) pair, grouped by school, juniors ascending."""

    school_seats: IntArray  # (m,) q_s
    unallocated: IntArray  # (m,) seats of schools with no eligible junior school (go to general)
    pair_school: IntArray  # (P,)
    pair_junior: IntArray  # (P,)
    pair_seats: IntArray  # (P,)

    def pair_index(self, school: IntArray, junior: IntArray, n_juniors: int) -> IntArray:
        """Index of each (school, junior) pair in the pair arrays, -1 when it has no pair.

        A dense (quota school × junior school) table when that is small, else a binary search.
        """
        school = np.asarray(school, dtype=np.int64)
        junior = np.asarray(junior, dtype=np.int64)
        if not len(self.pair_school):
            return np.full(len(school), NONE, dtype=np.int64)
        valid = (school >= 0) & (junior >= 0)
        quota_schools = np.unique(self.pair_school)
        if len(quota_schools) * n_juniors <= DENSE_PAIR_TABLE:
            row_of = np.full(len(self.school_seats) + 1, NONE, dtype=np.int64)
            row_of[quota_schools] = np.arange(len(quota_schools))
            table = np.full((len(quota_schools) + 1, n_juniors + 1), NONE, dtype=np.int64)
            table[row_of[self.pair_school], self.pair_junior] = np.arange(len(self.pair_school))
            # -1 school → row_of[-1] (NONE) → the last row; -1 junior → the last column: both NONE.
            return np.where(valid, table[row_of[school], junior], NONE)
        keys = self.pair_school.astype(np.int64) * n_juniors + self.pair_junior
        wanted = school * n_juniors + junior
        pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(valid & (keys[pos] == wanted), pos, NONE)


@dataclass
class Outcome:
    """The admission: where each candidate went, in which batch and step, and the seat accounts.

    ``school`` and ``batch`` are in input order (the result file); the arrays ending in ``_sorted``
    are in admission order (position p is candidate ``order[p]``), which is how the checks read them.
    """

    school: IntArray  # (n,) school index or -1
    batch: NDArray[np.int8]  # (n,) BATCH_NONE / BATCH_QUOTA / BATCH_GENERAL
    order: IntArray  # (n,) candidates from first to last in the admission order
    steps: list[Step]
    school_sorted: IntArray  # (n,) school by position
    batch_sorted: NDArray[np.int8]  # (n,) batch by position
    step_sorted: NDArray[np.int8]  # (n,) index into steps, -1 if unplaced
    quota_pair_sorted: IntArray  # (n,) eligible quota pair by position, -1 if none
    quota_participant_sorted: BoolArray  # (n,) eligible and still unplaced when the quota batch ran
    general_choices_sorted: IntArray  # (n, k') honoured general choices by position
    quota: QuotaAllocation
    pair_used: IntArray  # (P,) quota seats taken per pair
    general_offered: IntArray  # (m,) seats offered to the general batch over all its dispatches
    general_remaining: IntArray  # (m,) general seats left empty at the end
    returned: IntArray  # (m,) unused quota seats given back to the general batch
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return int((self.school >= 0).sum())

    @property
    def rank(self) -> NDArray[np.int64]:
        """Position of each candidate in the admission order (0 = first)."""
        rank = np.empty(len(self.order), dtype=np.int64)
        rank[self.order] = np.arange(len(self.order))
        return rank


# ---------------------------------------------------------------------------------------------
# Step 0: the common order


def _bounded_ints(values: FloatArray) -> tuple[NDArray[np.int64], int] | None:
    """``values`` as non-negative integers preserving order, with their span; None if not exact."""
    if not len(values):
        return np.zeros(0, dtype=np.int64), 1
    if np.abs(values).max() * max(SCORE_SCALES) >= 2.0 ** (KEY_BITS - 1):
        return None
    for scale in SCORE_SCALES:
        scaled = values if scale == 1 else values * scale
        ints = scaled.astype(np.int64)
        if np.array_equal(ints, scaled):  # every value is a whole number of 1/scale points
            low = int(ints.min())
            ints -= low
            return ints, int(ints.max()) + 1
    return None


def candidate_order(
    score: FloatArray, tiebreak: FloatArray | None = None, id_rank: IntArray | None = None
) -> NDArray[np.int64]:
    """Candidates from first to last: score desc, then tie-break desc, then id rank asc (平行志愿).

    A missing tie-break (NaN) loses every tie; id ranks must be distinct. Scores and tie-breaks are
    bounded numbers on a grid (whole or half points …), so the usual path is a least-significant-
    digit radix sort — start from id order, then stable counting passes by tie-break and by score
    (numpy's stable sort of 16-bit keys is a radix sort), O(n) per pass. Wider keys are packed into
    one int64 and sorted once; anything else falls back to a lexicographic sort. All three give the
    same order (tested).
    """
    n = len(score)
    score = np.asarray(score, dtype=np.float64)
    if not np.isfinite(score).all():
        raise ValueError("score must be finite")
    tb = np.zeros(n) if tiebreak is None else np.asarray(tiebreak, dtype=np.float64)
    missing = np.isnan(tb)
    if missing.any():
        tb = np.where(missing, np.nanmin(tb) - 1 if (~missing).any() else 0.0, tb)
    ids = None if id_rank is None else np.asarray(id_rank, dtype=np.int64)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if np.isfinite(tb).all():
        s = _bounded_ints(score)
        t = _bounded_ints(tb)
        if s is not None and t is not None:
            if s[1] <= RADIX_SPAN and t[1] <= RADIX_SPAN:
                return _radix_order(s, t, ids)
            packed = _packed_order(s, t, ids, n)
            if packed is not None:
                return packed
    ids_or_index = np.arange(n, dtype=np.int64) if ids is None else ids
    return np.lexsort((ids_or_index, -tb, -score)).astype(np.int64)


def _id_order(ids: NDArray[np.int64] | None, n: int) -> NDArray[np.int64]:
    """Candidate indices in ascending id rank."""
    if ids is None:
        return np.arange(n, dtype=np.int64)
    if ids.min() >= 0 and ids.max() < n:
        inverse = np.full(n, NONE, dtype=np.int64)
        inverse[ids] = np.arange(n)
        if (inverse >= 0).all():  # a permutation of 0..n-1, as the CSV reader gives
            return inverse
    return np.argsort(ids, kind="stable").astype(np.int64)


def _radix_order(
    s: tuple[NDArray[np.int64], int], t: tuple[NDArray[np.int64], int], ids: NDArray[np.int64] | None
) -> NDArray[np.int64]:
    (s_int, s_span), (t_int, t_span) = s, t
    order = _id_order(ids, len(s_int))
    for values, span in ((t_int, t_span), (s_int, s_span)):
        if span > 1:
            digit = (span - 1 - values).astype(np.uint16)  # descending
            order = np.take(order, np.argsort(np.take(digit, order), kind="stable"))
    return order


def _packed_order(
    s: tuple[NDArray[np.int64], int], t: tuple[NDArray[np.int64], int], ids: NDArray[np.int64] | None, n: int
) -> NDArray[np.int64] | None:
    (s_int, s_span), (t_int, t_span) = s, t
    if ids is not None and (ids.min() < 0 or int(ids.max()) >= PACKED_ID_SPAN * n):
        return None  # sparse id ranks would waste key bits
    id_span = n if ids is None else int(ids.max()) + 1
    id_bits = max(1, (id_span - 1).bit_length())
    if (s_span * t_span).bit_length() + id_bits > KEY_BITS:
        return None
    key = ((s_span - 1 - s_int) * t_span + (t_span - 1 - t_int)) << id_bits
    key |= np.arange(n, dtype=np.int64) if ids is None else ids
    key.sort()
    ranks_sorted = key & ((1 << id_bits) - 1)
    if ids is None:
        return ranks_sorted
    where = np.full(id_span, NONE, dtype=np.int64)
    where[ids] = np.arange(n)
    return where[ranks_sorted]


# ---------------------------------------------------------------------------------------------
# Step 1: quota seats


def round_quota_seats(capacity: IntArray, share: FloatArray, rounding: str = "half_up") -> NDArray[np.int64]:
    """``round(capacity × share)`` per school with the chosen rule (四舍五入 by default; 指标到校)."""
    cap = np.asarray(capacity, dtype=np.int64)
    exact = cap * np.asarray(share, dtype=np.float64)
    tol = ROUNDING_TOLERANCE * np.maximum(1.0, np.abs(exact))
    low = np.floor(exact + tol)
    frac = exact - low
    if rounding == "floor":
        seats = low
    elif rounding == "ceil":
        seats = np.where(frac > tol, low + 1, low)
    elif rounding == "half_up":
        seats = np.where(frac >= 0.5 - tol, low + 1, low)
    elif rounding == "half_even":
        half = np.abs(frac - 0.5) <= tol
        seats = np.where(half, low + (low % 2 == 1), np.where(frac > 0.5, low + 1, low))
    else:
        raise ValueError(f"unknown rounding {rounding!r}")
    return np.clip(seats, 0, cap).astype(np.int64)


def junior_weights(inst: Instance, settings: AdmissionSettings) -> NDArray[np.int64]:
    """Each junior school's claim on quota seats as an exact integer: graduates × weight × tilt.

    Graduates default to the candidates in the file; weights are used to ``weight_decimals``
    places so the largest-remainder division is exact.
    """
    n_j = inst.juniors
    if inst.junior_graduates is not None:
        grads = np.asarray(inst.junior_graduates, dtype=np.float64)
    elif inst.junior is not None:
        j = inst.junior[inst.junior >= 0]
        grads = np.bincount(j, minlength=n_j).astype(np.float64)
    else:
        grads = np.zeros(n_j)
    weight = np.ones(n_j)
    if settings.use_weights and inst.junior_weight is not None:
        weight = weight * inst.junior_weight
    if inst.junior_rural is not None:
        weight = np.where(inst.junior_rural, weight * settings.rural_weight, weight)
    scale = 10**settings.weight_decimals
    weight_int = np.rint(weight * scale).astype(np.int64)
    return np.rint(grads).astype(np.int64) * weight_int


def allocate_quota_seats(
    school_seats: IntArray,
    claims: NDArray[np.int64],
    *,
    school_area: IntArray | None = None,
    junior_area: IntArray | None = None,
    within_area: bool = True,
) -> QuotaAllocation:
    """Divide each school's quota seats among junior schools by largest remainder (Hamilton).

    Junior school j gets ``floor(q × c_j / C)`` seats, and the ``q − Σ floor`` seats left go one
    each to the largest remainders, ties to the lower junior school index (= lower id). Only the
    junior schools of the school's area take part when ``within_area`` (places allocated to
    the junior schools *of its area*). The result sums exactly to ``q`` for every school with a
    positive total claim; a school whose area has no claim gets no pairs (``unallocated``).
    """
    seats = np.asarray(school_seats, dtype=np.int64)
    claims = np.asarray(claims, dtype=np.int64)
    m = len(seats)
    unallocated = np.zeros(m, dtype=np.int64)
    schools_parts: list[NDArray[np.int64]] = []
    juniors_parts: list[NDArray[np.int64]] = []
    all_juniors = np.flatnonzero(claims > 0)
    use_area = within_area and school_area is not None and junior_area is not None
    s_area = np.asarray(school_area if use_area else np.full(m, NONE), dtype=np.int64)
    j_area = np.asarray(junior_area, dtype=np.int64)[all_juniors] if use_area else None
    for s in np.flatnonzero(seats > 0):
        if j_area is not None and s_area[s] >= 0:
            juniors = all_juniors[(j_area == s_area[s]) | (j_area < 0)]
        else:
            juniors = all_juniors
        if not len(juniors):
            unallocated[s] = seats[s]
            continue
        schools_parts.append(np.full(len(juniors), s, dtype=np.int64))
        juniors_parts.append(juniors.astype(np.int64))
    if not schools_parts:
        empty = np.zeros(0, dtype=np.int64)
        return QuotaAllocation(seats, unallocated, empty, empty.copy(), empty.copy())
    pair_school = np.concatenate(schools_parts)
    pair_junior = np.concatenate(juniors_parts)
    c = claims[pair_junior]
    starts = np.flatnonzero(np.r_[True, pair_school[1:] != pair_school[:-1]])
    total = np.add.reduceat(c, starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(pair_school)]))
    q = seats[pair_school]
    if int(q.max()) * int(total.max()) < 2**KEY_BITS:
        num = q * c
        base = num // total[group]
        remainder = num % total[group]
    else:  # beyond int64: exact Python integers (never at realistic sizes)
        num_obj = q.astype(object) * c.astype(object)
        tot_obj = total[group].astype(object)
        base = (num_obj // tot_obj).astype(np.int64)
        remainder = np.unique(num_obj % tot_obj, return_inverse=True)[1].astype(np.int64)
    left = seats[pair_school[starts]] - np.add.reduceat(base, starts)
    order = np.lexsort((pair_junior, -remainder, group))
    pos_in_group = np.empty(len(order), dtype=np.int64)
    pos_in_group[order] = np.arange(len(order)) - starts[group[order]]
    pair_seats = base + (pos_in_group < left[group])
    return QuotaAllocation(seats, unallocated, pair_school, pair_junior, pair_seats.astype(np.int64))


# ---------------------------------------------------------------------------------------------
# Step 2: the quota batch


def quota_batch(positions: IntArray, pair: IntArray, pair_seats: IntArray) -> BoolArray:
    """Admit, within each pair, the first ``pair_seats`` candidates in the given order.

    ``positions`` are the candidates' (distinct) places in the common order and ``pair`` their quota
    pair; the result says which are admitted. One value sort of packed (pair, position) keys.
    """
    count = len(positions)
    admitted = np.zeros(count, dtype=bool)
    if not count:
        return admitted
    pos = np.asarray(positions, dtype=np.int64)
    bits = max(1, int(pos.max()).bit_length())
    key = (np.asarray(pair, dtype=np.int64) << bits) | pos
    key.sort()  # unique keys: a value sort, then (pair, position) are read back from the bits
    sorted_pair = key >> bits
    starts = np.ones(count, dtype=bool)
    starts[1:] = sorted_pair[1:] != sorted_pair[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(count), 0))
    won = (np.arange(count) - group_start) < pair_seats[sorted_pair]
    won_positions = key[won] & ((1 << bits) - 1)
    by_position = np.arange(count) if _is_sorted(pos) else np.argsort(pos)
    admitted[by_position[np.searchsorted(pos[by_position], won_positions)]] = True
    return admitted


def _is_sorted(values: NDArray[np.int64]) -> bool:
    return bool(len(values) < 2 or (values[1:] >= values[:-1]).all())


# ---------------------------------------------------------------------------------------------
# Step 3: the general batch (one dispatch of parallel preferences)


def dispatch(
    choices: IntArray, capacity: IntArray, active: BoolArray | None = None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Serial dictatorship: each row, in order, takes its first listed school with a place left.

    ``choices`` is (rows, k) with the rows already in admission order and ``-1`` for empty cells;
    ``capacity`` is (m,); rows where ``active`` is False are skipped (already admitted). Returns each
    row's school (``-1`` if none) and the places left.

    Why this is exact: a block of rows is given their first choice that is open at the start of the
    block. Schools only close over time, so a row's answer can be wrong only if a school it was
    given fills earlier in the same block; the block is committed up to the first row that would
    overfill a school, and the next block starts there. Each commit either finishes the block or
    fills a school, so the work is O(n·k) plus one block per school that fills.
    """
    rows, k = choices.shape if choices.ndim == 2 else (len(choices), 0)
    m = len(capacity)
    remaining = np.asarray(capacity, dtype=np.int64).copy()
    assigned = np.full(rows, NONE, dtype=np.int64)
    if rows == 0 or k == 0 or m == 0:
        return assigned, remaining
    # Index m is "no school": empty cells (-1) index it from the end and it is never open.
    is_open = np.zeros(m + 1, dtype=bool)
    is_open[:m] = remaining > 0
    # Row offsets into a block's flattened choices; np.take is much faster than fancy indexing here.
    offsets = np.arange(min(rows, MAX_BLOCK), dtype=np.int64) * k
    if not choices.flags.c_contiguous:
        choices = np.ascontiguousarray(choices)
    start = 0
    block = MIN_BLOCK
    while start < rows and is_open.any():
        stop = min(rows, start + block)
        part = choices[start:stop]
        first = np.take(is_open, part).argmax(axis=1)
        pick = np.take(part.reshape(-1), offsets[: stop - start] + first).astype(np.int64)
        has = np.take(is_open, pick)  # False where no listed school is open (-1 → "no school")
        if active is not None:
            has &= active[start:stop]
        pick[~has] = NONE
        counts = np.bincount(pick[has], minlength=m)
        over = np.flatnonzero(counts > remaining)
        if not len(over):
            assigned[start:stop] = pick
            remaining -= counts
            start = stop
            block = min(MAX_BLOCK, block * 2)
        else:
            cut = _first_overflow(pick, over, remaining)
            head = pick[:cut]
            assigned[start : start + cut] = head
            remaining -= np.bincount(head[head >= 0], minlength=m)
            start += cut
            block = max(MIN_BLOCK, block // 2)
        is_open[:m] = remaining > 0
    return assigned, remaining


#: Above this many schools overflowing in one block, find the first overflow in one sort rather
#: than one scan per school.
SCAN_SCHOOLS = 8


def _first_overflow(pick: NDArray[np.int64], over: IntArray, remaining: NDArray[np.int64]) -> int:
    """Position of the first row given a school whose places were all taken by earlier rows."""
    if len(over) <= SCAN_SCHOOLS:
        return min(int(np.flatnonzero(pick == c)[remaining[c]]) for c in over)
    is_over = np.zeros(len(remaining) + 1, dtype=bool)
    is_over[over] = True
    at = np.flatnonzero(is_over[pick])
    schools = pick[at]
    idx = np.argsort(schools, kind="stable")
    sorted_schools = schools[idx]
    starts = np.ones(len(idx), dtype=bool)
    starts[1:] = sorted_schools[1:] != sorted_schools[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(idx)), 0))
    occurrence = np.arange(len(idx)) - group_start
    return int(at[idx[occurrence == remaining[sorted_schools]]].min())


# ---------------------------------------------------------------------------------------------
# The whole admission


def area_ok(
    school_area: IntArray | None, cand_area: IntArray | None, school: IntArray, cand: IntArray
) -> BoolArray:
    """Whether candidate ``cand`` may go to ``school`` under 属地招生 (elementwise; -1 school → False).

    A school with no area (-1) admits from every area; a candidate with an unknown area may go
    anywhere.
    """
    valid = school >= 0
    if school_area is None or cand_area is None:
        return valid
    sa = np.where(valid, np.asarray(school_area)[np.maximum(school, 0)], NONE)
    ca = np.asarray(cand_area)[cand]
    return valid & ((sa < 0) | (ca < 0) | (sa == ca))


def candidate_area(inst: Instance) -> IntArray | None:
    """Each candidate's area: their own ``candidate_area`` or else their junior school's."""
    if inst.candidate_area is not None:
        return np.asarray(inst.candidate_area, dtype=np.int64)
    if inst.junior_area is not None and inst.junior is not None:
        ja = np.asarray(inst.junior_area, dtype=np.int64)
        j = np.asarray(inst.junior, dtype=np.int64)
        return np.where(j >= 0, ja[np.maximum(j, 0)], NONE)
    return None


def filter_by_area(school_area: IntArray, cand_area: IntArray, rows: IntArray) -> IntArray:
    """``rows`` (choices, one row per candidate of ``cand_area``) with out-of-area schools set to -1.

    属地招生: a candidate of area a may choose a school of area a or a school with no area (-1); a
    candidate of unknown area (-1) may choose any school. Done as one gather from an
    (areas + 1) × (schools + 1) table: row a holds, for each school, the school itself or -1.
    """
    school_area = np.asarray(school_area, dtype=np.int64)
    cand_area = np.asarray(cand_area, dtype=np.int64)
    m = len(school_area)
    n_areas = int(max(school_area.max(initial=NONE), cand_area.max(initial=NONE))) + 1
    # Column 0 is the empty cell (-1), column s + 1 is school s; the last row is "area unknown".
    table = np.tile(np.r_[NONE, np.arange(m)].astype(rows.dtype), (n_areas + 1, 1))
    for a in range(n_areas):
        table[a, 1:][(school_area >= 0) & (school_area != a)] = NONE
    row_offset = np.where(cand_area < 0, n_areas, cand_area) * (m + 1) + 1
    flat = table.reshape(-1)
    out = np.empty_like(rows)
    for lo in range(0, len(rows), ROW_CHUNK):  # chunks bound the int64 index temporary
        hi = lo + ROW_CHUNK
        out[lo:hi] = np.take(flat, np.add(row_offset[lo:hi, None], rows[lo:hi], dtype=np.int64))
    return out


def honoured_choices(
    inst: Instance, settings: AdmissionSettings, order: IntArray, cand_area: IntArray | None
) -> IntArray:
    """The general choices the mechanism honours, rows in admission order.

    The first ``max_choices`` columns; choices outside the candidate's area dropped when
    ``enforce_area`` (属地招生); every choice dropped for candidates below ``general_min_line``.
    The rows are gathered once into admission order so the dispatch reads memory in sequence.
    """
    choices = np.asarray(inst.choices)
    if choices.ndim != 2:
        choices = choices.reshape(inst.n, -1)
    if settings.max_choices is not None:
        choices = choices[:, : settings.max_choices]
    m = inst.m
    dtype = np.int16 if m < np.iinfo(np.int16).max else np.int32
    rows = np.take(choices, order, axis=0)
    if settings.enforce_area and inst.school_area is not None and cand_area is not None:
        out = filter_by_area(inst.school_area, np.take(cand_area, order), rows.astype(dtype, copy=False))
    else:
        out = rows.astype(dtype, copy=False)
    if settings.general_min_line is not None:
        out[np.take(np.asarray(inst.score), order) < settings.general_min_line] = NONE
    return out


def _dispatch_plan(
    settings: AdmissionSettings, private: BoolArray | None
) -> list[tuple[str, BoolArray | None]]:
    """The general batch's dispatches: one for all schools, or private and public separately."""
    if settings.private_round == "same" or private is None or not private.any():
        return [("all", None)]
    rounds: list[tuple[str, BoolArray | None]] = [("public", ~private), ("private", private)]
    return rounds if settings.private_round == "after" else rounds[::-1]


def quota_pairs(
    inst: Instance, settings: AdmissionSettings, quota: QuotaAllocation, cand_area: IntArray | None
) -> NDArray[np.int64]:
    """Each candidate's quota pair if they may take a quota seat there, else -1.

    They may if they named a school whose seats include some for their junior school, the school
    is in their area (when ``enforce_area``) and they reach the minimum control line, if any.
    """
    n = inst.n
    pair = np.full(n, NONE, dtype=np.int64)
    if inst.quota_choice is None or inst.junior is None or not len(quota.pair_school):
        return pair
    qc = np.asarray(inst.quota_choice, dtype=np.int64)
    who = np.flatnonzero(qc >= 0)
    school = qc[who]
    p = quota.pair_index(school, np.asarray(inst.junior, dtype=np.int64)[who], max(inst.juniors, 1))
    ok = p >= 0
    ok[ok] &= quota.pair_seats[p[ok]] > 0
    if settings.enforce_area:
        ok &= area_ok(inst.school_area, cand_area, school, who)
    if settings.quota_min_line is not None:
        ok &= np.asarray(inst.score)[who] >= settings.quota_min_line
    pair[who[ok]] = p[ok]
    return pair


def check_instance(inst: Instance) -> None:
    """Refuse arrays that break the mechanism's assumptions (the CSV reader never produces them)."""
    n, m = inst.n, inst.m
    choices = np.asarray(inst.choices)
    if choices.ndim != 2 or len(choices) != n:
        raise ValueError(f"choices must have shape (n, k) with n = {n}, got {choices.shape}")
    if choices.size and (choices.min() < NONE or choices.max() >= m):
        raise ValueError(f"choices must be school indices 0..{m - 1} or -1")
    if (np.asarray(inst.capacity) < 0).any():
        raise ValueError("capacity must not be negative")
    if inst.quota_share is not None:
        share = np.asarray(inst.quota_share, dtype=np.float64)
        if len(share) != m or not ((share >= 0) & (share <= 1)).all():
            raise ValueError("quota_share must have one value in [0, 1] per school")
    for name in ("tiebreak", "id_rank", "junior", "quota_choice", "candidate_area"):
        arr = getattr(inst, name)
        if arr is not None and len(arr) != n:
            raise ValueError(f"{name} must have one value per candidate ({n}), got {len(arr)}")
    if inst.quota_choice is not None and len(inst.quota_choice):
        qc = np.asarray(inst.quota_choice)
        if qc.min() < NONE or qc.max() >= m:
            raise ValueError(f"quota_choice must be a school index 0..{m - 1} or -1")


def admit(inst: Instance, settings: AdmissionSettings | None = None) -> Outcome:
    """Run the whole admission of quota seats, quota batch and general batch, in order.

    Internally every per-candidate array is kept in admission order ("sorted space") so that each
    batch reads memory in sequence; the outcome is given back in input order.
    """
    settings = settings or AdmissionSettings()
    check_instance(inst)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    n, m = inst.n, inst.m
    capacity = np.asarray(inst.capacity, dtype=np.int64)
    order = candidate_order(inst.score, inst.tiebreak, inst.id_rank)
    lap("order")

    share = np.zeros(m) if inst.quota_share is None else np.asarray(inst.quota_share, dtype=np.float64)
    seats = round_quota_seats(capacity, share, settings.rounding)
    private = None if inst.private is None else np.asarray(inst.private, dtype=bool)
    cand_area = candidate_area(inst)
    if seats.any() and inst.junior is not None:
        quota = allocate_quota_seats(
            seats,
            junior_weights(inst, settings),
            school_area=inst.school_area,
            junior_area=inst.junior_area,
            within_area=settings.quota_within_area,
        )
    else:
        empty = np.zeros(0, dtype=np.int64)
        quota = QuotaAllocation(seats, seats.copy(), empty, empty.copy(), empty.copy())
    reserved = seats - quota.unallocated  # seats actually held back for junior schools
    pair_of = np.take(quota_pairs(inst, settings, quota, cand_area), order)
    lap("quota_seats")

    honoured = honoured_choices(inst, settings, order, cand_area)
    lap("choices")

    # Sorted space: position p is the candidate order[p].
    school_s = np.full(n, NONE, dtype=np.int64)
    batch_s = np.zeros(n, dtype=np.int8)
    step_s = np.full(n, NONE, dtype=np.int8)
    participant_s = np.zeros(n, dtype=bool)
    steps: list[Step] = []
    pair_used = np.zeros(len(quota.pair_school), dtype=np.int64)

    def run_quota() -> NDArray[np.int64]:
        pos = np.flatnonzero((pair_of >= 0) & (school_s == NONE))
        participant_s[pos] = True
        won = pos[quota_batch(pos, pair_of[pos], quota.pair_seats)]
        school_s[won] = quota.pair_school[pair_of[won]]
        batch_s[won] = BATCH_QUOTA
        step_s[won] = len(steps)
        pair_used[:] = np.bincount(pair_of[won], minlength=len(pair_used))
        steps.append(Step("quota", BATCH_QUOTA, "all"))
        lap("quota_batch")
        return reserved - np.bincount(quota.pair_school, weights=pair_used, minlength=m).astype(np.int64)

    def run_general(cap: NDArray[np.int64]) -> NDArray[np.int64]:
        remaining = cap.copy()
        for ownership, allowed in _dispatch_plan(settings, private):
            rows = honoured
            if allowed is not None:
                rows = np.where(np.r_[allowed, False][rows], rows, NONE).astype(rows.dtype)
            active = school_s == NONE
            got, remaining = dispatch(rows, remaining, active if not active.all() else None)
            placed = np.flatnonzero(got >= 0)
            school_s[placed] = got[placed]
            batch_s[placed] = BATCH_GENERAL
            step_s[placed] = len(steps)
            name = "general" if ownership == "all" else f"general:{ownership}"
            steps.append(Step(name, BATCH_GENERAL, ownership))
            lap("dispatch")
        return remaining

    returned = np.zeros(m, dtype=np.int64)
    if settings.batch_order == "quota_first":
        unused = run_quota()
        if settings.return_unused_quota:
            returned = unused
        remaining = run_general(capacity - reserved + returned)
    else:
        remaining = run_general(capacity - reserved)
        unused = run_quota()
        if settings.return_unused_quota and unused.any():
            returned = unused
            remaining = run_general(remaining + returned)

    school = np.empty(n, dtype=np.int64)
    school[order] = school_s
    batch = np.empty(n, dtype=np.int8)
    batch[order] = batch_s
    lap("outcome")
    return Outcome(
        school=school,
        batch=batch,
        order=order,
        steps=steps,
        school_sorted=school_s,
        batch_sorted=batch_s,
        step_sorted=step_s,
        quota_pair_sorted=pair_of,
        quota_participant_sorted=participant_s,
        general_choices_sorted=honoured,
        quota=quota,
        pair_used=pair_used,
        general_offered=capacity - reserved + returned,
        general_remaining=remaining,
        returned=returned,
        timings=timings,
    )
