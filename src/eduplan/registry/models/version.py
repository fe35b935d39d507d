"""A counter that moves on every registry write, so derived results (indicators, findings,
dashboards) can be cached safely: a cache key includes the version, and any write makes it stale."""

from __future__ import annotations

from django.db import models
from django.db.models import F


class DataVersion(models.Model):
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "数据版本 data version"
        verbose_name_plural = "数据版本 data version"

    def __str__(self) -> str:
        return f"v{self.version}"


def current_version() -> int:
    row = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(row or 0)


def bump_version() -> None:
    """Called by every registry action and bulk import (inside their transaction)."""
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})
