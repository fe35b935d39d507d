"""Tokens for machine clients of the API. Only a SHA-256 of each token is stored: the clear token
is shown once, when it is made, and cannot be recovered from the database. (Tokens are 256 random
bits, so a fast hash is enough; a slow password hash would only slow every API call down.)

A token expires (``settings.API_TOKEN_DAYS`` after it is made, unless given otherwise), may be
read-only, and may be narrowed to one division within its user's (a city officer's token for one
county): it never carries more than its user's rights, and usually less."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "ep_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户 user",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("用途 name", max_length=100, blank=True)
    key_prefix = models.CharField("前缀 prefix", max_length=12, db_index=True)
    key_hash = models.CharField("令牌哈希 token hash", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间 created", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用 last used", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间 revoked", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间 expires", null=True, blank=True)
    read_only = models.BooleanField("只读 read-only", default=False)
    division = models.ForeignKey(
        "registry.Division",
        verbose_name="限定区划 division",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="令牌只能访问此区划(须在用户自己的范围内) the token sees only this division (within the user's)",
    )

    class Meta:
        verbose_name = "接口令牌 API token"
        verbose_name_plural = "接口令牌 API tokens"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


def create_token(
    user, name: str = "", *, read_only: bool = False, division=None, days: int | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; the clear token is returned once and never stored. ``division``
    narrows it (it must lie within the user's own division); ``days`` defaults to
    ``settings.API_TOKEN_DAYS``. A ValueError names what is wrong."""
    if division is not None:
        check_division(user, division)
    days = int(settings.API_TOKEN_DAYS if days is None else days)
    clear = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=clear[:10],
        key_hash=hash_token(clear),
        expires_at=timezone.now() + dt.timedelta(days=days),
        read_only=read_only,
        division=division,
    )
    return token, clear


def check_division(user, division) -> None:
    """A token's division must be the user's own or one of the counties under it."""
    profile = getattr(user, "profile", None)
    own = getattr(profile, "division", None)
    if user.is_superuser or own is None:
        raise ValueError(
            f"此用户的令牌不能限定区划 {division.code} / tokens of this user cannot be narrowed to {division.code}"
        )
    if division.pk != own.pk and division.parent_id != own.pk:
        raise ValueError(
            f"区划 {division.code} 不在用户 {user.get_username()} 的范围({own.code})内 / "
            f"division {division.code} is outside {user.get_username()}'s own ({own.code})"
        )


def token_for(clear: str) -> ApiToken | None:
    """The live token (not revoked, not expired, of an active user), or ``None``. Its user's
    in-memory profile is narrowed to the token's division, so every scoped query of the request
    sees only that division (the profile is never saved from here)."""
    if not clear or len(clear) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__profile", "division")
        .filter(key_hash=hash_token(clear), revoked_at__isnull=True)
        .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.division_id is not None:
        profile = getattr(token.user, "profile", None)
        if profile is None:
            return None
        profile.division = token.division
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(clear: str):
    """The active user a live token belongs to, or ``None``."""
    token = token_for(clear)
    return token.user if token is not None else None
