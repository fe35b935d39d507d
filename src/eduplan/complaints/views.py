"""Officers' complaint pages under ``/office/complaints/``: the county's (or city's) complaints,
answering one, converting one into a supervision finding. County and city officers only: the
kindergarten (its principal) and its supervisor never see a complaint's contact, and are not
offered these pages at all (retaliation risk)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from eduplan.common.protection import guarded, setting
from eduplan.common.workflow import TransitionError

from . import actions, queries
from .forms import AnswerForm, ConvertForm
from .models import ComplaintCategory, ComplaintStatus

STATUS_FILTERS = (
    ("open", "待答复 Awaiting an answer"),
    ("overdue", "已逾期 Overdue"),
    ("escalated", "已升级市级督办 Escalated"),
    ("answered", "已答复 Answered"),
    ("all", "全部 All"),
)


def _require_officer(request: HttpRequest) -> None:
    if not queries.is_officer(request.user):
        raise PermissionDenied(
            "投诉由县、市教育体育局办理 / complaints are handled by county or city officers"
        )


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    context = queries.office_list(request.user, request.GET.dict())
    return render(
        request,
        "portal/office/complaint_list.html",
        {**context, "filters": STATUS_FILTERS, "categories": ComplaintCategory.choices},
    )


def _run(request: HttpRequest, fn: Any, *args: Any, ok: str, **kwargs: Any) -> bool:
    try:
        fn(*args, **kwargs)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return False
    except (PermissionDenied, TransitionError) as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, ok)
    return True


@login_required
@guarded
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    complaint = queries.complaints_for(request.user).filter(pk=pk).first()
    if complaint is None:
        raise Http404("没有这条投诉,或您无权查看 / no such complaint in your area")
    answer_form, convert_form = AnswerForm(), ConvertForm(initial={"message_zh": complaint.description})
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "answer":
            answer_form = AnswerForm(request.POST)
            if answer_form.is_valid() and _run(
                request,
                actions.answer_complaint,
                complaint,
                answer_form.cleaned_data["response"],
                user=request.user,
                ok="已答复 / answered",
            ):
                return redirect("portal_office:complaint-detail", pk=pk)
        elif action == "convert":
            convert_form = ConvertForm(request.POST)
            if convert_form.is_valid() and _run(
                request,
                actions.convert_complaint_to_finding,
                complaint,
                message_zh=convert_form.cleaned_data["message_zh"],
                severity=convert_form.cleaned_data["severity"],
                user=request.user,
                ok="已转为督导发现 / converted into a supervision finding",
            ):
                return redirect("portal_office:complaint-detail", pk=pk)
        else:
            messages.error(request, "未知操作 / unknown action")
        complaint.refresh_from_db()
    today = timezone.localdate()
    return render(
        request,
        "portal/office/complaint_detail.html",
        {
            "c": complaint,
            "contact": queries.contact_for_officer(request.user, complaint),
            "events": list(complaint.events.select_related("actor")),
            "answer_form": answer_form,
            "convert_form": convert_form,
            "overdue": complaint.is_overdue(today),
            "can_answer": complaint.status == ComplaintStatus.RECEIVED,
            "answer_max": setting("answer_max_chars"),
        },
    )
