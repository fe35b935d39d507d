"""HTTP caching of the public pages, tied to the data version (docs/portal.md, docs/running.md).

A public page shows the same bytes to every visitor until the data it is built from changes, so
each carries an ``ETag`` computed *before* rendering from what the page depends on: the URL with
its query, the language, the registry and work data versions (moved by every write, inside the
writer's transaction: :mod:`eduplan.common.versions`), the day (licences lapse and results are
published by date) and the release of the code. A browser or a reverse proxy that sends the tag
back (``If-None-Match``) gets ``304 Not Modified`` for the cost of one small query, no rendering.

``Cache-Control: public, no-cache`` lets a shared cache (nginx ``proxy_cache`` with
``proxy_cache_revalidate on``) keep the page and revalidate it on every request, so a write shows
at once. ``EDUPLAN_PUBLIC_MAX_AGE`` (seconds, default 0) lets it serve the page without asking for
that long instead: a deployment trading a few seconds of staleness for fewer requests reaching the
application. Pages carrying a tracking code or a form token are ``no-store`` and never get here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition

from eduplan import __version__

_release: str | None = None


def release() -> str:
    """The code's release: ``EDUPLAN_RELEASE`` if a deployment sets it, else the package version and
    the newest modification time of the templates and static files (a changed page is a new tag)."""
    global _release
    if _release is None:
        stamp = os.environ.get("EDUPLAN_RELEASE", "")
        if not stamp:
            root = Path(__file__).resolve().parent.parent
            newest = max(
                (p.stat().st_mtime_ns for p in root.glob("*/templates/**/*") if p.is_file()),
                default=0,
            )
            stamp = f"{__version__}:{newest}"
        _release = stamp
    return _release


def page_etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    """The tag of the page this request asks for, from the data versions (one query), not its bytes."""
    from eduplan.registry.models import current_versions

    registry, work = current_versions()
    parts = (
        request.path,
        request.META.get("QUERY_STRING", ""),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        str(registry),
        str(work),
        dt.date.today().isoformat(),
        release(),
    )
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:20]


def max_age() -> int:
    return max(0, int(getattr(settings, "PUBLIC_MAX_AGE", 0)))


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page with an ETag of its data version; answer a matching ``If-None-Match``
    with 304 before rendering. The language comes from a cookie, hence ``Vary: Cookie``."""
    conditional = condition(etag_func=page_etag)(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304) and "Cache-Control" not in response:
            age = max_age()
            response["Cache-Control"] = (
                f"public, max-age={age}, must-revalidate" if age else "public, no-cache"
            )
            patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper
