"""Officers' app views: thin — parse the request, call a query or action, render.

Every read goes through ``accounts.scoping.scope``: an institution outside the user's scope is a
404, whether reached by link or by typing its URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from eduplan.accounts import drafts, permissions
from eduplan.accounts.scoping import scope, visible_county_codes
from eduplan.metrics.cached import indicator_records_for
from eduplan.output import attachment, csv_bytes, xlsx_bytes
from eduplan.registry.choices import InstitutionKind
from eduplan.registry.models import Division, Institution

from . import drilldown, edit, findings, home, pages, worklist
from .dashboard import dashboard, indicator_breakdown
from .pagecache import cached_part
from .search import search_institutions
from .templatetags.bilingual import english


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        from eduplan.accounts.throttle import lockout_message

        locked = getattr(self.request, "login_locked", False)
        return self.render_to_response(
            self.get_context_data(form=form, locked=lockout_message() if locked else "")
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every officer changes their own password here (the admin resets others' in /admin/)."""

    template_name = "web/password_change.html"
    success_url = "/office/"

    def form_valid(self, form: Any) -> HttpResponse:
        from django.contrib import messages

        messages.success(self.request, "密码已修改 / your password was changed")
        return super().form_valid(form)


@login_required
def office(request: HttpRequest) -> HttpResponse:
    """Each role's home: principals their own institution (我的幼儿园/我的学校), county-bound users
    their county's page (to-do list first), city officers the city dashboard."""
    if home.lands_on_own_institution(request.user):
        return redirect("my-institution")
    counties = visible_county_codes(request.user)
    if counties is not None and len(counties) == 1:
        return redirect("county-dashboard", code=next(iter(counties)))
    return _dashboard_page(request, None)


@login_required
def county_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    counties = visible_county_codes(request.user)
    if counties is not None and code not in counties:
        raise Http404("没有这个县，或您无权查看 / no such county in your scope")
    return _dashboard_page(request, code)


def _dashboard_page(request: HttpRequest, division: str | None) -> HttpResponse:
    """The dashboard: its figures rendered once per scope and data version (``pagecache``), the
    user's to-do list on every request."""
    year = _year(request)

    def build() -> dict:
        context = dashboard(request.user, division=division, year=year)
        return {
            "body": render_to_string("web/_dashboard_body.html", context, request=request),
            "empty": not context["cards"] and not context["years"],
            **{k: context[k] for k in ("division", "division_name", "level", "year", "years")},
        }

    part = cached_part(request.user, f"dashboard:{division or ''}:{year or ''}", build)
    if (
        division is not None
        and part["empty"]
        and not Division.objects.counties().filter(code=division).exists()
    ):
        raise Http404("没有这个县的指标 / no indicators for this county")
    return render(
        request, "web/dashboard.html", {**part, "body": mark_safe(part["body"]), **_work_items(request)}
    )


def _work_items(request: HttpRequest) -> dict:
    """The user's to-do list (deadlines of reports, rectification orders …) and, for city
    officers, this month's notice (通报)."""
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return {
        **worklist.rendered(request.user, today),
        "notice_month": last_month if permissions.may_issue_notices(request.user) else None,
    }


@login_required
def my_institution(request: HttpRequest) -> HttpResponse:
    """我的幼儿园 / 我的学校: the principal's institution with its findings, orders, annual
    inspections and data to fill in (:mod:`.home`)."""
    today = timezone.localdate()
    homes = [home.institution_home(request.user, inst, today) for inst in home.own_institutions(request.user)]
    if not homes:
        raise Http404("您的账号没有绑定学校或幼儿园 / your account is not bound to an institution")
    return render(request, "web/my_institution.html", {"homes": homes, **_work_items(request)})


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
    context = {**pages.institution_page(request.user, inst), **edit.page_extras(request.user, inst)}
    return render(request, "web/institution_detail.html", context)


def _visible_institution(request: HttpRequest, code: str) -> Institution:
    inst = (
        scope(request.user, Institution.objects.select_related("county", "division"))
        .filter(code=code)
        .first()
    )
    if inst is None:
        raise Http404("没有这个机构，或您无权查看 / no such institution in your scope")
    return inst


@login_required
def institution_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The institution's own fields (not its name: see :func:`institution_rename`)."""
    inst = _visible_institution(request, code)
    outcome = edit.edit_institution(request.user, inst, request.POST if request.method == "POST" else None)
    return _edit_response(request, inst, outcome, "机构信息", "institution")


@login_required
def institution_rename(request: HttpRequest, code: str) -> HttpResponse:
    """Renames go through the rename action, which publishes old → new."""
    inst = _visible_institution(request, code)
    outcome = edit.rename(request.user, inst, request.POST if request.method == "POST" else None)
    return _edit_response(request, inst, outcome, "更名", "rename")


