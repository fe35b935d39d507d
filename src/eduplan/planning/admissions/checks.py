"""The checks reported with every admission result.

The plan (二(一) 强化普通高中招生管理) asks for four things an admission result can be checked against:

- ``same_area`` — 属地招生, no cross-area cherry-picking (坚决杜绝违规跨区域掐尖招生): no school
  with an area admits a candidate of another area;
- ``same_round`` — 公民办同步招生: no private school admits in a step before the public schools do;
- ``stability`` — score first, follow preferences (平行志愿) and "everyone who can be admitted is
  admitted" (应招尽招): no candidate who listed a school above the one they got (or got nothing)
  either finds it with places left or ranks before its last admitted candidate; for quota seats, the
  same within each (junior school, school) pair. Ties are broken by the tie-break, then by id, so a
  candidate with the cutoff's score but a worse tie-break is not blocked;
- ``empty_seats`` — no school ends with empty places (general or unreturned quota seats) while a
  candidate who listed it stays unplaced.

With the default settings all four pass by construction; the other settings show what breaks
(``private_round = "before"``, ``enforce_area = false``, ``batch_order = "general_first"`` …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from eduplan.planning.admissions.labels import Labels
from eduplan.planning.admissions.mechanism import (
    BATCH_GENERAL,
    BATCH_NAMES,
    BATCH_QUOTA,
    NONE,
    ROW_CHUNK,
    Instance,
    Outcome,
    candidate_area,
    filter_by_area,
)
from eduplan.planning.admissions.settings import AdmissionSettings
from eduplan.plans.checks import clause_text

#: The check the admission mechanism is; the plan in force maps it to its clause.
CHECK = "planning_tool:admissions"


@dataclass
class CheckResult:
    """One check: whether it passed, how many violations, and the first few as example rows."""

    check: str
    title_zh: str
    title_en: str
    count: int
    examples: list[dict[str, Any]] = field(default_factory=list)
    clause: str = field(default_factory=lambda: clause_text(CHECK))

    @property
    def passed(self) -> bool:
        return self.count == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "clause": self.clause,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "passed": self.passed,
            "count": self.count,
            "examples": self.examples,
        }


def _score(inst: Instance, i: int) -> float:
    return float(inst.score[i])


def check_same_area(inst: Instance, out: Outcome, labels: Labels, limit: int) -> CheckResult:
    """属地招生: admissions where the school's area is set and differs from the candidate's."""
    result = CheckResult("same_area", "属地招生, 不跨区域招生", "admission within the school's own area", 0)
    ca = candidate_area(inst)
    if inst.school_area is None or ca is None:
        return result
    placed = np.flatnonzero(out.school_sorted >= 0)  # positions, so examples come in order
    sa = np.asarray(inst.school_area)[out.school_sorted[placed]]
    cav = ca[out.order[placed]]
    bad = out.order[placed[(sa >= 0) & (cav >= 0) & (sa != cav)]]
    result.count = len(bad)
    for i in bad[:limit]:
        i = int(i)
        s = int(out.school[i])
        result.examples.append(
            {
                "candidate_id": labels.candidate(i),
                "score": _score(inst, i),
                "candidate_area": labels.area(int(ca[i])),
                "school_id": labels.school(s),
                "school_area": labels.area(int(inst.school_area[s])),
                "batch": BATCH_NAMES[int(out.batch[i])],
            }
        )
    return result


def check_same_round(inst: Instance, out: Outcome, labels: Labels, limit: int) -> CheckResult:
    """公民办同步招生: private schools admitting in a private-only step before the public general round.

    A step shared by all schools (the quota batch, or the general batch with ``private_round =
    "same"``) is the same round for both; only a step of private schools alone that runs before the
    first general step open to public schools is an early private round.
    """
    result = CheckResult(
        "same_round", "公民办同步招生", "private and public schools admit in the same round", 0
    )
    if inst.private is None:
        return result
    public_general = [
        i for i, st in enumerate(out.steps) if st.batch == BATCH_GENERAL and st.ownership in ("all", "public")
    ]
    first_public = public_general[0] if public_general else len(out.steps)
    early_steps = [i for i, st in enumerate(out.steps[:first_public]) if st.ownership == "private"]
    if not early_steps:
        return result
    private = np.asarray(inst.private, dtype=bool)
    placed = np.flatnonzero(out.school_sorted >= 0)
    school_of = out.school_sorted[placed]
    early = placed[private[school_of] & np.isin(out.step_sorted[placed], early_steps)]
    result.count = len(early)
    if len(early):
        schools, counts = np.unique(out.school_sorted[early], return_counts=True)
        for s, c in list(zip(schools.tolist(), counts.tolist(), strict=True))[:limit]:
            result.examples.append(
                {
                    "school_id": labels.school(s),
                    "admitted_early": c,
                    "step": ", ".join(out.steps[i].name for i in early_steps),
                    "public_round": out.steps[first_public].name if first_public < len(out.steps) else "",
                }
            )
    return result


def general_blocking(out: Outcome) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Blocking (candidate, school) pairs of the general batch, in admission order.

    Returns candidate indices, school indices and whether the school had places left (else the
    candidate ranks before its last general admit). Candidates admitted on a quota seat are not
    considered: a quota admission is binding.

    A candidate at position p blocks at school x iff p < threshold[x], where the threshold is n for
    a school with places left and the position of its last general admit otherwise; so one gather
    of thresholds over the choice matrix finds every blocking pair.
    """
    honoured = out.general_choices_sorted
    n, k = honoured.shape
    m = len(out.general_remaining)
    school_s = out.school_sorted
    batch_s = out.batch_sorted
    general = np.flatnonzero(batch_s == BATCH_GENERAL)
    last = np.full(m, NONE, dtype=np.int64)
    if len(general):
        np.maximum.at(last, school_s[general], general)
    threshold = np.full(m + 1, NONE, dtype=np.int64)  # index m (empty cells, -1) never blocks
    threshold[:m] = np.where(out.general_remaining > 0, n, last)
    # Column of each candidate's general school in their list; k (= all columns) when unplaced.
    limit = np.full(n, k, dtype=np.int64)
    limit[batch_s == BATCH_QUOTA] = 0
    if len(general) and k:
        hit = np.take(honoured, general, axis=0) == school_s[general][:, None]
        limit[general] = hit.argmax(axis=1)
    candidates = np.flatnonzero(limit > 0)
    found_pos: list[NDArray[np.int64]] = []
    found_school: list[NDArray[np.int64]] = []
    for lo in range(0, len(candidates), ROW_CHUNK):  # chunks bound the temporaries at any n
        rows = candidates[lo : lo + ROW_CHUNK]
        sub = np.take(honoured, rows, axis=0)
        blocked = (np.take(threshold, sub) > rows[:, None]) & (np.arange(k)[None, :] < limit[rows][:, None])
        r, c = np.nonzero(blocked)
        found_pos.append(rows[r])
        found_school.append(sub[r, c].astype(np.int64))
    positions = np.concatenate(found_pos) if found_pos else np.zeros(0, dtype=np.int64)
    schools = np.concatenate(found_school) if found_school else np.zeros(0, dtype=np.int64)
    return out.order[positions].astype(np.int64), schools, out.general_remaining[schools] > 0


