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

Behind no proxy, the application keeps the pages itself: a public page rendered for one visitor
is kept under its tag (the ``pages`` cache: Redis with ``EDUPLAN_CACHE_URL``, shared by every
application server; else each process's memory) and served to the next visitor asking for the
same URL, without searching or rendering again. Only pages rendered for a visitor who is not
signed in are kept or served this way (a signed-in officer's header names them), a page marked
``no-store`` (one that could not show everything just now) is never kept, and the one
per-visitor part of a public page, the language form's CSRF token, is put back fresh for each
visitor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zlib
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
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
    """The tag of the page this request asks for, from the data versions (one query), not its bytes.
    Worked out once per request."""
    tag = getattr(request, "_eduplan_page_etag", None)
    if tag is None:
        tag = request._eduplan_page_etag = _page_etag(request)  # type: ignore[attr-defined]
    return tag


def _page_etag(request: HttpRequest) -> str:
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


#: A kept page's CSRF token (the language form's), taken out when it is kept and put back fresh.
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_SLOT = b"\x00csrf-token\x00"  # no byte of a rendered page is NUL
#: The largest page kept (bytes, before compression): a full page of results is about 45 kB.
KEEP_AT_MOST = 512 * 1024


def _keepable(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _kept(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the page kept under this request's tag, or render it and keep it."""

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _keepable(request):
            return view(request, *args, **kwargs)
        pages = caches["pages"]
        key = f"eduplan:public-page:{page_etag(request)}"
        kept = pages.get(key)
        if kept is not None:
            headers, packed, tokened = kept
            body = zlib.decompress(packed)
            if tokened:
                body = body.replace(_TOKEN_SLOT, get_token(request).encode())
            response = HttpResponse(body)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and "no-store" not in response.get("Cache-Control", "")
            and len(response.content) <= KEEP_AT_MOST
        ):
            body, tokened = response.content, 0
            if response.get("Content-Type", "").startswith("text/html"):  # never a download's data
                body, tokened = _TOKEN.subn(lambda m: m.group(1) + _TOKEN_SLOT + m.group(2), body)
            pages.set(key, (list(response.items()), zlib.compress(body, 1), bool(tokened)))
        return response

    return inner


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page with an ETag of its data version; answer a matching ``If-None-Match``
    with 304 before rendering, and serve a page kept for an earlier visitor without rendering. The
    language comes from a cookie, hence ``Vary: Cookie``."""
    conditional = condition(etag_func=page_etag)(_kept(view))

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
