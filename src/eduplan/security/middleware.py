"""Two answers every response gets: the Content-Security-Policy header, and a 409 "请重试" instead
of a 500 when the database was too busy to take a write.

The Content-Security-Policy header on every response (Django 5.2 has no built-in one).

The policy forbids inline script (no template holds any: behaviour lives in static files), so a
name that slipped past escaping still cannot run. Styles may be inline: Plotly and Leaflet set
them. A response that already carries a policy keeps it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

#: What a database says when another writer held it too long (SQLite) or two transactions collided
#: (PostgreSQL): nothing was written, and the same request a moment later will do.
BUSY = ("database is locked", "database table is locked", "could not serialize access", "deadlock detected")
RETRY_ZH = "数据库正忙(其他人正在保存或导入),本次未保存任何内容,请重试。"
RETRY_EN = (
    "The database was busy (someone else was saving or importing); nothing was saved. Please try again."
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy
        return response


class DatabaseBusyMiddleware:
    """``database is locked`` that outlasted the busy timeout: 409 with a message to retry. Each
    request's writes are one transaction, rolled back whole, so a retry is always safe."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or not any(b in str(exception) for b in BUSY):
            return None
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": "busy", "message_zh": RETRY_ZH, "message_en": RETRY_EN}, status=409)
        from django.template.loader import render_to_string

        html = render_to_string(
            "security/retry.html", {"zh": RETRY_ZH, "en": RETRY_EN, "back": request.get_full_path()}, request
        )
        response = HttpResponse(html, status=409)
        response["Retry-After"] = "2"
        return response


class SweepMiddleware:
    """Closes long operations whose process died (``security.sweeps``): after a response, at most
    once per ``SWEEP_SECONDS`` across every worker (the first request to add the cache key does
    it), so on a served site a dead import or admissions run is marked failed within a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        #: This process asks the shared cache at most once per ``SWEEP_SECONDS`` (not on every
        #: request: with Redis that was a round trip per page).
        self.next_ask = 0.0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        seconds = int(settings.SWEEP_SECONDS)
        now = time.monotonic()
        if seconds > 0 and now >= self.next_ask:
            from django.core.cache import cache

            from .sweeps import sweep_all

            self.next_ask = now + seconds
            try:
                if cache.add("eduplan:security:sweep", 1, timeout=seconds):
                    sweep_all()
            except Exception:  # never let housekeeping fail a page; the next sweep tries again
                logging.getLogger(__name__).exception("sweep failed")
        return response
