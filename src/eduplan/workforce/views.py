"""Workforce pages under ``/office/workforce/``: thin — read through the one scoping function,
render. The ethics pages answer 403 to roles that may not see ethics records.

Each row the user may change (``scoping.can_change``) carries a "修改" link ``?edit=<id>`` that
opens the entry form prefilled with the row, its natural key locked; saving updates that row
through the action. ``?edit=`` of a row outside the user's read scope is 404, of a row the user
may only read 403."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from eduplan.accounts.scoping import User, can_change, scope
from eduplan.output import attachment, xlsx_bytes
from eduplan.registers.pages import register_page

from . import actions, forms, registers, training
from .models import (
    EthicsAssessment,
    EvaluationScheme,
    NegativeListEntry,
    PerformancePay,
    PublicityItem,
    TrainingRecord,
)

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


def _register_links(user: User | None) -> list[tuple[str, str]]:
    return [
        (r.key, r.label)
        for r in registers.REGISTERS.values()
        if not r.restricted or registers.may_see_ethics(user)
    ]


#: register key → (entry form, model written). Awards have no form (imports and the API only).
ENTRY_FORMS: dict[str, tuple[type[forms.WorkforceForm], type[Any]]] = {
    "training": (forms.TrainingForm, TrainingRecord),
    "pay": (forms.PayForm, PerformancePay),
    "schemes": (forms.SchemeForm, EvaluationScheme),
    "ethics": (forms.EthicsForm, EthicsAssessment),
    "negative": (forms.NegativeForm, NegativeListEntry),
    "publicity": (forms.PublicityForm, PublicityItem),
}


def editing(request: HttpRequest, key: str) -> Any:
    """The row named by ``edit=<id>`` (query string, or the posted form), or ``None``.

    404 when the row is outside the user's read scope (or the register has no form); 403 when the
    user may see but not change it — ``scoping.can_change`` decides."""
    edit = (request.POST if request.method == "POST" else request.GET).get("edit")
    if not edit:
        return None
    if key not in ENTRY_FORMS or not str(edit).isdigit():
        raise Http404("没有这条记录 / no such record")
    model = ENTRY_FORMS[key][1]
    obj = scope(request.user, model._default_manager.filter(pk=int(edit))).first()
    if obj is None:
        raise Http404("没有这条记录 / no such record")
    if not can_change(request.user, obj):
        raise actions.refuse("无权修改该记录", "you may not change this record")
    return obj


def entry_form(
    request: HttpRequest, key: str, data: Any = None, instance: Any = None
) -> forms.WorkforceForm | None:
    """The register's entry form for this user, or ``None`` when the user may not write such rows
    (decided by ``actions.may_write`` — the scoping function — on a parent the user sees). With
    ``instance`` (a row the user may change) the form is prefilled with it, its key locked."""
    if key not in ENTRY_FORMS:
        return None
    form_class, model = ENTRY_FORMS[key]
    if instance is not None:
        return form_class(data, user=request.user, instance=instance)
    initial = {"institution": request.GET.get("institution")} if data is None else {}
    form = form_class(data, user=request.user, initial=initial)
    parent = next(iter(form.scoped_querysets().values())).first()
    if parent is None or not actions.may_write(request.user, model, parent):
        return None
    return form


def _row_ids(key: str, qs: Any) -> list[int]:
    """The id of each row ``register.rows(qs)`` yields, in the same order (a scheme yields one row
    per criterion)."""
    if key == "schemes":
        counted = qs.annotate(n_criteria=Count("criteria")).values_list("pk", "n_criteria")
        return [pk for pk, n in counted for _ in range(n)]
    return list(qs.values_list("pk", flat=True))


def _refuse_outside_scope(request: HttpRequest, form: forms.WorkforceForm) -> None:
    """A posted institution, staff member or county the user does not see: 403, nothing written."""
    for name, qs in form.scoped_querysets().items():
        value = request.POST.get(name, "")
        if value.isdigit() and not qs.filter(pk=int(value)).exists():
            if qs.model._default_manager.filter(pk=int(value)).exists():
                raise actions.refuse("不在您的管辖范围内", "outside your area")


@dataclass
class WorkforceRegisterPage:
    """A workforce register on the shared register page (``eduplan.registers.pages``)."""

    key: str
    register: registers.Register
    template: str = "workforce/register.html"

    def editing(self, request: HttpRequest) -> Any:
        return editing(request, self.key)

    def form(self, request: HttpRequest, data: Any, instance: Any) -> forms.WorkforceForm | None:
        return entry_form(request, self.key, data, instance)

    def refusal(self) -> PermissionDenied:
        return actions.refuse("无权登记该名册", "you may not write this register")

    def save(self, request: HttpRequest, form: Any) -> bool:
        _refuse_outside_scope(request, form)
        if not form.is_valid():
            return False
        try:
            form.save()
        except ValidationError as error:
            form.add_action_errors(error)
            return False
        return True

    def queryset(self, request: HttpRequest) -> Any:
        return registers.visible_queryset(self.key, request.user, request.GET.get("county") or None)

    def export(self, request: HttpRequest, qs: Any) -> HttpResponse:
        data = xlsx_bytes(
            {self.register.kind.sheet: list(self.register.rows(qs))}, headers=registers.headers(self.register)
        )
        return attachment(data, f"workforce-{self.key}.xlsx")

    def rows(self, request: HttpRequest, qs: Any) -> tuple[list[Any], list[int]]:
        return list(self.register.rows(qs)), _row_ids(self.key, qs)

    def context(
        self, request: HttpRequest, qs: Any, rows: list[Any], edit_ids: list[int | None], form: Any
    ) -> dict[str, Any]:
        columns = [c for c in self.register.kind.columns if c.key != "id_hash"]
        conflicts = []
        if self.key == "negative":
            from eduplan.rules.catalogue import run_rules

            conflicts = run_rules(rule_ids=["HS-ETHICS-BAR", "HS-ETHICS-INCIDENT"], user=request.user)
        return {
            "register": self.register,
            "columns": columns,
            "rows": [
                ([row.get(c.key, "") for c in columns], pk)
                for row, pk in zip(rows[:PAGE_ROWS], edit_ids, strict=False)
            ],
            "limit": PAGE_ROWS,
            "registers": _register_links(request.user),
            "conflicts": conflicts,
            "staff_form": isinstance(form, forms.StaffForm),
        }


@login_required
def register_list(request: HttpRequest, key: str) -> HttpResponse:
    if key not in registers.REGISTERS:
        raise Http404("没有这个名册 / no such register")
    register = registers.get_register(key)
    if register.restricted and not registers.may_see_ethics(request.user):
        raise PermissionDenied("师德档案仅限授权角色查看 / ethics records are restricted to authorised roles")
    return register_page(request, WorkforceRegisterPage(key, register))
