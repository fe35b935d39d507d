"""``eduplan admissions audit``: check a real admissions result against the published plan.

The simulation's checks (:mod:`.checks`) pass by construction on the platform's own admissions; a
real result comes from the admissions office's system and is what the plan's principles must be
judged on. This module reads such a result — one row per candidate, with a pseudonymous candidate
id, junior school, score, choices and the school admitted to — together with the published plan
(the schools' places, their areas and ownership, and the quota seats 指标到校 allocated to each
junior school) and names every breach:

- ``over_capacity``: a school admits more than its published places;
- ``quota_unallocated`` / ``quota_over``: a quota admission where the junior school has no quota
  seat at that school, or more than its seats;
- ``quota_withheld``: a quota seat of a junior school left unused (or given to a lower score) while
  a candidate of that junior school who named the school for the quota batch was not admitted on it;
- ``out_of_order``: score first, follow preferences (平行志愿): a candidate not admitted to a school
  they listed above the one they got (or while left unplaced), although that school admitted a lower
  score in the general batch or kept places empty;
- ``not_chosen``: admitted to a school the candidate did not list (or a quota school they did not
  name);
- ``cross_area``: 属地招生: a school with an area admits a candidate of another area;
- ``private_early``: 公民办同步招生: a private school admits in a round before the first round in
  which public schools admit (needs the result's ``round`` column; without it the check says so).

Candidates are minors: the file is read in passing and nothing is stored. The report keeps only
the counts and the breaches, each naming the pseudonymous candidate id (or the school) and the
figures that make it a breach; never a candidate's row beyond that.

Files (CSV, UTF-8 or GBK; the header is row 1; see docs/admissions.md):

- result: ``candidate_id, junior_school, score, choice_1 … choice_k, admitted_school[, batch]
  [, quota_choice][, area][, round]``; ``batch`` is ``quota`` or ``general`` (empty for an unplaced
  candidate; without the column every admission is general);
- schools (the published plan): ``school_id, capacity[, area][, ownership]``;
- quotas (the published allocation of quota seats): ``junior_school, school_id, seats``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AdmissionsInputError, cell_problem
from .io import (
    CHOICE_COLUMN,
    PRIVATE_WORDS,
    PUBLIC_WORDS,
    CsvTable,
    read_csv_table,
)

#: The breach kinds, in report order, with their Chinese and English titles.
CHECKS: dict[str, tuple[str, str]] = {
    "over_capacity": ("超计划录取", "admitted beyond the published places"),
    "quota_unallocated": ("无指标到校名额的指标生录取", "quota admission without a quota seat"),
    "quota_over": ("指标到校录取超过分配名额", "quota admissions beyond the allocated seats"),
    "quota_withheld": (
        "指标到校名额未按分数分给填报的考生",
        "quota seat withheld from a candidate who named it",
    ),
    "out_of_order": ("未按分数优先、遵循志愿录取", "not admitted by score and preference order"),
    "not_chosen": ("录取到未填报的学校", "admitted to a school not chosen"),
    "cross_area": ("跨区域招生", "admission across areas"),
    "private_early": ("民办学校提前招生", "a private school admitting before the public schools"),
}

#: Column names of the result file beyond the candidates file's (``io.COLUMN_ALIASES``).
RESULT_ALIASES = {
    "school_id": "admitted_school",
    "录取学校": "admitted_school",
    "录取批次": "batch",
    "批次": "batch",
    "轮次": "round",
}
QUOTA_ALIASES = {"名额": "seats", "指标数": "seats"}
QUOTA = "quota"
GENERAL = "general"
BATCH_WORDS = {"quota": QUOTA, "指标到校": QUOTA, "general": GENERAL, "统招": GENERAL, "": ""}


@dataclass
class Breach:
    check: str
    what: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, **self.what}


@dataclass
class AuditReport:
    """Counts and breaches only: no candidate's data beyond the breach that names them."""

    files: dict[str, str]
    candidates: int
    admitted: int
    admitted_quota: int
    unplaced: int
    breaches: list[Breach] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        c = Counter(b.check for b in self.breaches)
        return {k: c.get(k, 0) for k in CHECKS}

    @property
    def passed(self) -> bool:
        return not self.breaches

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "candidates": self.candidates,
            "admitted": self.admitted,
            "admitted_quota": self.admitted_quota,
            "unplaced": self.unplaced,
            "checks": [
                {"check": k, "title_zh": zh, "title_en": en, "count": self.counts()[k]}
                for k, (zh, en) in CHECKS.items()
            ],
            "breaches": [b.as_dict() for b in self.breaches],
            "notes": self.notes,
        }


