"""Who is calling: a machine client with a bearer token (``eduplan api-token USERNAME``), or a
person in the browser with their Django session (CSRF-checked for writes). Either way the caller is
a Django user, and everything they get is what ``accounts.scoping.scope`` allows that user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from .models import token_for

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ep_…``: a live token; a read-only one only for reads."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token.strip())
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, "只读令牌不能写入 / a read-only token cannot write")
        request.user = found.user  # history entries written during the call name this user
        return found.user


AUTH = [TokenAuth(), SessionAuth()]


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request (ninja puts it on ``request.auth``)."""
    return getattr(request, "auth", None)
