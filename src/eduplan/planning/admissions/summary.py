"""The summary an admissions office publishes and audits: per school, per junior school, checks.

Per school: places, quota seats (and how they were divided), admitted per batch, empty places and
the cutoff (lowest admitted score, overall and per batch, with the tie-break value at the cutoff).
Per junior school: the quota seats it received, used and returned. Written as JSON (for scripts)
and xlsx (for people) through :mod:`eduplan.output`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from eduplan.planning.admissions.checks import CHECK, CheckResult, run_checks
from eduplan.planning.admissions.labels import Labels
from eduplan.planning.admissions.mechanism import BATCH_GENERAL, BATCH_QUOTA, NONE, Instance, Outcome
from eduplan.planning.admissions.settings import AdmissionSettings
from eduplan.plans.checks import clause_text

#: Display labels for the xlsx summary (Chinese first; JSON keeps the keys).
HEADERS = {
    "school_id": "学校代码 school",
    "name": "学校名称 name",
    "area": "区域 area",
    "ownership": "办学性质 ownership",
    "capacity": "招生计划 capacity",
    "quota_seats": "指标到校名额 quota seats",
    "quota_unallocated": "无可分配初中的名额 quota seats with no junior school",
    "admitted_quota": "指标到校录取 admitted (quota)",
    "quota_returned": "退回统招 quota seats returned",
    "general_offered": "统招计划 general seats offered",
    "admitted_general": "统招录取 admitted (general)",
    "admitted": "录取合计 admitted",
    "empty_seats": "空余 empty",
    "cutoff": "最低录取分 cutoff",
    "cutoff_general": "统招最低分 general cutoff",
    "cutoff_general_tiebreak": "统招最低分同分排序值 general cutoff tie-break",
    "cutoff_quota": "指标到校最低分 quota cutoff",
    "junior_school": "初中学校 junior school",
    "candidates": "考生数 candidates",
    "quota_used": "指标已用 quota used",
    "seats": "名额 seats",
    "used": "已用 used",
    "item": "项目 item",
    "value": "数值 value",
    "check": "检查 check",
    "clause": "条款 clause",
    "title_zh": "内容",
    "title_en": "description",
    "passed": "通过 passed",
    "count": "问题数 count",
}


def _lowest(values: NDArray[np.float64], groups: NDArray[np.integer], size: int) -> list[float | None]:
    out = np.full(size, np.inf)
    if len(groups):
        np.minimum.at(out, groups, values)
    return [None if not np.isfinite(v) else float(v) for v in out]


def school_rows(inst: Instance, out: Outcome, labels: Labels) -> list[dict[str, Any]]:
    """One row per school, in the schools file's order."""
    m = inst.m
    score = np.asarray(inst.score, dtype=np.float64)
    placed = np.flatnonzero(out.school >= 0)
    s_of = out.school[placed]
    b_of = out.batch[placed]
    quota_n = np.bincount(s_of[b_of == BATCH_QUOTA], minlength=m)
    general_n = np.bincount(s_of[b_of == BATCH_GENERAL], minlength=m)
    cutoff = _lowest(score[placed], s_of, m)
    cutoff_q = _lowest(score[placed[b_of == BATCH_QUOTA]], s_of[b_of == BATCH_QUOTA], m)
    # The general cutoff is the last general admit in the admission order (score, then tie-break).
    gen_s = np.flatnonzero(out.batch_sorted == BATCH_GENERAL)
    last = np.full(m, NONE, dtype=np.int64)
    if len(gen_s):
        np.maximum.at(last, out.school_sorted[gen_s], gen_s)
    tiebreak = None if inst.tiebreak is None else np.asarray(inst.tiebreak, dtype=np.float64)
    rows = []
    for s in range(m):
        cut = int(last[s])
        cut_i = int(out.order[cut]) if cut >= 0 else NONE
        tb = None
        if cut_i >= 0 and tiebreak is not None and np.isfinite(tiebreak[cut_i]):
            tb = float(tiebreak[cut_i])
        row: dict[str, Any] = {"school_id": labels.school(s)}
        if labels.school_names is not None:
            row["name"] = labels.school_names[s]
        if inst.school_area is not None:
            row["area"] = labels.area(int(inst.school_area[s]))
        if inst.private is not None:
            row["ownership"] = "private" if inst.private[s] else "public"
        capacity = int(inst.capacity[s])
        row.update(
            {
                "capacity": capacity,
                "quota_seats": int(out.quota.school_seats[s]),
                "quota_unallocated": int(out.quota.unallocated[s]),
                "admitted_quota": int(quota_n[s]),
                "quota_returned": int(out.returned[s]),
                "general_offered": int(out.general_offered[s]),
                "admitted_general": int(general_n[s]),
                "admitted": int(quota_n[s] + general_n[s]),
                "empty_seats": capacity - int(quota_n[s] + general_n[s]),
                "cutoff": cutoff[s],
                "cutoff_general": float(score[cut_i]) if cut_i >= 0 else None,
                "cutoff_general_tiebreak": tb,
                "cutoff_quota": cutoff_q[s],
            }
        )
        rows.append(row)
    return rows


