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


#: Row 1 counts registry writes; row 2 counts writes to the work records around it (reports,
#: orders, complaints, tasks …), which change users' to-do lists but not the indicators.
REGISTRY, WORK = 1, 2


def current_version() -> int:
    row = DataVersion.objects.filter(pk=REGISTRY).values_list("version", flat=True).first()
    return int(row or 0)


def current_versions() -> tuple[int, int]:
    """(registry version, work version) in one query."""
    rows = dict(DataVersion.objects.filter(pk__in=(REGISTRY, WORK)).values_list("pk", "version"))
    return int(rows.get(REGISTRY, 0)), int(rows.get(WORK, 0))


def bump_version(counter: int = REGISTRY) -> None:
    """Called by every registry action and bulk import (inside their transaction); with
    ``counter=WORK`` by every write to the work records (``eduplan.web.apps``)."""
    if not DataVersion.objects.filter(pk=counter).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=counter, defaults={"version": 1})