def check_stability(inst: Instance, out: Outcome, labels: Labels, limit: int) -> CheckResult:
    """平行志愿 and 应招尽招: no candidate is kept from a listed school they rank above (or that has room)."""
    result = CheckResult(
        "stability",
        "分数优先、遵循志愿: 无高分未录、无有空位未录",
        "score first, follow preferences: nobody is kept out of a listed school with room or with a lower cutoff",
        0,
    )
    cands, schools, with_room = general_blocking(out)
    m = inst.m
    school_s = out.school_sorted
    general = np.flatnonzero(out.batch_sorted == BATCH_GENERAL)
    last = np.full(m, NONE, dtype=np.int64)
    if len(general):
        np.maximum.at(last, school_s[general], general)
    examples: list[dict[str, Any]] = []
    for i, s, room in zip(
        cands[:limit].tolist(), schools[:limit].tolist(), with_room[:limit].tolist(), strict=True
    ):
        cut = int(last[s])
        examples.append(
            {
                "candidate_id": labels.candidate(i),
                "score": _score(inst, i),
                "admitted_to": labels.school(int(out.school[i])),
                "batch": "general",
                "blocked_school": labels.school(s),
                "reason": "有空位 seats left" if room else "排名高于录取线 ranks above the cutoff",
                "cutoff_score": float(inst.score[out.order[cut]]) if cut >= 0 else None,
            }
        )
    count = len(cands)

    # Quota seats: within each (junior school, school) pair, by the same order.
    pair_s = out.quota_pair_sorted
    part_s = out.quota_participant_sorted
    batch_s = out.batch_sorted
    n_pairs = len(out.quota.pair_seats)
    if n_pairs and part_s.any():
        won = np.flatnonzero(part_s & (batch_s == BATCH_QUOTA))
        last_q = np.full(n_pairs, NONE, dtype=np.int64)
        np.maximum.at(last_q, pair_s[won], won)
        room = out.pair_used < out.quota.pair_seats
        lost = np.flatnonzero(part_s & (batch_s != BATCH_QUOTA))
        p = pair_s[lost]
        blocked = room[p] | (lost < last_q[p])
        bad = lost[blocked]
        count += len(bad)
        for pos in bad[: max(0, limit - len(examples))].tolist():
            i = int(out.order[pos])
            pr = int(pair_s[pos])
            cut = int(last_q[pr])
            examples.append(
                {
                    "candidate_id": labels.candidate(i),
                    "score": _score(inst, i),
                    "admitted_to": labels.school(int(out.school[i])),
                    "batch": "quota",
                    "blocked_school": labels.school(int(out.quota.pair_school[pr])),
                    "reason": "指标有空余 quota seats left"
                    if room[pr]
                    else "排名高于本校指标录取线 ranks above the junior school's quota cutoff",
                    "cutoff_score": float(inst.score[out.order[cut]]) if cut >= 0 else None,
                }
            )
    result.count = count
    result.examples = examples
    return result