# -- reading ---------------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def cell(self, table: CsvTable, index: int | None, column: str | None, zh: str, en: str) -> None:
        row = table.row_number(index) if index is not None else None
        self.items.append(cell_problem(table.file, row, column, zh, en))

    def raise_if_any(self) -> None:
        if self.items:
            raise AdmissionsInputError(self.items)


def _read(path: str | Path, aliases: dict[str, str] | None = None) -> tuple[CsvTable, dict[str, list[str]]]:
    table = read_csv_table(path)
    aliases = aliases or {}
    cols = {aliases.get(name, name): table.text(name).to_pylist() for name in table.columns}
    return table, cols


def _require(table: CsvTable, cols: dict[str, list[str]], names: tuple[str, ...], p: _Problems) -> bool:
    missing = [n for n in names if n not in cols]
    for n in missing:
        p.cell(
            table,
            None,
            n,
            f"缺少此列(现有: {', '.join(cols)})",
            f"missing column (columns found: {', '.join(cols)})",
        )
    return not missing


def _number(table: CsvTable, col: str, i: int, text: str, p: _Problems, *, integer: bool = False) -> float:
    try:
        value = float(text)
        if not math.isfinite(value) or (integer and (value != int(value) or value < 0)):
            raise ValueError
        return value
    except ValueError:
        want_zh, want_en = ("非负整数", "a whole number ≥ 0") if integer else ("数值", "a number")
        p.cell(table, i, col, f"'{text}' 不是{want_zh}", f"'{text}' is not {want_en}")
        return 0.0


@dataclass
class _Plan:
    capacity: dict[str, int]
    area: dict[str, str]
    private: dict[str, bool]
    quotas: dict[tuple[str, str], int]


def _read_plan(schools: str | Path, quotas: str | Path | None) -> _Plan:
    p = _Problems()
    table, cols = _read(schools)
    plan = _Plan({}, {}, {}, {})
    if _require(table, cols, ("school_id", "capacity"), p):
        for i, sid in enumerate(cols["school_id"]):
            if not sid:
                p.cell(table, i, "school_id", "学校代码为空", "empty school id")
                continue
            if sid in plan.capacity:
                p.cell(table, i, "school_id", f"学校 {sid} 重复", f"school {sid} listed twice")
            plan.capacity[sid] = int(_number(table, "capacity", i, cols["capacity"][i], p, integer=True))
            if "area" in cols and cols["area"][i]:
                plan.area[sid] = cols["area"][i]
            word = cols["ownership"][i].lower() if "ownership" in cols else ""
            if word not in PUBLIC_WORDS | PRIVATE_WORDS:
                p.cell(
                    table, i, "ownership", f"'{word}' 应为 公办/民办", f"'{word}' should be public or private"
                )
            plan.private[sid] = word in PRIVATE_WORDS
    p.raise_if_any()
    if quotas is not None:
        qt, qc = _read(quotas, QUOTA_ALIASES)
        if _require(qt, qc, ("junior_school", "school_id", "seats"), p):
            for i, (junior, sid) in enumerate(zip(qc["junior_school"], qc["school_id"], strict=True)):
                if sid not in plan.capacity:
                    p.cell(
                        qt,
                        i,
                        "school_id",
                        f"学校 '{sid}' 不在学校文件中",
                        f"school '{sid}' is not in the schools file",
                    )
                if not junior:
                    p.cell(qt, i, "junior_school", "初中学校为空", "empty junior school")
                if (junior, sid) in plan.quotas:
                    p.cell(qt, i, "junior_school", "名额重复", f"seats of {junior} at {sid} given twice")
                plan.quotas[(junior, sid)] = int(_number(qt, "seats", i, qc["seats"][i], p, integer=True))
        p.raise_if_any()
    return plan


@dataclass
class _Candidate:
    id: str
    junior: str
    score: float
    choices: list[str]
    school: str
    batch: str
    quota_choice: str
    area: str
    round: int | None


