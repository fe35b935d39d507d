"""Supervision pages under ``/office/supervision/``: thin — parse the request, call one action or
query, render. Every record is fetched through the one scoping function (outside it: 404); every
refusal (illegal transition, permission, validation) comes back as a message on the page, in
Chinese and English, never as a traceback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from eduplan.accounts import drafts, permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.evidence import file_response
from eduplan.common.pageactions import run_action
from eduplan.common.workflow import TransitionError, role_of
from eduplan.output import attachment as download
from eduplan.registry.choices import PRESCHOOL_KINDS
from eduplan.registry.models import Division, Institution

from . import annual, incidents, inspections, notices, pages, periods, rectification, reports
from .forms import (
    AnnualForm,
    DeadlineForm,
    ExtendForm,
    FindingForm,
    IncidentForm,
    InspectionForm,
    OrderForm,
    ReasonForm,
)
from .models import (
    AnnualInspection,
    Attachment,
    Finding,
    Incident,
    Inspection,
    MonthlyReport,
    OrderState,
    RectificationOrder,
    TaskStatus,
)


def _today() -> dt.date:
    return timezone.localdate()


#: Run one action; a refusal becomes a message on the page (returns ``None``).
_act = partial(run_action, refusals=(periods.PeriodError, notices.NoticeError))


def _get(user: User | None, qs: Any, pk: int) -> Any:
    obj = scope(user, qs).filter(pk=pk).first()
    if obj is None:
        raise Http404("没有这条记录,或您无权查看 / no such record in your scope")
    return obj


def _form_errors(request: HttpRequest, form: Any, key: str) -> None:
    """A refused form: what was typed is kept (a one-shot draft under ``key``, ``name:id``) so the
    page the user is sent back to shows it again with each message at its field (``_typed``)."""
    drafts.keep(request.user, key, request.POST)
    messages.error(request, "请更正下面标出的内容 / please correct what is marked below")


def _form_messages(request: HttpRequest, form: Any) -> None:
    """A refused inline form (one line of a table): its messages at the top of the page."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        for e in errors:
            messages.error(request, f"{label}: {e}")


def _typed(request: HttpRequest, key: str) -> dict[str, str] | None:
    """The input a refused form left under ``key`` (once), to bind the form with."""
    draft = drafts.restore(request.user, key)
    if draft is None:
        return None
    drafts.discard(request.user, key)
    return draft.fields


# -- dashboard ------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/index.html", pages.dashboard(request.user, _today()))


