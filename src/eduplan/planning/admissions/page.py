"""What the officers' admissions pages show: the upload form, past runs, a run's progress
and, once done, its totals, checks and per-school summary.

Kept out of the views so they stay thin; writes go through :mod:`.jobs`. Everything
shown comes from the files and figures the worker wrote — the same as ``eduplan admissions run``
prints and writes — and every chart's numbers are also in a table (useful without JavaScript).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from eduplan.accounts.scoping import scope

from ..models import AdmissionsRun, AdmissionsRunStatus
from .jobs import (
    CANCELLABLE_STATUSES,
    DELETABLE_STATUSES,
    RESULT_FILES,
    RETRYABLE_STATUSES,
    STAGES,
    check_in_request_max_bytes,
    max_upload_bytes,
    refresh_stale,
    run_directory,
)

#: How many past runs the index lists.
RUNS_LISTED = 50

DOWNLOAD_LABELS = {
    "result": "录取结果 result CSV",
    "summary_json": "汇总 summary JSON",
    "summary_xlsx": "汇总 summary xlsx",
}

TOTAL_LABELS = {
    "candidates": "考生 candidates",
    "schools": "高中学校 schools",
    "junior_schools": "初中学校 junior schools",
    "capacity": "招生计划 places",
    "quota_seats": "指标到校名额 quota seats",
    "admitted": "录取合计 admitted",
    "admitted_quota": "指标到校批次录取 admitted in the quota batch",
    "admitted_general": "统招批次录取 admitted in the general batch",
    "unplaced": "未录取 unplaced",
    "empty_seats": "空余名额 empty places",
    "quota_returned": "退回统招的指标名额 quota seats returned",
}


class AdmissionsUploadForm(forms.Form):
    """The files of ``eduplan admissions run``: candidates and schools, optionally junior schools
    and a settings TOML."""

    candidates = forms.FileField(label="考生文件 candidates CSV")
    schools = forms.FileField(label="学校文件 schools CSV")
    junior_schools = forms.FileField(label="初中学校文件 junior schools CSV (可选 optional)", required=False)
    settings = forms.FileField(label="设置 settings TOML (可选 optional)", required=False)

    def uploads(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v}


def visible_runs(user: Any) -> QuerySet[AdmissionsRun]:
    """The runs the one scoping function shows ``user`` (a city officer: their city's)."""
    return scope(user, AdmissionsRun.objects.select_related("created_by"))


def get_run(user: Any, pk: int) -> AdmissionsRun:
    """A visible run, with a dead worker's run turned "failed"; anything else is "not found"."""
    run = visible_runs(user).filter(pk=pk).first()
    if run is None:
        raise Http404("没有此运行或不在您的范围内 / no such run in your scope")
    return refresh_stale(run)


def stage_label(run: AdmissionsRun) -> str:
    zh, en = STAGES.get(run.stage, (run.stage, run.stage))
    return f"{zh} / {en}"


def status_data(run: AdmissionsRun) -> dict[str, Any]:
    """The small JSON the progress page polls."""
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "stage": run.stage,
        "stage_label": stage_label(run),
        "percent": run.percent,
        "finished": run.finished,
        "error": run.error,
        "url": reverse("planning:admissions_run", args=[run.pk]),
    }


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KB"


def size_label(size: int) -> str:
    return _mb(size)


def run_row(run: AdmissionsRun) -> dict[str, Any]:
    totals = run.totals or {}
    return {
        "run": run,
        "url": reverse("planning:admissions_run", args=[run.pk]),
        "who": run.created_by.get_username() if run.created_by else "—",
        "files": [f"{item['name']} ({_mb(int(item['size']))})" for item in run.inputs.values()],
        "stage_label": stage_label(run),
        "candidates": totals.get("candidates"),
        "admitted": totals.get("admitted"),
        "checks_passed": all(c.get("passed") for c in run.checks) if run.checks else None,
    }


def index_context(user: Any, form: AdmissionsUploadForm, error: str = "") -> dict[str, Any]:
    runs = [refresh_stale(r) for r in visible_runs(user)[:RUNS_LISTED]]
    return {
        "tab": "admissions",
        "form": form,
        "upload_error": error,
        "runs": [run_row(r) for r in runs],
        "max_upload": _mb(max_upload_bytes()),
        "checked_in_request": _mb(check_in_request_max_bytes()),
    }


def _summary(run: AdmissionsRun) -> dict[str, Any] | None:
    name = (run.results or {}).get("summary_json")
    if not name:
        return None
    try:
        return json.loads((run_directory(run) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run_context(run: AdmissionsRun) -> dict[str, Any]:
    """A run's page: progress until it ends; then totals, checks, schools, a cutoff chart, downloads."""
    context: dict[str, Any] = {
        "tab": "admissions",
        "run": run,
        "row": run_row(run),
        "status": status_data(run),
        "done": run.status == AdmissionsRunStatus.DONE,
        "deletable": run.status in DELETABLE_STATUSES,
        "delete_url": reverse("planning:admissions_delete", args=[run.pk]),
        "cancellable": run.status in CANCELLABLE_STATUSES,
        "retryable": run.status in RETRYABLE_STATUSES,
        "cancel_url": reverse("planning:admissions_cancel", args=[run.pk]),
        "retry_url": reverse("planning:admissions_retry", args=[run.pk]),
    }
    if run.status != AdmissionsRunStatus.DONE:
        return context
    totals = run.totals or {}
    context["totals"] = [{"key": k, "label": TOTAL_LABELS.get(k, k), "value": v} for k, v in totals.items()]
    context["checks"] = run.checks
    context["some_failed"] = any(not c.get("passed") for c in run.checks)
    context["downloads"] = [
        {
            "kind": kind,
            "label": DOWNLOAD_LABELS[kind],
            "url": reverse("planning:admissions_download", args=[run.pk, kind]),
            "name": name,
        }
        for kind, name in (run.results or {}).items()
        if kind in DOWNLOAD_LABELS
    ]
    summary = _summary(run)
    schools = summary["schools"] if summary else []
    context["schools"] = schools
    context["has_names"] = any(s.get("name") for s in schools)
    context["has_areas"] = any(s.get("area") for s in schools)
    with_cutoff = sorted(
        (s for s in schools if s.get("cutoff") is not None), key=lambda s: -float(s["cutoff"])
    )
    context["chart"] = {
        "schools": [s.get("name") or s["school_id"] for s in with_cutoff],
        "cutoff": [s["cutoff"] for s in with_cutoff],
        "cutoff_general": [s.get("cutoff_general") for s in with_cutoff],
        "cutoff_quota": [s.get("cutoff_quota") for s in with_cutoff],
        "labels": {
            "cutoff": "最低录取分 cutoff",
            "cutoff_general": "统招最低分 general cutoff",
            "cutoff_quota": "指标到校最低分 quota cutoff",
            "score": "分数 score",
        },
        "title": "各校最低录取分(由高到低)/ cutoff by school, highest first",
    }
    return context


def download_path(run: AdmissionsRun, kind: str) -> tuple[Path, str]:
    """The file of a finished run and the name to save it under; anything else is "not found"."""
    name = (run.results or {}).get(kind)
    if run.status != AdmissionsRunStatus.DONE or kind not in RESULT_FILES or not name:
        raise Http404("没有此文件 / no such file")
    path = run_directory(run) / name
    if not path.is_file():
        raise Http404("文件不存在 / the file is missing")
    return path, f"admissions-{run.pk}-{RESULT_FILES[kind]}"