@login_required
def institution_record(request: HttpRequest, code: str, kind: str, pk: int | None = None) -> HttpResponse:
    """Add (no ``pk``) or edit a class, staff member, safety record or fee standard."""
    inst = _visible_institution(request, code)
    spec = edit.KINDS.get(kind)
    if spec is None:
        raise Http404("没有这类记录 / no such kind of record")
    data = request.POST if request.method == "POST" else None
    try:
        outcome = edit.edit_record(request.user, inst, spec, pk, data)
    except ObjectDoesNotExist as exc:
        raise Http404("没有这条记录 / no such record") from exc
    title = f"{'新增' if pk is None else '修改'}{spec.title}"
    return _edit_response(request, inst, outcome, title, kind)


def _edit_response(request: HttpRequest, inst: Institution, outcome, title: str, kind: str) -> HttpResponse:
    if outcome.saved:
        return redirect(f"/office/institutions/{inst.code}/#history")
    status = 409 if outcome.stale else (400 if request.method == "POST" else 200)
    context = {"inst": inst, "form": outcome.form, "title": title, "kind": kind, "stale": outcome.stale}
    return render(request, "web/institution_edit.html", context, status=status)


@login_required
@require_POST
def form_draft(request: HttpRequest, key: str) -> HttpResponse:
    """Keep (or, with ``discard``, drop) the user's draft of a long form (eduplan/drafts.js)."""
    if not drafts.valid_key(key):
        raise Http404("没有这个表单 / no such form")
    if request.POST.get("discard"):
        drafts.discard(request.user, key)
    else:
        drafts.keep(request.user, key, request.POST)
    return HttpResponse(status=204)


@login_required
def findings_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.dict()
    rows = findings.filtered_findings(request.user, params)
    if params.get("format") == "xlsx":
        return _findings_xlsx(rows, "findings.xlsx")
    page = Paginator(rows, findings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/findings.html",
        {
            "rows": findings.with_rectification(request.user, list(page.object_list)),
            "page": page,
            "count": len(rows),
            "query": query.urlencode(),
            "params": params,
            "choices": findings.filter_choices(request.user, english=english()),
        },
    )


def _findings_xlsx(rows: list[dict], filename: str) -> HttpResponse:
    """The findings shown, with headers and words in the page's language."""
    en = english()
    data = xlsx_bytes(
        {findings.EXPORT_SHEET[en]: findings.export_rows(rows, english=en)},
        columns=findings.EXPORT_COLUMNS,
        headers=findings.export_headers(english=en),
    )
    return attachment(data, filename)


@login_required
def name_check(request: HttpRequest) -> HttpResponse:
    """Type a proposed kindergarten name, see the verdict and why."""
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
    """Drill-down from a card: the value's numerator and denominator, by county; for a county (or
    one of its townships) also by township and institution (:mod:`.drilldown`)."""
    if drilldown.is_township(division):
        return indicator_township(request, indicator, division, year)
    counties = visible_county_codes(request.user)  # None: every county; an empty set: none
    if counties is not None and division not in counties and division not in _city_codes(request.user):
        raise Http404("没有该指标，或您无权查看 / no such indicator in your scope")
    context = indicator_breakdown(request.user, indicator, division, year)
    if context is None:
        raise Http404("没有该指标数据 / no value for this indicator, division and year")
    if context["record"]["level"] == "county":
        context["drill"] = drilldown.drilldown(request.user, indicator, division, year)
        if request.GET.get("format") in ("xlsx", "csv") and context["drill"] is not None:
            return _drill_export(request, context["drill"], f"{indicator}-{division}-{year}")
    return render(request, "web/indicator_detail.html", context)


@login_required
def indicator_township(request: HttpRequest, indicator: str, division: str, year: int) -> HttpResponse:
    """One township of a county: the indicator's numerator and denominator by institution."""
    context = drilldown.township_page(request.user, indicator, division, year)
    if context is None:
        raise Http404("没有该乡镇的数据，或您无权查看 / no such township in your scope")
    if request.GET.get("format") in ("xlsx", "csv"):
        return _drill_export(request, context, f"{indicator}-{division}-{year}")
    return render(request, "web/indicator_township.html", {**context, "drill": context})


def _drill_export(request: HttpRequest, context: dict, stem: str) -> HttpResponse:
    """The breakdown rows the user sees, as xlsx or csv (through ``eduplan.output``)."""
    fmt = request.GET["format"]
    by = "township" if request.GET.get("by") == "township" and context["by_township"] else "institution"
    rows = drilldown.export_rows(context, by)
    columns = drilldown.EXPORT_COLUMNS
    data = (
        csv_bytes(rows, columns=columns)
        if fmt == "csv"
        else xlsx_bytes({by: rows}, columns=columns, headers=drilldown.export_headers(english=english()))
    )
    return attachment(data, f"{stem}-{by}.{fmt}")


def _city_codes(user) -> set[str]:
    return {r["division"] for r in indicator_records_for(user) if r["level"] == "city"}
