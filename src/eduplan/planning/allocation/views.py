"""The allocation page's views under ``/office/planning/``: thin, see :mod:`.page`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from ..errors import PlanningInputError
from ..views import planning_officer, render_page
from . import adopt, page


@planning_officer
def allocation(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "planning/allocation.html",
        lambda: page.allocation_page(request.user, request.GET),
        "allocation",
    )


@planning_officer
@require_POST
def adopt_allocation(request: HttpRequest) -> HttpResponse:
    """The "adopt" button: the city adopts the allocation shown (403 for anyone else)."""
    if not adopt.may_adopt(request.user):
        raise PermissionDenied("只有市级可以通过县目标 / only the city adopts county targets")
    try:
        messages.success(request, page.adopt_allocation(request.user, request.POST))
    except PlanningInputError as exc:
        messages.error(request, str(exc))
    query = f"?year={request.POST.get('year', '')}&method={request.POST.get('method', '')}"
    if request.POST.get("target"):
        query += f"&target={request.POST['target']}"
    return HttpResponseRedirect(f"/office/planning/allocation/{query}")