# -- monthly reports ------------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    try:
        period = (
            periods.parse_month(request.GET["month"])
            if request.GET.get("month")
            else pages.last_period(today)
        )
    except periods.PeriodError as exc:
        messages.error(request, str(exc))
        period = pages.last_period(today)
    rows = reports.reporting_status(period, user=request.user, as_of=today)
    for row in rows:
        row["timeliness_label"] = reports.TIMELINESS_LABELS[row["timeliness"]]
    return render(
        request,
        "supervision/report_list.html",
        {
            "period": period,
            "month": periods.label(period),
            "previous": periods.label(periods.add_months(period, -1)),
            "next": periods.label(periods.add_months(period, 1)),
            "rows": rows,
            "role": role_of(request.user),
            "deadline_form": DeadlineForm(_typed(request, "report-deadline:0")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_open(request: HttpRequest, county: str, month: str) -> HttpResponse:
    """GET (a to-do link): the report if begun, else a page offering to begin it; POST begins it."""
    division = scope(request.user, Division.objects.counties()).filter(code=county).first()
    if division is None:
        raise Http404("没有这个县,或您无权查看 / no such county in your scope")
    try:
        period = periods.parse_month(month)
    except periods.PeriodError as exc:
        messages.error(request, str(exc))
        return redirect("supervision:report-list")
    if request.method == "GET":
        existing, context = pages.report_opening(request.user, division, period)
        if existing is not None:
            return redirect("supervision:report-detail", existing.pk)
        return render(request, "supervision/report_open.html", context)
    report = _act(request, reports.open_monthly_report, division, period, user=request.user)
    if isinstance(report, MonthlyReport):
        return redirect("supervision:report-detail", report.pk)
    return redirect(f"{reverse('supervision:report-list')}?month={month}")


@login_required
@require_POST
def report_deadline(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(request.POST)
    profile = getattr(request.user, "profile", None)
    city = getattr(profile, "division", None)
    if not form.is_valid():
        _form_errors(request, form, "report-deadline:0")
    elif city is None:
        messages.error(request, "只有市级用户可以设置截止日 / only city officers set deadlines")
    else:
        try:
            period = periods.parse_month(form.cleaned_data["month"])
        except periods.PeriodError as exc:
            messages.error(request, str(exc))
        else:
            _act(
                request,
                reports.set_reporting_deadline,
                city,
                period,
                form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                ok="已设置截止日 / deadline set",
            )
    return redirect("supervision:report-list")


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request.user, MonthlyReport.objects.select_related("county"), pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        user = request.user
        if action in ("save", "submit"):
            typed = report_form_data(request.POST, report)
            refused = _save_report(request, report, typed)
            if refused is not None:
                # Nothing was written: the page comes back with what was typed, each message at
                # its field, and the typed values kept as the user's draft (issue 23).
                drafts.keep(user, _draft_key(report), request.POST)
                return _report_page(request, report, typed=typed, errors=refused, status=400)
            drafts.discard(user, _draft_key(report))
            if action == "submit":
                _act(request, reports.submit_monthly_report, report, user=user, ok="已报送 / submitted")
            else:
                messages.success(request, "已保存 / saved")
        elif action == "approve":
            _act(
                request,
                reports.approve_monthly_report,
                report,
                user=user,
                ok="已审核通过并锁定 / approved and locked",
            )
        elif action in ("return", "unlock"):
            fn = reports.return_monthly_report if action == "return" else reports.unlock_monthly_report
            _act(
                request,
                fn,
                report,
                request.POST.get("reason", ""),
                user=user,
                ok="已退回 / returned" if action == "return" else "已解锁 / unlocked",
            )
        else:
            messages.error(request, f"未知操作 {action!r} / unknown action")
        return redirect("supervision:report-detail", report.pk)
    report.refresh_from_db()
    return _report_page(request, report)


def _draft_key(report: MonthlyReport) -> str:
    return f"monthly-report:{report.pk}"


def _save_report(request: HttpRequest, report: MonthlyReport, typed: dict[str, Any]) -> dict | None:
    """Save what was typed; ``None`` when saved, else the refusal's messages by field (a refusal
    that is not about a field — a permission, a state — is a message at the top)."""
    try:
        reports.save_monthly_report(report, user=request.user, **typed)
    except ValidationError as exc:
        return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    except (PermissionDenied, TransitionError) as exc:
        return {NON_FIELD_ERRORS: [str(exc)]}
    return None


def _report_page(
    request: HttpRequest,
    report: MonthlyReport,
    *,
    typed: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = drafts.restore(request.user, _draft_key(report), report) if typed is None else None
    if draft is not None and not report.editable:
        drafts.discard(request.user, _draft_key(report))  # submitted or locked since: nothing to restore
        draft = None
    if draft is not None:
        typed = report_form_data(draft.fields, report)
    context = pages.report_page(request.user, report, _today(), typed=typed, errors=errors)
    context["draft"] = draft
    return render(
        request,
        "supervision/report_detail.html",
        {**context, "task_statuses": TaskStatus.choices},
        status=status,
    )


def report_form_data(post: Mapping[str, Any], report: MonthlyReport) -> dict[str, Any]:
    """The report's fields from a POST (or a kept draft): ``value_<key>``, ``comment_<key>``,
    ``status_<clause>``, ``progress_<clause>``, ``note``."""
    from .monthly_form import load_form

    form = load_form()
    values = {i.key: post.get(f"value_{i.key}", "") for i in form.items if f"value_{i.key}" in post}
    comments = {i.key: post.get(f"comment_{i.key}", "") for i in form.items if f"comment_{i.key}" in post}
    tasks = {
        t.clause: {
            "status": post.get(f"status_{t.clause}", t.status),
            "progress": post.get(f"progress_{t.clause}", t.progress),
        }
        for t in report.tasks.all()
        if f"status_{t.clause}" in post
    }
    data: dict[str, Any] = {"values": values, "comments": comments, "tasks": tasks}
    if "note" in post:
        data["note"] = post["note"]
    return data


# -- inspections ----------------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    institutions = scope(request.user, Institution.objects.open().order_by("code"))
    if request.method == "POST":
        form = InspectionForm(request.POST, institutions=institutions)
        if form.is_valid():
            inspection = _act(
                request,
                inspections.record_inspection,
                form.cleaned_data["institution"],
                inspected_on=form.cleaned_data["inspected_on"],
                kind=form.cleaned_data["kind"],
                user=request.user,
            )
            if isinstance(inspection, Inspection):
                return redirect("supervision:inspection-detail", inspection.pk)
        else:
            _form_errors(request, form, "inspection-new:0")
        return redirect("supervision:inspection-list")
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "inspections": inspections.inspections_for(request.user)[:200],
            "form": InspectionForm(_typed(request, "inspection-new:0"), institutions=institutions),
            "role": role_of(request.user),
        },
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get(
        request.user, Inspection.objects.select_related("institution", "institution__county"), pk
    )
    if request.method == "POST":
        _inspection_post(request, inspection)
        return redirect("supervision:inspection-detail", inspection.pk)
    # A refused finding comes back with what was typed and its messages at the fields; unsaved
    # checklist answers come back from the inspector's draft (issue 23).
    checklist_draft = drafts.restore(request.user, f"inspection:{inspection.pk}")
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            **pages.inspection_page(request.user, inspection),
            "draft": checklist_draft.fields if checklist_draft and inspection.state == "open" else None,
            "finding_form": FindingForm(_typed(request, f"inspection-finding:{inspection.pk}")),
            "order_form": OrderForm(),
            "results": [("", "—"), ("pass", "符合"), ("fail", "不符合"), ("na", "不适用")],
        },
    )


def _inspection_post(request: HttpRequest, inspection: Inspection) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "checklist":
        marks = []
        for item in inspection.checklist.all():
            result = request.POST.get(f"result_{item.pk}")
            note = request.POST.get(f"note_{item.pk}", "")
            if result is None or (result == item.result and note == item.note):
                continue
            marks.append((item, result, note))
        # All lines or none: a refusal on one line leaves the checklist as it was (and the typed
        # marks are kept as the user's draft).
        saved = _act(
            request,
            inspections.record_checks,
            inspection,
            marks,
            user=user,
            ok="检查表已保存 / checklist saved",
        )
        if saved is None:
            drafts.keep(user, f"inspection:{inspection.pk}", request.POST)
            return
        drafts.discard(user, f"inspection:{inspection.pk}")
    elif action == "finding":
        form = FindingForm(request.POST)
        if form.is_valid():
            _act(
                request,
                inspections.add_finding,
                inspection,
                user=user,
                ok="已记录 / recorded",
                **form.cleaned_data,
            )
        else:
            _form_errors(request, form, f"inspection-finding:{inspection.pk}")
    elif action == "confirm":
        key = request.POST.get("key", "")
        found = next(
            (
                f
                for f in inspections.automatic_findings(inspection, user=user)
                if inspections.finding_key(f) == key
            ),
            None,
        )
        if found is None:
            messages.error(
                request,
                "该自动发现已不存在(可能已整改或已确认) / that automatic finding is no longer reported",
            )
        else:
            _act(
                request,
                inspections.confirm_automatic_finding,
                inspection,
                found,
                major_hazard=bool(request.POST.get("major_hazard")),
                user=user,
                ok="已确认 / confirmed",
            )
    elif action == "order":
        finding = _get(user, Finding.objects.all(), int(request.POST.get("finding", "0") or 0))
        order_form = OrderForm(request.POST)
        if order_form.is_valid():
            order = _act(
                request,
                rectification.issue_rectification_order,
                finding,
                user=user,
                **order_form.cleaned_data,
            )
            if isinstance(order, RectificationOrder):
                messages.success(request, f"已下达整改通知 {order.code} / order issued")
        else:
            _form_messages(request, order_form)
    elif action == "complete":
        _act(
            request,
            inspections.complete_inspection,
            inspection,
            summary=request.POST.get("summary", ""),
            user=user,
            ok="检查已完成 / completed",
        )
    else:
        messages.error(request, f"未知操作 {action!r} / unknown action")


# -- rectification --------------------------------------------------------------------------


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    qs = rectification.orders_for(request.user)
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(state__in=[OrderState.ISSUED, OrderState.REPORTED, OrderState.REOPENED])
    elif state == "overdue":
        qs = rectification.overdue_orders(request.user, today)
    elif state in OrderState.values:
        qs = qs.filter(state=state)
    rows = [{"order": o, "overdue": o.is_overdue(today), "days": o.days_overdue(today)} for o in qs[:500]]
    return render(
        request, "supervision/order_list.html", {"rows": rows, "state": state, "states": OrderState.choices}
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get(
        request.user, RectificationOrder.objects.select_related("institution", "county", "finding"), pk
    )
    if request.method == "POST":
        _order_post(request, order)
        return redirect("supervision:order-detail", order.pk)
    return render(
        request,
        "supervision/order_detail.html",
        {
            **pages.order_page(request.user, order, _today()),
            "reason_form": ReasonForm(),
            "extend_form": ExtendForm(_typed(request, f"order-extend:{order.pk}")),
        },
    )


def _order_post(request: HttpRequest, order: RectificationOrder) -> None:
    action = request.POST.get("action", "")
    user = request.user
    reason = request.POST.get("reason", "")
    if action == "report":
        _act(
            request,
            rectification.report_rectification,
            order,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
            user=user,
            ok="整改情况已报送 / rectification reported",
        )
    elif action == "verify":
        _act(
            request,
            rectification.verify_rectification,
            order,
            note=request.POST.get("note", ""),
            user=user,
            ok="已复查销号 / verified and closed",
        )
    elif action == "reject":
        _act(
            request,
            rectification.reject_rectification,
            order,
            reason,
            user=user,
            ok="复查不通过,已退回整改 / rejected",
        )
    elif action == "cancel":
        _act(
            request,
            rectification.cancel_rectification_order,
            order,
            reason,
            user=user,
            ok="已撤销 / cancelled",
        )
    elif action == "extend":
        form = ExtendForm(request.POST)
        if form.is_valid():
            _act(
                request,
                rectification.extend_rectification_deadline,
                order,
                form.cleaned_data["deadline"],
                form.cleaned_data["reason"],
                user=user,
                ok="已延期 / extended",
            )
        else:
            _form_errors(request, form, f"order-extend:{order.pk}")
    elif action == "escalate":
        _act(
            request,
            rectification.escalate_rectification_order,
            order,
            reason=reason,
            user=user,
            ok="已升级市级督办 / escalated",
        )
    else:
        messages.error(request, f"未知操作 {action!r} / unknown action")


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence files are served only to users who see the order (never from a public URL)."""
    item = _get(request.user, Attachment.objects.all(), pk)
    return file_response(item, inline=item.is_image)


# -- annual inspection ----------------------------------------------------------------------


@login_required
def annual_list(request: HttpRequest) -> HttpResponse:
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isdigit() else _today().year
    kindergartens = scope(
        request.user, Institution.objects.filter(kind__in=PRESCHOOL_KINDS).open().order_by("code")
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "record":
            form = AnnualForm(request.POST, institutions=kindergartens)
            if form.is_valid():
                d = form.cleaned_data
                _act(
                    request,
                    annual.record_annual_result,
                    d["institution"],
                    d["year"],
                    d["result"],
                    reasons=d["reasons"],
                    override_reason=d["override_reason"],
                    user=request.user,
                    ok="已登记 / recorded",
                )
                year = d["year"]
            else:
                _form_errors(request, form, "annual-result:0")
        elif action == "publish":
            row = _get(request.user, AnnualInspection.objects.all(), int(request.POST.get("row", "0") or 0))
            _act(request, annual.publish_annual_result, row, user=request.user, ok="已公布 / published")
            year = row.year
        elif action == "publish_all":
            done = _act(request, annual.publish_annual_results, year, user=request.user)
            if isinstance(done, list):
                messages.success(request, f"已公布 {len(done)} 条 / published {len(done)}")
        elif action == "retract":
            row = _get(request.user, AnnualInspection.objects.all(), int(request.POST.get("row", "0") or 0))
            _act(
                request,
                annual.retract_annual_result,
                row,
                request.POST.get("reason", ""),
                user=request.user,
                ok="已撤回 / retracted",
            )
            year = row.year
        return redirect(f"{reverse('supervision:annual-list')}?year={year}")
    return render(
        request,
        "supervision/annual_list.html",
        {
            "year": year,
            "rows": annual.annual_results_for(request.user, year),
            "form": AnnualForm(
                _typed(request, "annual-result:0"), institutions=kindergartens, initial={"year": year}
            ),
        },
    )


# -- incidents ------------------------------------------------------------------------------


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    counties = scope(request.user, Division.objects.counties())
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "record":
            form = IncidentForm(request.POST, counties=counties)
            if form.is_valid():
                d = form.cleaned_data
                _act(
                    request,
                    incidents.record_incident,
                    d["county"],
                    kind=d["kind"],
                    occurred_on=d["occurred_on"],
                    title=d["title"],
                    description=d["description"],
                    user=request.user,
                    ok="已登记 / recorded",
                )
            else:
                _form_errors(request, form, "incident-new:0")
        elif action == "withdraw":
            row = _get(request.user, Incident.objects.all(), int(request.POST.get("row", "0") or 0))
            _act(
                request,
                incidents.withdraw_incident,
                row,
                request.POST.get("reason", ""),
                user=request.user,
                ok="已撤销 / withdrawn",
            )
        return redirect("supervision:incident-list")
    today = _today()
    banned = incidents.banned_counties(today)
    visible = {c.code: c.name for c in counties}
    return render(
        request,
        "supervision/incident_list.html",
        {
            "rows": incidents.incidents_for(request.user)[:200],
            "banned": sorted((visible[k], v) for k, v in banned.items() if k in visible),
            "form": IncidentForm(_typed(request, "incident-new:0"), counties=counties),
            "role": role_of(request.user),
        },
    )


# -- notices --------------------------------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/notice_list.html",
        {
            "notices": notices.notices_for(request.user),
            "month": periods.label(pages.last_period(_today())),
            "role": role_of(request.user),
        },
    )


@login_required
def notice_download(request: HttpRequest) -> HttpResponse:
    """A draft of a month's notice (docx, or xlsx with ``format=xlsx``), for city officers; POST
    ``issue=1`` issues it (next document number, recorded)."""
    if not permissions.may_issue_notices(request.user):
        raise PermissionDenied("通报由市教育体育局生成 / only the city bureau produces notices")
    source = request.POST if request.method == "POST" else request.GET
    try:
        period = periods.parse_month(source.get("month", ""))
    except periods.PeriodError as exc:
        messages.error(request, str(exc))
        return redirect("supervision:notice-list")
    city = notices._user_city(request.user)
    if request.method == "POST":
        issued = _act(request, notices.issue_monthly_notice, period, user=request.user, city=city)
        if not issued or issued is True:
            return redirect("supervision:notice-list")
        _, data, blob = issued
    else:
        data = _act(request, notices.collect_notice_data, period, city=city, as_of=_today())
        if not isinstance(data, notices.NoticeData):
            return redirect("supervision:notice-list")
        blob = (
            notices.build_notice_xlsx(data) if source.get("format") == "xlsx" else notices.notice_bytes(data)
        )
    xlsx = source.get("format") == "xlsx" and request.method != "POST"
    return download(blob, f"notice-{periods.label(period)}.{'xlsx' if xlsx else 'docx'}")
