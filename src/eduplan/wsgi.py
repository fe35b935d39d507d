"""WSGI entry point for ``eduplan serve`` (gunicorn) and other WSGI servers. With debug off it
refuses to start on the development key or without a separate identity-hash key.

Each worker loads the URL configuration (every view, and the analytics and solver libraries they
import: Ibis, pandas, SciPy …) while it boots, before it takes a request: otherwise the first
officer to reach a new worker waits seconds for those imports, and so does every request queued
behind theirs (bench/web.py measured p95 of several seconds from this alone). ``EDUPLAN_WARM=0``
skips it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
application = get_wsgi_application()

from eduplan.security.keys import refuse_unsafe_keys  # noqa: E402 - needs the settings loaded

refuse_unsafe_keys()


def warm() -> None:
    """Import every view and what the pages compute with (no database query, no cache read)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads every app's urls and views
    import eduplan.metrics.indicators
    import eduplan.rules.catalogue  # noqa: F401


if os.environ.get("EDUPLAN_WARM", "1") != "0":
    warm()
