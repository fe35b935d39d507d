"""The gaps page's view under ``/office/planning/``: thin, see :mod:`.page`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from ..views import planning_officer, render_page
from . import page


@planning_officer
def seats(request: HttpRequest) -> HttpResponse:
    return render_page(
        request, "planning/seats.html", lambda: page.seats_page(request.user, request.GET), "seats"
    )
