"""``eduplan serve`` answers while browsers hold idle connections: a connection opened before its
request is sent (a browser's preconnect, a second socket per page) must not hold one of the
worker's threads for seconds while other visitors' requests wait."""

from __future__ import annotations

import socket
import time
import urllib.parse
import urllib.request

import pytest

from .services import app_servers, environment

pytestmark = pytest.mark.django_db(transaction=True)


def test_idle_connections_do_not_keep_others_waiting(tmp_path):
    with app_servers(1, environment(), tmp_path) as (base,):
        address = urllib.parse.urlsplit(base)
        idle = [socket.create_connection((address.hostname, address.port)) for _ in range(8)]
        try:
            time.sleep(0.2)  # the worker has accepted them: more than its four threads
            started = time.monotonic()
            urllib.request.urlopen(f"{base}/office/login/", timeout=30).read()
            waited = time.monotonic() - started
        finally:
            for s in idle:
                s.close()
    # gunicorn's threaded worker used to give each new connection a thread for up to 5 s
    assert waited < 2, f"the request waited {waited:.1f} s behind idle connections"
