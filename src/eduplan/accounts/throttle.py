"""Login throttling: failed sign-ins are counted per user name and per address, and past the limit
even the right password is refused until the lockout ends.

It works at the level of ``django.contrib.auth.authenticate``, so the office login, the admin
login and anything else that signs people in are covered alike: :class:`LoginThrottleBackend`
(Django's ModelBackend, throttled) is the authentication backend and refuses
(``PermissionDenied``) while a counter is over its limit; the ``user_login_failed`` signal counts;
a successful sign-in clears that user's counter. Counters live in the cache (shared by every
worker) and expire ``LOGIN_LOCKOUT_SECONDS`` after the last failure.

Settings: ``LOGIN_MAX_FAILURES`` (per user name), ``LOGIN_MAX_FAILURES_PER_ADDRESS``,
``LOGIN_LOCKOUT_SECONDS``, ``LOGIN_CLIENT_IP_HEADER`` (behind a proxy that sets it, e.g.
``X-Forwarded-For``; its first address is the client's).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from eduplan.accounts.scoping import User


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    header = getattr(settings, "LOGIN_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        if value:
            return value.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(kind: str, value: str) -> str:
    return f"login-fail:{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]}"


def _keys(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    out = []
    if username:
        out.append((_key("user", username), int(settings.LOGIN_MAX_FAILURES)))
    address = client_address(request)
    if address:
        out.append((_key("addr", address), int(settings.LOGIN_MAX_FAILURES_PER_ADDRESS)))
    return out


def is_locked(request: HttpRequest | None, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, username))


def record_failure(request: HttpRequest | None, username: str) -> None:
    timeout = int(settings.LOGIN_LOCKOUT_SECONDS)
    for key, _ in _keys(request, username):
        cache.set(key, (cache.get(key) or 0) + 1, timeout)


def clear_user(username: str) -> None:
    cache.delete(_key("user", username))


def lockout_message() -> str:
    minutes = max(1, int(settings.LOGIN_LOCKOUT_SECONDS) // 60)
    return (
        f"登录失败次数过多,请 {minutes} 分钟后再试,或请管理员重置密码。"
        f" / too many failed sign-ins: try again in {minutes} minutes, or ask an administrator "
        "to reset your password."
    )


class LoginThrottleBackend(ModelBackend):
    """Django's user-and-password backend, refusing while the user name or address is locked."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        name = username or kwargs.get("email") or ""
        if is_locked(request, name):
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            raise PermissionDenied(lockout_message())
        return super().authenticate(request, username=username, password=password, **kwargs)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record_failure(request, str(credentials.get("username") or ""))


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    clear_user(user.get_username())


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_login_failed.connect(on_login_failed, dispatch_uid="eduplan-login-throttle-failed")
    user_logged_in.connect(on_logged_in, dispatch_uid="eduplan-login-throttle-ok")
