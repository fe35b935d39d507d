"""The Content-Security-Policy header on every response (Django 5.2 has no built-in one).

The policy forbids inline script (no template holds any: behaviour lives in static files), so a
name that slipped past escaping still cannot run. Styles may be inline: Plotly and Leaflet set
them. A response that already carries a policy keeps it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy
        return response