def check_empty_seats(
    inst: Instance, out: Outcome, labels: Labels, limit: int, enforce_area: bool = True
) -> CheckResult:
    """应招尽招: schools with empty places that an unplaced candidate listed.

    Every listed choice counts (in the candidate's area when areas are enforced), including those a
    minimum line or a shorter list of honoured choices set aside: asks that no line set in
    advance keep willing candidates out of empty places.
    """
    result = CheckResult(
        "empty_seats",
        "应招尽招: 有空位时不让填报该校的考生落选",
        "no empty places while an unplaced candidate listed the school",
        0,
    )
    m = inst.m
    admitted = np.bincount(out.school[out.school >= 0], minlength=m)
    empty = np.asarray(inst.capacity, dtype=np.int64) - admitted
    unplaced = np.flatnonzero(out.school == NONE)
    listed = np.take(np.asarray(inst.choices), unplaced, axis=0)
    ca = candidate_area(inst)
    if enforce_area and inst.school_area is not None and ca is not None:
        listed = filter_by_area(inst.school_area, ca[unplaced], listed)
    wanted = np.bincount(listed[listed >= 0].ravel(), minlength=m)
    bad = np.flatnonzero((empty > 0) & (wanted > 0))
    result.count = int(empty[bad].sum())
    reserved = out.quota.school_seats - out.quota.unallocated
    used = np.bincount(out.quota.pair_school, weights=out.pair_used, minlength=m).astype(np.int64)
    for s in bad[:limit].tolist():
        result.examples.append(
            {
                "school_id": labels.school(s),
                "empty_seats": int(empty[s]),
                "unreturned_quota_seats": int(reserved[s] - used[s] - out.returned[s]),
                "unplaced_who_listed_it": int(wanted[s]),
            }
        )
    return result


def run_checks(
    inst: Instance, out: Outcome, labels: Labels | None = None, settings: AdmissionSettings | None = None
) -> list[CheckResult]:
    """All checks, each with up to ``settings.max_examples`` example rows."""
    labels = labels or Labels.numbered(inst)
    settings = settings or AdmissionSettings()
    limit = settings.max_examples
    return [
        check_same_area(inst, out, labels, limit),
        check_same_round(inst, out, labels, limit),
        check_stability(inst, out, labels, limit),
        check_empty_seats(inst, out, labels, limit, settings.enforce_area),
    ]