def _read_result(path: str | Path, plan: _Plan, has_quotas: bool) -> tuple[list[_Candidate], bool]:
    p = _Problems()
    table, cols = _read(path, RESULT_ALIASES)
    if not _require(table, cols, ("candidate_id", "junior_school", "score", "admitted_school"), p):
        p.raise_if_any()
    numbered = sorted(
        (int(m.group(1)), name) for name in cols if (m := CHOICE_COLUMN.match(name)) is not None
    )
    if not numbered:
        p.cell(
            table,
            None,
            "choice_1",
            "缺少志愿列 choice_1 … choice_k",
            "missing the choice columns choice_1 … choice_k",
        )
    elif [n for n, _ in numbered] != list(range(1, len(numbered) + 1)):
        p.cell(
            table,
            None,
            "choice_1",
            "志愿列应从 choice_1 起连续编号",
            "choice columns must be numbered from choice_1 without gaps",
        )
    if plan.area and "area" not in cols:
        p.cell(
            table,
            None,
            "area",
            "学校有区域, 结果缺少考生区域列",
            "the schools have areas: the result needs the candidates' area column",
        )
    p.raise_if_any()
    choice_cols = [name for _, name in numbered]
    known = plan.capacity
    seen: dict[str, int] = {}
    out: list[_Candidate] = []
    for i in range(table.rows):
        cid = cols["candidate_id"][i]
        if not cid:
            p.cell(table, i, "candidate_id", "考生号为空", "empty candidate id")
        elif cid in seen:
            p.cell(
                table,
                i,
                "candidate_id",
                f"考生 {cid} 重复(同第 {table.row_number(seen[cid])} 行)",
                f"candidate {cid} appears twice (as row {table.row_number(seen[cid])})",
            )
        seen.setdefault(cid, i)
        score = _number(table, "score", i, cols["score"][i], p)
        choices = []
        for name in choice_cols:
            sid = cols[name][i]
            if sid and sid not in known:
                p.cell(
                    table,
                    i,
                    name,
                    f"学校 '{sid}' 不在学校文件中",
                    f"school '{sid}' is not in the schools file",
                )
            if sid:
                choices.append(sid)
        school = cols["admitted_school"][i]
        if school and school not in known:
            p.cell(
                table,
                i,
                "admitted_school",
                f"学校 '{school}' 不在学校文件中",
                f"school '{school}' is not in the schools file",
            )
        word = cols["batch"][i].lower() if "batch" in cols else (GENERAL if school else "")
        batch = BATCH_WORDS.get(word)
        if batch is None:
            p.cell(
                table,
                i,
                "batch",
                f"'{word}' 应为 quota/general(指标到校/统招)",
                f"'{word}' should be quota or general",
            )
            batch = ""
        elif bool(batch) != bool(school):
            p.cell(
                table,
                i,
                "batch",
                "录取学校与批次应同时填写或同时为空",
                "the admitted school and the batch are both given or both empty",
            )
        if batch == QUOTA and not has_quotas:
            p.cell(
                table,
                i,
                "batch",
                "指标到校录取, 但未提供指标分配文件 (--quotas)",
                "a quota admission, but no quota allocation file was given (--quotas)",
            )
        quota_choice = cols["quota_choice"][i] if "quota_choice" in cols else ""
        if quota_choice and quota_choice not in known:
            p.cell(
                table,
                i,
                "quota_choice",
                f"学校 '{quota_choice}' 不在学校文件中",
                f"school '{quota_choice}' is not in the schools file",
            )
        rnd: int | None = None
        if "round" in cols:
            if school:
                rnd = int(_number(table, "round", i, cols["round"][i], p, integer=True))
        out.append(
            _Candidate(
                cid,
                cols["junior_school"][i],
                score,
                choices,
                school,
                batch,
                quota_choice,
                cols["area"][i] if "area" in cols else "",
                rnd,
            )
        )
    p.raise_if_any()
    return out, "round" in cols


# -- checking --------------------------------------------------------------------------------------


