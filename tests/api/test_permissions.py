"""A county's token can neither read nor write another county's data through any endpoint.

The endpoints are taken from the API's own OpenAPI schema, and the test fails when an endpoint is
added that it does not know how to probe — so a new endpoint cannot slip past it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from eduplan.api.models import create_token
from eduplan.intake.kinds import KINDS
from eduplan.registry.queries import registry_counts
from tests.api.test_register_permissions import REGISTER_PROBES
from tests.intake.helpers import full_city

pytestmark = pytest.mark.django_db

# County B (江川区) of the mini city: its county, township and institutions.
OTHER_COUNTY = {"530403", "530403100", "K2", "V1", "江川区", "江城镇", "江城镇中心幼儿园", "玉溪工业财贸学校"}

DETAIL_PROBES = {
    "/api/institutions/{code}": ["K2", "V1"],
    "/api/divisions/{code}": ["530403", "530403100"],
}

# How each reference column points into the other county (B) or the caller's own (A).
REFERENCES = {
    "institution_code": ("K2", "K1"),
    "supported_code": ("K2", "K3"),
    "division_code": ("530403100", "530402001"),
    "county_code": ("530403", "530402"),
    "parent_code": ("530403", "530402"),
}
NEW_CODES = {"kindergartens": "X9", "high_schools": "X8", "vocational": "X7", "divisions": "53040X"}


def row_for(kind_key: str, county: str) -> dict[str, Any]:
    """The kind's example row, pointed into county ``"A"`` or ``"B"``."""
    kind = KINDS[kind_key]
    row = {}
    for col in kind.columns:
        if col.example is None or col.key == "id_hash":
            continue
        value = col.example
        if isinstance(value, dt.date):
            value = value.isoformat()
        row[col.key] = value
    for key, (b, a) in REFERENCES.items():
        if key in row:
            row[key] = b if county == "B" else a
    if kind_key == "pairings":
        row["supporter_code"] = "K1"
    if kind_key in NEW_CODES:
        row["code"] = NEW_CODES[kind_key] + county
    return row


def values(data: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict):
        for v in data.values():
            out |= values(v)
    elif isinstance(data, list):
        for v in data:
            out |= values(v)
    elif data is not None:
        out.add(str(data))
    return out


@pytest.fixture
def county_a():
    full_city()
    from django.contrib.auth import get_user_model

    return {
        "HTTP_AUTHORIZATION": "Bearer " + create_token(get_user_model().objects.get(username="county_a"))[1]
    }


def operations(client) -> set[tuple[str, str]]:
    schema = client.get("/api/openapi.json").json()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_endpoint_is_probed(client):
    record_paths = {f"/api/{k.url_name}" for k in KINDS.values()}
    known = (
        {("GET", p) for p in record_paths}
        | {("POST", p) for p in record_paths}
        | {("GET", p) for p in DETAIL_PROBES}
        | {("GET", "/api/institutions"), ("GET", "/api/me")}
        | {("GET", "/api/indicators"), ("GET", "/api/findings")}
        | set(REGISTER_PROBES)  # the registers' endpoints, each with its named probe
    )
    assert operations(client) == known, "a new endpoint needs a probe in this test"


# transaction=True: computing indicators through Ibis on SQLite ends the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_reads_never_show_another_county(client, county_a):
    for method, path in sorted(operations(client) - set(REGISTER_PROBES)):
        if method != "GET" or path == "/api/me":
            continue
        if path in DETAIL_PROBES:
            for code in DETAIL_PROBES[path]:
                assert client.get(path.replace("{code}", code), **county_a).status_code == 404, (path, code)
            continue
        response = client.get(path, {"limit": 1000}, **county_a)
        assert response.status_code == 200, path
        body = response.json()
        assert body["count"] > 0 or path == "/api/vocational", path  # A has data of its own to see
        assert not values(body) & OTHER_COUNTY, (path, values(body) & OTHER_COUNTY)
        # Asking for the other county by filter gives nothing either.
        other = client.get(path, {"county": "530403"}, **county_a)
        assert other.status_code == 404 or other.json()["count"] == 0, path
        schema_params = client.get("/api/openapi.json").json()["paths"][path]["get"].get("parameters", [])
        if any(p["name"] == "institution" for p in schema_params):
            assert client.get(path, {"institution": "K2"}, **county_a).json()["count"] == 0, path


@pytest.mark.parametrize("kind", list(KINDS))
def test_writes_into_another_county_are_refused(client, county_a, kind):
    path = f"/api/{KINDS[kind].url_name}"
    own = client.post(
        path, {"rows": [row_for(kind, "A")], "dry_run": True}, content_type="application/json", **county_a
    )
    assert own.status_code == 200, (kind, own.json())  # the same row in one's own county is fine
    before = registry_counts()
    other = client.post(path, {"rows": [row_for(kind, "B")]}, content_type="application/json", **county_a)
    assert other.status_code == 403, (kind, other.json())
    assert {e["code"] for e in other.json()["errors"]} == {"not_permitted"}
    assert registry_counts() == before


def test_changing_another_countys_existing_records_is_refused(client, county_a):
    before = registry_counts()
    updates = {
        "/api/kindergartens": {
            "code": "K2",
            "name": "改名",
            "division_code": "530403100",
            "ownership": "public",
            "sponsor": "education",
        },
        "/api/vocational": {
            "code": "V1",
            "name": "改名",
            "division_code": "530402001",
            "ownership": "public",
            "sponsor": "education",
        },
        "/api/classes": {
            "institution_code": "K2",
            "school_year": 2024,
            "name": "小一班",
            "age_group": "small",
            "boys": 1,
        },
        "/api/divisions": {"code": "530403100", "name": "改名", "level": "township"},
    }
    for path, row in updates.items():
        response = client.post(path, {"rows": [row]}, content_type="application/json", **county_a)
        assert response.status_code == 403, (path, response.json())
    assert registry_counts() == before
    from eduplan.registry.models import Institution

    assert Institution.objects.get(code="K2").name == "江城镇中心幼儿园"
    assert json.dumps(client.get("/api/me", **county_a).json())
