"""Planning pages for city and county officers: population pyramids by county, seats
against demand, the allocation of the city target with a choice of method, and kindergarten siting
with service zones on a map.

Thin: check the user, build the page from :mod:`eduplan.planning.pages`, render. City officers see
every county of their city and county officers their own (the one scoping function decides);
anyone else gets 403, and an anonymous visitor is sent to the login page. Asking the siting page
for a county outside one's scope is "not found" (404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import pages, siting_page
from .projection import PlanningInputError

View = Callable[..., HttpResponse]


def planning_officer(view: View) -> View:
    """Login required; then city and county officers only (403 for other roles)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not pages.may_use_planning(request.user):
            raise PermissionDenied(
                "规划工具仅供市、县教育局干部使用 / planning is for city and county officers"
            )
        return view(request, *args, **kwargs)

    return wrapped


def _render(
    request: HttpRequest, template: str, build: Callable[[], dict[str, Any]], tab: str
) -> HttpResponse:
    try:
        context = build()
    except PlanningInputError as exc:
        context = {"error": str(exc)}
    context["tab"] = tab
    return render(request, template, context)


@planning_officer
def population(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "planning/population.html",
        lambda: pages.population_page(request.user, request.GET),
        "population",
    )


@planning_officer
def seats(request: HttpRequest) -> HttpResponse:
    return _render(
        request, "planning/seats.html", lambda: pages.seats_page(request.user, request.GET), "seats"
    )


@planning_officer
def allocation(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "planning/allocation.html",
        lambda: pages.allocation_page(request.user, request.GET),
        "allocation",
    )


@planning_officer
def siting(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "planning/siting.html",
        lambda: siting_page.siting_page(request.user, request.GET),
        "siting",
    )
