"""API tokens expire and carry a scope (issue 22, problem 9): read-only or read-write, and a
division no wider than the user's. Before, a token never expired and carried the user's full rights."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from eduplan.api.models import ApiToken, create_token
from tests.intake.helpers import full_city

pytestmark = pytest.mark.django_db


def user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_tokens_expire(client, settings):
    full_city()
    settings.API_TOKEN_DAYS = 30
    token, clear = create_token(user("county_a"))
    assert token.expires_at is not None and token.expires_at - timezone.now() > dt.timedelta(days=29)
    assert client.get("/api/me", **bearer(clear)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/me", **bearer(clear)).status_code == 401


def test_read_only_token_cannot_write(client):
    full_city()
    _, clear = create_token(user("county_a"), read_only=True)
    assert client.get("/api/classes", **bearer(clear)).status_code == 200
    body = '{"rows": [], "dry_run": true}'
    response = client.post("/api/classes", data=body, content_type="application/json", **bearer(clear))
    assert response.status_code == 403 and "只读" in response.json()["detail"]


def test_token_narrowed_to_one_county_sees_only_it(client):
    m = full_city()
    _, wide = create_token(user("city"))
    _, narrow = create_token(user("city"), division=m.county_a)
    all_codes = {r["code"] for r in client.get("/api/kindergartens", **bearer(wide)).json()["items"]}
    codes = {r["code"] for r in client.get("/api/kindergartens", **bearer(narrow)).json()["items"]}
    assert "K2" in all_codes and "K1" in codes and "K2" not in codes


def test_a_token_is_never_wider_than_its_user(client):
    m = full_city()
    with pytest.raises(ValueError, match="530403"):
        create_token(user("county_a"), division=m.county_b)
    call_command("api-token", "city", "--read-only", "--days", "7", "--division", "530402")
    token = ApiToken.objects.get(user__username="city")
    assert token.read_only and token.division.code == "530402"
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)
