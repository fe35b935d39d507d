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

from collections.abc import Sequence
from typing import Any, Protocol

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from eduplan.accounts.scoping import scope


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


def editable_ids(user: Any, qs: models.QuerySet[Any], ids: Sequence[int]) -> list[int | None]:
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
