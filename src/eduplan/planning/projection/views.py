"""The projection page's view under ``/office/planning/``: thin, see :mod:`.page`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from ..views import planning_officer, render_page
from . import page


@planning_officer
def population(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "planning/population.html",
        lambda: page.population_page(request.user, request.GET),
        "population",
    )
