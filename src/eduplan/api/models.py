"""Tokens for machine clients of the API. Only a SHA-256 of each token is stored: the clear token
is shown once, when it is made, and cannot be recovered from the database. (Tokens are 256 random
bits, so a fast hash is enough; a slow password hash would only slow every API call down.)"""

from __future__ import annotations

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

    class Meta:
        verbose_name = "接口令牌 API token"
        verbose_name_plural = "接口令牌 API tokens"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


def create_token(user, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for ``user``; the clear token is returned once and never stored."""
    clear = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_prefix=clear[:10], key_hash=hash_token(clear))
    return token, clear


def user_for_token(clear: str):
    """The active user a token belongs to, or ``None``."""
    if not clear or len(clear) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(clear), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
