"""Pages under ``/office/duties/``: an overview with a count per register and each register on the
shared register page (``eduplan.registers.pages``): list, filters, xlsx export of what is listed,
the entry form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from eduplan.accounts.scoping import scope
from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.kinds import Kind, UnknownKind
from eduplan.output import attachment
from eduplan.registers.pages import KindRegisterPage, register_page
from eduplan.registry.models import Division

from .forms import FORMS
from .kinds import DUTY_KINDS, get_duty_kind
from .transfer import export_duties


def _kind(name: str) -> Kind:
    try:
        return get_duty_kind(name)
    except UnknownKind as exc:
        raise Http404(str(exc)) from exc


def _filters(request: HttpRequest) -> tuple[str | None, int | None]:
    county = request.GET.get("county") or None
    year = request.GET.get("year") or ""
    return county, int(year) if year.isdigit() else None


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    counted = [{"kind": k, "count": kind_queryset(k, request.user).count()} for k in DUTY_KINDS.values()]
    return render(request, "duties/overview.html", {"counted": counted, "registers": DUTY_KINDS.values()})


@dataclass
class DutyRegisterPage(KindRegisterPage):
    """A duty register on the shared register page."""

    kind: Kind
    template: str = "duties/register.html"
    forms = FORMS

    def queryset(self, request: HttpRequest) -> Any:
        county, year = _filters(request)
        return kind_queryset(self.kind, request.user, county=county, year=year)

    def rows(self, request: HttpRequest, qs: Any) -> tuple[list[Any], list[int]]:
        rows = [list(r) for r in records(self.kind, qs)]
        ids = [r[0] for r in records(self.kind, qs, style="api")]
        return rows, ids

    def context(
        self, request: HttpRequest, qs: Any, rows: list[Any], edit_ids: list[int | None], form: Any
    ) -> dict[str, Any]:
        county, year = _filters(request)
        return {
            "kind": self.kind,
            "headers": [c.label for c in self.kind.columns],
            "rows": zip(rows, edit_ids, strict=True),
            "columns": self.kind.columns,
            "counties": scope(request.user, Division.objects.counties()).order_by("code"),
            "county": county or "",
            "year": year or "",
            "registers": DUTY_KINDS.values(),
        }


@login_required
def register(request: HttpRequest, name: str) -> HttpResponse:
    return register_page(request, DutyRegisterPage(_kind(name)))


@login_required
def export_all(request: HttpRequest) -> HttpResponse:
    data, _ = export_duties(None, request.user)
    return attachment(data, "duties.xlsx")
