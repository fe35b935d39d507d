"""Who is calling: a machine client with a bearer token (``eduplan api-token USERNAME``), or a
person in the browser with their Django session (CSRF-checked for writes). Either way the caller is
a Django user, and everything they get is what ``accounts.scoping.scope`` allows that user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from .models import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ep_…``"""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token.strip())
        if user is not None:
            request.user = user  # history entries written during the call name this user
        return user


AUTH = [TokenAuth(), SessionAuth()]


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request (ninja puts it on ``request.auth``)."""
    return getattr(request, "auth", None)