def audit_candidates(
    candidates: list[_Candidate], plan: _Plan, has_rounds: bool
) -> tuple[list[Breach], list[str]]:
    """Every breach of the plan's principles in ``candidates``' result, in check order."""
    found: dict[str, list[Breach]] = defaultdict(list)
    notes: list[str] = []

    def add(check: str, **what: Any) -> None:
        found[check].append(Breach(check, what))

    admitted = Counter(c.school for c in candidates if c.school)
    for sid, n in sorted(admitted.items()):
        if n > plan.capacity[sid]:
            add("over_capacity", school_id=sid, admitted=n, capacity=plan.capacity[sid])

    # Quota seats (指标到校): admitted within the allocation, and by score among those who named it.
    quota_used: Counter[tuple[str, str]] = Counter()
    quota_low: dict[tuple[str, str], float] = {}
    for c in candidates:
        if c.batch != QUOTA:
            continue
        pair = (c.junior, c.school)
        quota_used[pair] += 1
        quota_low[pair] = min(quota_low.get(pair, math.inf), c.score)
        if pair not in plan.quotas or plan.quotas[pair] == 0:
            add("quota_unallocated", candidate_id=c.id, junior_school=c.junior, school_id=c.school)
        if c.quota_choice and c.quota_choice != c.school:
            add("not_chosen", candidate_id=c.id, school_id=c.school, batch=QUOTA, named=c.quota_choice)
    for pair, n in sorted(quota_used.items()):
        if pair in plan.quotas and 0 < plan.quotas[pair] < n:
            add("quota_over", junior_school=pair[0], school_id=pair[1], admitted=n, seats=plan.quotas[pair])
    for c in candidates:
        if not c.quota_choice or (c.batch == QUOTA and c.school == c.quota_choice):
            continue
        pair = (c.junior, c.quota_choice)
        seats = plan.quotas.get(pair, 0)
        if not seats:
            continue
        used = quota_used.get(pair, 0)
        if used < seats:
            add(
                "quota_withheld",
                candidate_id=c.id,
                score=c.score,
                junior_school=c.junior,
                school_id=c.quota_choice,
                reason="指标有空余 quota seats left",
                seats=seats,
                used=used,
            )
        elif c.score > quota_low[pair]:
            add(
                "quota_withheld",
                candidate_id=c.id,
                score=c.score,
                junior_school=c.junior,
                school_id=c.quota_choice,
                reason="分数高于本校指标录取线 above the quota cutoff",
                cutoff_score=quota_low[pair],
            )

    # General batch: score first, follow preferences.
    general_low: dict[str, float] = {}
    for c in candidates:
        if c.batch == GENERAL:
            general_low[c.school] = min(general_low.get(c.school, math.inf), c.score)
            if c.school not in c.choices:
                add("not_chosen", candidate_id=c.id, school_id=c.school, batch=GENERAL)
    for c in candidates:
        if c.batch == QUOTA:
            continue  # a quota admission is binding
        listed = c.choices
        if c.school in listed:
            listed = listed[: listed.index(c.school)]
        for sid in listed:
            school_area = plan.area.get(sid)
            if school_area and c.area and school_area != c.area:
                continue  # not admissible there: 属地招生
            if admitted.get(sid, 0) < plan.capacity[sid]:
                add(
                    "out_of_order",
                    candidate_id=c.id,
                    score=c.score,
                    admitted_to=c.school or None,
                    blocked_school=sid,
                    reason="有空位 seats left",
                )
                break
            if c.score > general_low.get(sid, math.inf):
                add(
                    "out_of_order",
                    candidate_id=c.id,
                    score=c.score,
                    admitted_to=c.school or None,
                    blocked_school=sid,
                    reason="分数高于该校录取线 above the school's cutoff",
                    cutoff_score=general_low[sid],
                )
                break

    for c in candidates:
        school_area = plan.area.get(c.school) if c.school else None
        if school_area and c.area and school_area != c.area:
            add(
                "cross_area",
                candidate_id=c.id,
                candidate_area=c.area,
                school_id=c.school,
                school_area=school_area,
            )

    if has_rounds:
        public_rounds = [
            c.round for c in candidates if c.school and not plan.private[c.school] and c.round is not None
        ]
        first_public = min(public_rounds) if public_rounds else None
        early: Counter[tuple[str, int]] = Counter()
        for c in candidates:
            if c.school and plan.private[c.school] and c.round is not None:
                if first_public is None or c.round < first_public:
                    early[(c.school, c.round)] += 1
        for (sid, rnd), n in sorted(early.items()):
            add("private_early", school_id=sid, round=rnd, admitted=n, first_public_round=first_public)
    else:
        notes.append(
            "结果文件没有轮次列(round), 未核查公民办同步招生 / no round column in the result: "
            "private and public admitting together was not checked"
        )
    return [b for k in CHECKS for b in found.get(k, [])], notes


def audit(results: str | Path, schools: str | Path, quotas: str | Path | None = None) -> AuditReport:
    """Read the published plan and the result, and return the counts and every breach.

    Raises :class:`AdmissionsInputError` naming file, row and column for a malformed file; nothing
    is written or stored.
    """
    plan = _read_plan(schools, quotas)
    candidates, has_rounds = _read_result(results, plan, quotas is not None)
    breaches, notes = audit_candidates(candidates, plan, has_rounds)
    files = {"results": Path(results).name, "schools": Path(schools).name}
    if quotas is not None:
        files["quotas"] = Path(quotas).name
    return AuditReport(
        files=files,
        candidates=len(candidates),
        admitted=sum(1 for c in candidates if c.school),
        admitted_quota=sum(1 for c in candidates if c.batch == QUOTA),
        unplaced=sum(1 for c in candidates if not c.school),
        breaches=breaches,
        notes=notes,
    )
