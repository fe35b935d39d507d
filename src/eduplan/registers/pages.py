"""One register page for every register app: list, filter, xlsx export of what the list shows,
an entry form that adds a row or (``?edit=<id>``) changes one, ``?saved=1`` after a save.

The flow is the same for the programme and workforce registers; what differs — which row may be
edited, the form, how it is saved, the rows and the template — is the app's :class:`RegisterPage`.
Views stay thin: they build the page and call :func:`register_page`.

The flow: the row to edit (the page decides 404/403), the form (``None`` when the user may not
write here); a POST without a form is refused, a valid POST is saved and redirected; otherwise the
filtered queryset is exported (``format=xlsx``) or listed, each row carrying its id when the user may
change it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render

from eduplan.accounts.scoping import User, scope
from eduplan.intake.exporter import records
from eduplan.intake.kinds import Kind
from eduplan.intake.templates import build_workbook
from eduplan.output import attachment

from .forms import OUT_OF_SCOPE, EntryForm


class RegisterPage(Protocol):
    """What a register app supplies to :func:`register_page`."""

    template: str

    def editing(self, request: HttpRequest) -> models.Model | None:
        """The row named by ``edit=<id>``, or ``None``; raises 404/403 as the app decides."""

    def form(self, request: HttpRequest, data: Any, instance: models.Model | None) -> forms.BaseForm | None:
        """The entry form (bound to ``data`` when posted), or ``None`` when the user may not write."""

    def refusal(self) -> PermissionDenied:
        """The refusal of a POST by a user without a form."""

    def save(self, request: HttpRequest, form: forms.BaseForm) -> bool:
        """Write the posted form through the app's action; ``False`` with the errors on the form."""

    def queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        """The rows the user sees, filtered as the query string asks."""

    def export(self, request: HttpRequest, qs: models.QuerySet[Any]) -> HttpResponse:
        """The xlsx of exactly what the list shows."""

    def rows(self, request: HttpRequest, qs: models.QuerySet[Any]) -> tuple[list[Any], list[int] | None]:
        """The listed rows and, in the same order, each row's id (``None`` when rows are not one
        per record and so cannot be edited from the list)."""

    def context(
        self,
        request: HttpRequest,
        qs: models.QuerySet[Any],
        rows: list[Any],
        edit_ids: list[int | None],
        form: forms.BaseForm | None,
    ) -> dict[str, Any]:
        """The template's own context (the page's rows with their edit ids, filters, links)."""


def editable_ids(user: User | None, qs: models.QuerySet[Any], ids: Sequence[int]) -> list[int | None]:
    """Each id when the user may change that row (the write scope), else ``None``."""
    writable = set(scope(user, qs, write=True).values_list("pk", flat=True))
    return [pk if pk in writable else None for pk in ids]


def register_page(request: HttpRequest, page: RegisterPage) -> HttpResponse:
    """The register page's flow (module docstring) over the app's ``page``."""
    instance = page.editing(request)
    posted = request.method == "POST"
    form = page.form(request, request.POST if posted else None, instance)
    if posted:
        if form is None:
            raise page.refusal()
        if page.save(request, form):
            return HttpResponseRedirect(f"{request.path}?saved=1")
    qs = page.queryset(request)
    if request.GET.get("format") == "xlsx":
        return page.export(request, qs)
    rows, ids = page.rows(request, qs)
    edit_ids: list[int | None] = [None] * len(rows)
    if form is not None and ids is not None and len(ids) == len(rows):
        edit_ids = editable_ids(request.user, qs, ids)
    return render(
        request,
        page.template,
        {
            **page.context(request, qs, rows, edit_ids, form),
            "form": form,
            "editing": instance,
            "count": len(rows),
            "saved": request.GET.get("saved") == "1",
        },
    )


@dataclass
class KindRegisterPage:
    """The part of :class:`RegisterPage` that every register kept as an import kind with entry
    forms (programmes, duties) shares: the row to edit in the user's write scope, the form when the
    user may write to the register, saving through the form's action with a refusal on its field,
    and the xlsx of what is listed. A subclass names its ``forms`` (register key → form class), its
    template, and supplies ``queryset``, ``rows`` and ``context``."""

    kind: Kind
    template: str = ""
    forms: ClassVar[Mapping[str, type[EntryForm]]] = {}

    def _form_class(self, request: HttpRequest) -> type[EntryForm] | None:
        form_class = self.forms.get(self.kind.key)
        return form_class if form_class is not None and form_class.may_write(request.user) else None

    def editing(self, request: HttpRequest) -> Any:
        """The row ``edit=<id>`` names, which must be in the user's write scope (404 otherwise);
        ``None`` when the user may not write here."""
        if self._form_class(request) is None:
            return None
        data = request.POST if request.method == "POST" else None
        edit = (data or request.GET).get("edit")
        if not edit:
            return None
        writable = scope(request.user, self.kind.model._default_manager.all(), write=True)
        return get_object_or_404(writable, pk=edit if str(edit).isdigit() else None)

    def form(self, request: HttpRequest, data: Any, instance: Any) -> EntryForm | None:
        form_class = self._form_class(request)
        return None if form_class is None else form_class(data, instance=instance, user=request.user)

    def refusal(self) -> PermissionDenied:
        return PermissionDenied("无权录入此登记册 / you may not write to this register")

    def save(self, request: HttpRequest, form: Any) -> bool:
        """Validate and write through the register's action; ``False`` with the errors on the
        form. A refusal raised by the action (its ``full_clean``) lands on its field; nothing is
        written."""
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

    def export(self, request: HttpRequest, qs: Any) -> HttpResponse:
        data, _ = build_workbook([(self.kind, records(self.kind, qs))])
        return attachment(data, f"{self.kind.key}.xlsx")
