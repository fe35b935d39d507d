"""Pages under ``/office/programmes/``: thin — read through the one scoping function, render.
An overview with designation counts against the plan's targets, a list per register with filters
and an xlsx export of exactly what the list shows, and the incentives list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from eduplan.accounts.scoping import scope
from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.kinds import Kind, UnknownKind
from eduplan.output import attachment
from eduplan.registers.pages import KindRegisterPage, register_page
from eduplan.registry.models import Division

from .forms import FORMS
from .kinds import PROGRAMME_KINDS, get_programme_kind
from .models import Designation, SubsidyDisbursement
from .queries import designation_counts, disbursements, incentive_list, subsidy_status, targets
from .transfer import export_registers

COUNT_LABELS = {
    "subject_base": "学科基地",
    "characteristic": "特色学校",
    "online_classroom": "名校网络课堂",
    "demo_kindergarten": "课程游戏化示范园",
    "demo_area": "课程游戏化示范区",
}


def _kind(name: str):  # type: ignore[no-untyped-def]
    try:
        return get_programme_kind(name)
    except UnknownKind as exc:
        raise Http404(str(exc)) from exc


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    counts = designation_counts(request.user, today)
    goal = targets()
    bars = []
    for key, label in COUNT_LABELS.items():
        target = goal.get(key)
        value = counts.get(key, 0)
        pct = min(100, round(100 * value / target)) if target else None
        bars.append({"key": key, "label": label, "value": value, "target": target, "pct": pct})
    counted = [{"kind": k, "count": kind_queryset(k, request.user).count()} for k in PROGRAMME_KINDS.values()]
    context = {"bars": bars, "counted": counted, "registers": PROGRAMME_KINDS.values(), "today": today}
    return render(request, "programmes/overview.html", context)


def _filtered(request: HttpRequest, kind):  # type: ignore[no-untyped-def]
    county = request.GET.get("county") or None
    year = request.GET.get("year") or None
    qs = kind_queryset(kind, request.user, county=county, year=int(year) if year and year.isdigit() else None)
    designation = request.GET.get("designation")
    if kind.model is Designation and designation:
        qs = qs.filter(kind=designation)
    return qs, county, year, designation


@dataclass
class ProgrammeRegisterPage(KindRegisterPage):
    """A programme register on the shared register page (``eduplan.registers.pages``)."""

    kind: Kind
    template: str = "programmes/register.html"
    forms = FORMS

    def queryset(self, request: HttpRequest) -> Any:
        return _filtered(request, self.kind)[0]

    def rows(self, request: HttpRequest, qs: Any) -> tuple[list[Any], list[int]]:
        kind = self.kind
        rows = records(kind, qs)
        ids = [r[0] for r in records(kind, qs, style="api")]
        extra: list[list[Any]] = []
        if kind.model is SubsidyDisbursement:
            today = timezone.localdate()
            by_key = {
                (d.institution.code, d.school_year): d
                for d in disbursements(request.user).filter(pk__in=qs.values("pk"))
            }
            for r in rows:
                d = by_key.get((r[0], r[1]))
                st = subsidy_status(d, today) if d else {"due": None, "shortfall": None, "late_days": None}
                extra.append([st["due"], st["shortfall"], st["late_days"]])
        return [list(r) + (extra[i] if extra else []) for i, r in enumerate(rows)], ids

    def context(
        self, request: HttpRequest, qs: Any, rows: list[Any], edit_ids: list[int | None], form: Any
    ) -> dict[str, Any]:
        kind = self.kind
        _, county, year, designation = _filtered(request, kind)
        extra_headers = ["应拨(元)", "差额(元)", "逾期天数"] if kind.model is SubsidyDisbursement else []
        return {
            "kind": kind,
            "headers": [c.label for c in kind.columns] + extra_headers,
            "extra_headers": extra_headers,
            "rows": zip(rows, edit_ids, strict=True),
            "columns": self.kind.columns,
            "counties": scope(request.user, Division.objects.counties()).order_by("code"),
            "county": county or "",
            "year": year or "",
            "designation": designation or "",
            "designation_kinds": Designation._meta.get_field("kind").choices
            if kind.model is Designation
            else [],
            "registers": PROGRAMME_KINDS.values(),
        }


@login_required
def register(request: HttpRequest, name: str) -> HttpResponse:
    return register_page(request, ProgrammeRegisterPage(_kind(name)))


@login_required
def incentives(request: HttpRequest) -> HttpResponse:
    rows = incentive_list(request.user)
    return render(
        request, "programmes/incentives.html", {"rows": rows, "registers": PROGRAMME_KINDS.values()}
    )


@login_required
def export_all(request: HttpRequest) -> HttpResponse:
    data, _ = export_registers(None, request.user)
    return attachment(data, "programmes.xlsx")
