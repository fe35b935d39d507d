"""What every planning page's view shares: :func:`planning_officer` and :func:`render_page`.

Each tool's view (``projection/views.py`` population pyramids, ``gaps/views.py`` seats against
demand, ``allocation/views.py`` the city target's allocation, ``siting/views.py`` service zones on a
map) is thin: check the user, build the page from the tool's ``page`` module, render. City officers see
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

from .errors import PlanningInputError
from .pages import may_use_planning, plain_error

View = Callable[..., HttpResponse]


def planning_officer(view: View) -> View:
    """Login required; then city and county officers only (403 for other roles)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_use_planning(request.user):
            raise PermissionDenied(
                "规划工具仅供市、县教育局干部使用 / planning is for city and county officers"
            )
        return view(request, *args, **kwargs)

    return wrapped


def render_page(
    request: HttpRequest, template: str, build: Callable[[], dict[str, Any]], tab: str
) -> HttpResponse:
    try:
        context = build()
    except PlanningInputError as exc:
        context = {"error": plain_error(str(exc))}
    context["tab"] = tab
    return render(request, template, context)