def junior_rows(inst: Instance, out: Outcome, labels: Labels) -> list[dict[str, Any]]:
    """One row per junior school: candidates, quota seats received, used and left unused."""
    n_j = inst.juniors
    q = out.quota
    seats = np.bincount(q.pair_junior, weights=q.pair_seats, minlength=n_j).astype(np.int64)
    used = np.bincount(q.pair_junior, weights=out.pair_used, minlength=n_j).astype(np.int64)
    cands = np.zeros(n_j, dtype=np.int64)
    if inst.junior is not None:
        junior = np.asarray(inst.junior)
        cands = np.bincount(junior[junior >= 0], minlength=n_j)
    rows = []
    for j in range(n_j):
        row: dict[str, Any] = {"junior_school": labels.junior(j)}
        if inst.junior_area is not None:
            row["area"] = labels.area(int(inst.junior_area[j]))
        row.update(
            {
                "candidates": int(cands[j]),
                "quota_seats": int(seats[j]),
                "quota_used": int(used[j]),
                "quota_returned": int(seats[j] - used[j]),
            }
        )
        rows.append(row)
    return rows


def quota_rows(out: Outcome, labels: Labels) -> list[dict[str, Any]]:
    """Quota seats per (school, junior school) pair with seats, as divided and as used."""
    q = out.quota
    keep = np.flatnonzero(q.pair_seats > 0)
    return [
        {
            "school_id": labels.school(int(q.pair_school[p])),
            "junior_school": labels.junior(int(q.pair_junior[p])),
            "seats": int(q.pair_seats[p]),
            "used": int(out.pair_used[p]),
        }
        for p in keep.tolist()
    ]


def totals(inst: Instance, out: Outcome) -> dict[str, Any]:
    placed = out.school >= 0
    capacity = int(np.asarray(inst.capacity).sum())
    return {
        "candidates": inst.n,
        "schools": inst.m,
        "junior_schools": inst.juniors,
        "capacity": capacity,
        "quota_seats": int(out.quota.school_seats.sum()),
        "admitted": int(placed.sum()),
        "admitted_quota": int((out.batch == BATCH_QUOTA).sum()),
        "admitted_general": int((out.batch == BATCH_GENERAL).sum()),
        "unplaced": int((~placed).sum()),
        "empty_seats": capacity - int(placed.sum()),
        "quota_returned": int(out.returned.sum()),
    }


def build_summary(
    inst: Instance,
    out: Outcome,
    settings: AdmissionSettings,
    labels: Labels | None = None,
    checks: list[CheckResult] | None = None,
    files: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything a published result needs, as one JSON-ready dict."""
    labels = labels or Labels.numbered(inst)
    checks = checks if checks is not None else run_checks(inst, out, labels, settings)
    return {
        "clause": clause_text(CHECK),
        "files": files or {},
        "settings": settings.to_dict(),
        "totals": totals(inst, out),
        "steps": [{"step": i, "name": st.name, "schools": st.ownership} for i, st in enumerate(out.steps)],
        "checks": [c.to_dict() for c in checks],
        "schools": school_rows(inst, out, labels),
        "junior_schools": junior_rows(inst, out, labels),
        "quota_seats": quota_rows(out, labels),
    }


def write_summary(
    summary: dict[str, Any], json_path: str | Path | None, xlsx_path: str | Path | None
) -> None:
    """The summary as JSON and/or an xlsx workbook with one sheet per table."""
    from eduplan.output import to_json, write_records

    if json_path is not None:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(to_json(summary) + "\n", encoding="utf-8")
    if xlsx_path is not None:
        overview = [{"item": k, "value": v} for k, v in summary["totals"].items()]
        overview += [{"item": f"setting.{k}", "value": v} for k, v in summary["settings"].items()]
        check_rows = [{k: v for k, v in c.items() if k != "examples"} for c in summary["checks"]]
        examples = [{"check": c["check"], **e} for c in summary["checks"] for e in c["examples"]]
        sheets = {
            "汇总 totals": overview,
            "学校 schools": summary["schools"],
            "初中 junior schools": summary["junior_schools"],
            "指标分配 quota seats": summary["quota_seats"],
            "检查 checks": check_rows,
            "检查明细 examples": examples,
        }
        write_records([], "xlsx", xlsx_path, headers=HEADERS, sheets=sheets)
