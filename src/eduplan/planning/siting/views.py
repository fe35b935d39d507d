"""The siting page's view under ``/office/planning/``: thin, see :mod:`.page`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from ..views import planning_officer, render_page
from . import page


@planning_officer
def siting(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "planning/siting.html",
        lambda: page.siting_page(request.user, request.GET),
        "siting",
    )
