"""Officers' app views: thin — parse the request, call a query or action, render.

Every read goes through ``accounts.scoping.scope``: an institution outside the user's scope is a
404, whether reached by link or by typing its URL."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from eduplan.accounts.scoping import scope
from eduplan.registry.choices import InstitutionKind
from eduplan.registry.models import Institution

from . import findings, pages
from .dashboard import dashboard, indicator_breakdown
from .results import indicator_records_for, visible_county_codes
from .search import search_institutions


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
def office(request: HttpRequest) -> HttpResponse:
    """City officers land on the city dashboard; county-bound users on their county's."""
    counties = visible_county_codes(request.user)
    if counties is not None and len(counties) == 1:
        return redirect("county-dashboard", code=next(iter(counties)))
    context = dashboard(request.user, year=_year(request))
    return render(request, "web/dashboard.html", {**context, **_work_items(request)})


@login_required
def county_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    counties = visible_county_codes(request.user)
    if counties is not None and code not in counties:
        raise Http404("没有这个县，或您无权查看 / no such county in your scope")
    context = dashboard(request.user, division=code, year=_year(request))
    if not context["cards"] and not context["years"]:
        raise Http404("没有这个县的指标 / no indicators for this county")
    return render(request, "web/dashboard.html", {**context, **_work_items(request)})


def _work_items(request: HttpRequest) -> dict:
    """The user's to-do list (deadlines of reports, rectification orders …) and, for city
    officers, this month's notice (通报)."""
    from eduplan.portal.queries import complaint_todos
    from eduplan.supervision.reminders import todo_for

    profile = getattr(request.user, "profile", None)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return {
        "todos": sorted(
            [*todo_for(request.user, today), *complaint_todos(request.user, today)],
            key=lambda t: (not t.overdue, t.due_on or dt.date.max),
        ),
        "notice_month": last_month if profile is not None and profile.role == "city_officer" else None,
    }


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    qs = scope(request.user, Institution.objects.select_related("county", "division"))
    if kind in InstitutionKind.values:
        qs = qs.filter(kind=kind)
    results = search_institutions(qs.order_by("county__code", "code"), q)
    return render(
        request,
        "web/institution_list.html",
        {"results": results, "q": q, "kind": kind, "kinds": InstitutionKind.choices},
    )


@login_required
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    inst = (
        scope(request.user, Institution.objects.select_related("county", "division"))
        .filter(code=code)
        .first()
    )
    if inst is None:
        raise Http404("没有这个机构，或您无权查看 / no such institution in your scope")
    return render(request, "web/institution_detail.html", pages.institution_page(request.user, inst))


@login_required
def findings_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.dict()
    rows = findings.filtered_findings(request.user, params)
    if params.get("format") == "xlsx":
        return _xlsx_response(rows, "findings.xlsx")
    return render(
        request,
        "web/findings.html",
        {
            "rows": rows[:1000],
            "count": len(rows),
            "params": params,
            "choices": findings.filter_choices(request.user),
        },
    )


def _xlsx_response(rows: list[dict], filename: str) -> HttpResponse:
    import tempfile
    from pathlib import Path

    from eduplan.output import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / filename
        write_xlsx(path, {"findings": rows}, columns=findings.EXPORT_COLUMNS)
        data = path.read_bytes()
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def name_check(request: HttpRequest) -> HttpResponse:
    """Type a proposed kindergarten name, see the verdict and why (PRE-4.2.4)."""
    from eduplan.rules.naming import check_name

    name = request.GET.get("name", "").strip()[:100]
    ownership = request.GET.get("ownership", "private")
    verdict = (
        check_name(name, ownership if ownership in ("public", "private") else None).as_dict()
        if name
        else None
    )
    return render(request, "web/name_check.html", {"name": name, "ownership": ownership, "verdict": verdict})


@login_required
def indicator_detail(request: HttpRequest, indicator: str, division: str, year: int) -> HttpResponse:
    """Drill-down from a card: the value's numerator and denominator, by county."""
    if division not in (visible_county_codes(request.user) or {division}) and division not in _city_codes(
        request.user
    ):
        raise Http404("没有该指标，或您无权查看 / no such indicator in your scope")
    context = indicator_breakdown(request.user, indicator, division, year)
    if context is None:
        raise Http404("没有该指标数据 / no value for this indicator, division and year")
    return render(request, "web/indicator_detail.html", context)


def _city_codes(user) -> set[str]:
    return {r["division"] for r in indicator_records_for(user) if r["level"] == "city"}
