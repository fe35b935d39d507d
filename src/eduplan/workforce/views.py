"""Workforce pages under ``/office/workforce/``: thin — read through the one scoping function,
render. The ethics pages answer 403 to roles that may not see ethics records (HS-2.4)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from eduplan.output import write_xlsx

from . import registers, training

PAGE_ROWS = 500


def _today() -> dt.date:
    return timezone.localdate()


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return _today()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    as_of = _as_of(request)
    cov = training.coverage(as_of, request.user)
    chart = {
        "x": [c.name for c in cov.counties],
        "y": [float(c.rate) if c.rate is not None else None for c in cov.counties],
    }
    levels = training.hours_by_level(as_of, request.user)
    from .models import TrainingLevel

    return render(
        request,
        "workforce/overview.html",
        {
            "cov": cov,
            "total": cov.total(),
            "minimum": training.settings()["coverage_min"],
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "levels": [(label, levels.get(code, 0)) for code, label in TrainingLevel.choices],
            "registers": _register_links(request.user),
            "as_of": as_of,
        },
    )


def _register_links(user: Any) -> list[tuple[str, str]]:
    return [
        (r.key, r.label)
        for r in registers.REGISTERS.values()
        if not r.restricted or registers.may_see_ethics(user)
    ]


@login_required
def register_list(request: HttpRequest, key: str) -> HttpResponse:
    if key not in registers.REGISTERS:
        raise Http404("没有这个名册 / no such register")
    register = registers.get_register(key)
    if register.restricted and not registers.may_see_ethics(request.user):
        raise PermissionDenied("师德档案仅限授权角色查看 / ethics records are restricted to authorised roles")
    _, rows = registers.export_rows(key, request.user, request.GET.get("county") or None)
    columns = [c for c in register.kind.columns if c.key != "id_hash"]
    if request.GET.get("format") == "xlsx":
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{key}.xlsx"
            write_xlsx(path, {register.kind.sheet: rows}, headers=registers.headers(register))
            data = path.read_bytes()
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="workforce-{key}.xlsx"'
        return response
    conflicts = []
    if key == "negative":
        from eduplan.rules.catalogue import run_rules

        conflicts = run_rules(rule_ids=["HS-ETHICS-BAR", "HS-ETHICS-INCIDENT"], user=request.user)
    return render(
        request,
        "workforce/register.html",
        {
            "register": register,
            "columns": columns,
            "rows": [[row.get(c.key, "") for c in columns] for row in rows[:PAGE_ROWS]],
            "count": len(rows),
            "limit": PAGE_ROWS,
            "registers": _register_links(request.user),
            "conflicts": conflicts,
        },
    )
