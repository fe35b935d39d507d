"""Pages under ``/office/programmes/``: thin — read through the one scoping function, render.
An overview with designation counts against the plan's targets, a list per register with filters
and an xlsx export of exactly what the list shows, and the incentives list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from eduplan.accounts.scoping import scope
from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.kinds import UnknownKind
from eduplan.intake.templates import build_workbook
from eduplan.output import attachment
from eduplan.registry.models import Division

from .forms import FORMS, OUT_OF_SCOPE, EntryForm
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


def _entry_form(request: HttpRequest, kind) -> tuple[EntryForm | None, Any]:  # type: ignore[no-untyped-def]
    """The register's add (or, with ``edit=<id>``, edit) form, or ``None`` when the user may not
    write here. A row to edit must be in the user's write scope (404 otherwise)."""
    form_class = FORMS.get(kind.key)
    if form_class is None or not form_class.may_write(request.user):
        return None, None
    data = request.POST if request.method == "POST" else None
    edit = (data or request.GET).get("edit")
    instance = None
    if edit:
        writable = scope(request.user, kind.model._default_manager.all(), write=True)
        instance = get_object_or_404(writable, pk=edit if str(edit).isdigit() else None)
    return form_class(data, instance=instance, user=request.user), instance


def _save(request: HttpRequest, kind, form: EntryForm) -> bool:  # type: ignore[no-untyped-def]
    """Validate and write through the register's action; ``False`` with the errors on the form.
    A refusal raised by the action (its ``full_clean``) lands on its field; nothing is written."""
    if form.out_of_scope():
        raise PermissionDenied(OUT_OF_SCOPE)
    if not form.is_valid():
        return False
    try:
        form.save_with(request.user)
    except ValidationError as exc:
        form.attach(exc)
        return False
    return True


@login_required
def register(request: HttpRequest, name: str) -> HttpResponse:
    kind = _kind(name)
    form, editing = _entry_form(request, kind)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("无权录入此登记册 / you may not write to this register")
        if _save(request, kind, form):
            return redirect(f"{request.path}?saved=1")
    qs, county, year, designation = _filtered(request, kind)
    if request.GET.get("format") == "xlsx":
        data, _ = build_workbook([(kind, records(kind, qs))])
        return attachment(data, f"{kind.key}.xlsx")
    rows = records(kind, qs)
    ids = [r[0] for r in records(kind, qs, style="api")]
    writable = set(scope(request.user, qs, write=True).values_list("pk", flat=True)) if form else set()
    extra: list[list[Any]] = []
    extra_headers: list[str] = []
    if kind.model is SubsidyDisbursement:
        today = timezone.localdate()
        by_key = {
            (d.institution.code, d.school_year): d
            for d in disbursements(request.user).filter(pk__in=qs.values("pk"))
        }
        extra_headers = ["应拨(元)", "差额(元)", "逾期天数"]
        for r in rows:
            d = by_key.get((r[0], r[1]))
            st = subsidy_status(d, today) if d else {"due": None, "shortfall": None, "late_days": None}
            extra.append([st["due"], st["shortfall"], st["late_days"]])
    table = [list(r) + (extra[i] if extra else []) for i, r in enumerate(rows)]
    edit_ids = [pk if pk in writable else None for pk in ids]
    counties = scope(request.user, Division.objects.counties()).order_by("code")
    return render(
        request,
        "programmes/register.html",
        {
            "kind": kind,
            "headers": [c.label for c in kind.columns] + extra_headers,
            "rows": zip(table, edit_ids, strict=True),
            "count": len(table),
            "form": form,
            "editing": editing,
            "saved": request.GET.get("saved") == "1",
            "counties": counties,
            "county": county or "",
            "year": year or "",
            "designation": designation or "",
            "designation_kinds": Designation._meta.get_field("kind").choices
            if kind.model is Designation
            else [],
            "registers": PROGRAMME_KINDS.values(),
        },
    )


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
