"""Officers' pages of the plan: the assumptions register (city officers confirm a value or set the
city's own) and the explanation behind a status or finding (the "依据" links)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from eduplan.plans import assumptions
from eduplan.plans.explain import ExplainError, explain
from eduplan.plans.loader import load_plan


def _is_city(user: Any) -> bool:
    from eduplan.accounts import permissions

    return permissions.has(user, "may_confirm_assumptions")


@login_required
def assumption_list(request: HttpRequest) -> HttpResponse:
    """Every assumption with its value, reason, checks and confirmation; city officers confirm."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not _is_city(request.user):
            raise PermissionDenied("只有市级人员可以确认假设 / only city officers confirm assumptions")
        ident = request.POST.get("assumption", "")
        try:
            assumptions.confirm(
                ident,
                value=request.POST.get("value") or None,
                reason=request.POST.get("reason", ""),
                user=request.user,
            )
        except ValidationError as exc:
            errors[ident] = exc.messages
        else:
            return redirect(request.path + f"#{ident}")
    rows = [
        {
            **s.as_dict(),
            "reason_zh": s.spec.reason_zh,
            "reason_en": s.spec.reason_en,
            "history": assumptions.history(s.spec.id),
        }
        for s in assumptions.states()
    ]
    return render(
        request,
        "plans/assumptions.html",
        {"rows": rows, "errors": errors, "can_confirm": _is_city(request.user), "plan": load_plan()},
    )


@login_required
def explanation(request: HttpRequest) -> HttpResponse:
    """The 依据 of one status or finding: formula or rule, numbers, clauses, standards, assumptions."""
    try:
        data = explain(
            request.GET.get("what", ""),
            division=request.GET.get("division") or None,
            institution=request.GET.get("institution") or None,
            year=int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None,
            user=request.user,
        )
    except ExplainError as exc:
        return render(request, "plans/explain.html", {"error": str(exc)}, status=400)
    return render(request, "plans/explain.html", {"data": data})
