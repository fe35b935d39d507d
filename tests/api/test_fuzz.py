"""Schemathesis against the API's own OpenAPI schema: whatever it sends — with a county officer's
token — no response is a server error, and every successful response matches the schema.

Needs schemathesis (a dev dependency); skipped where it is not installed. ``EDUPLAN_FUZZ_EXAMPLES``
sets the examples per operation (default 5, to keep the suite fast; docs/api.md shows a deeper
CLI run against a live server)."""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from eduplan.api.models import create_token  # noqa: E402
from tests.intake.helpers import full_city  # noqa: E402

EXAMPLES = int(os.environ.get("EDUPLAN_FUZZ_EXAMPLES", "5"))

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def token(transactional_db):
    """A county officer's token. Like Django's test client, keep the test's database connection
    open across requests (the WSGI handler would close it after each one). Transactional: the
    indicators endpoint reads through Ibis, which ends an open transaction on SQLite."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    full_city()
    from django.contrib.auth import get_user_model

    yield create_token(get_user_model().objects.get(username="county_a"))[1]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_server_errors(token):
    """Every operation in turn, in one test, so the city is built once."""
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        check()
