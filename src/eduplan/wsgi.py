"""WSGI entry point for ``eduplan serve`` (gunicorn) and other WSGI servers. With debug off it
refuses to start on the development key or without a separate identity-hash key.

Each worker loads the URL configuration (every view, and the analytics and solver libraries they
import: Ibis, pandas, SciPy …) while it boots, before it takes a request: otherwise the first
officer to reach a new worker waits seconds for those imports, and so does every request queued
behind theirs (bench/web.py measured p95 of several seconds from this alone). ``EDUPLAN_WARM=0``
skips it.

Under gunicorn's threaded worker, a new connection's first bytes are awaited for 50 ms, not 5 s
(see :func:`wait_briefly_for_first_bytes`)."""

import os
import sys

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


#: How long a worker thread waits for a new connection's first request bytes before handing the
#: connection to the worker's poller (where waiting costs no thread).
FIRST_BYTES_WAIT_S = 0.05


def wait_briefly_for_first_bytes() -> None:
    """gunicorn's threaded worker (23 and later) gives every new connection a thread that waits up
    to 5 s for the request to arrive. Browsers open connections before they need them (preconnect,
    a second socket per page) and reopen kept-alive ones after a pause, so idle sockets held every
    thread of a worker while requests queued behind them: bench/web.py measured p95 of 1.3 s at 20
    officers and 5 s at 200 while no request took over 0.6 s to serve. gunicorn has no setting for
    this wait (``DEFAULT_WORKER_DATA_TIMEOUT`` in ``gunicorn.workers.gthread``); a connection with
    no data yet goes to the poller, which is where gunicorn itself sends it after the wait."""
    gthread = sys.modules.get("gunicorn.workers.gthread")
    if gthread is not None and hasattr(gthread, "DEFAULT_WORKER_DATA_TIMEOUT"):
        vars(gthread)["DEFAULT_WORKER_DATA_TIMEOUT"] = FIRST_BYTES_WAIT_S  # read at each call


wait_briefly_for_first_bytes()
