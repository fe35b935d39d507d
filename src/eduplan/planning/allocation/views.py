"""The allocation page's view under ``/office/planning/``: thin, see :mod:`.page`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from ..views import planning_officer, render_page
from . import page


@planning_officer
def allocation(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "planning/allocation.html",
        lambda: page.allocation_page(request.user, request.GET),
        "allocation",
    )
