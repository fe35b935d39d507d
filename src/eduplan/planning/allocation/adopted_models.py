"""County targets of record (精准下达): what the city adopted, from which allocation, by whom and why.

An adoption is one decision: the city sets its counties' targets for one indicator and school year,
from a saved planning scenario (its allocation run) or from a file. Adoptions are never edited: a
new decision is a new adoption with the next ``version``, and the one in force for a county,
indicator and year is the latest adoption that gives that county a value. So the record of who set
which target, when and why stays whole (docs/planning.md, "Adopting county targets").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from eduplan.registry.models import Division


class AdoptionOrigin(models.TextChoices):
    SCENARIO = "scenario", "规划情景分解 allocation of a planning scenario"
    FILE = "file", "导入文件 imported file"
    ALLOCATION = "allocation", "分解页当场分解 the allocation page's run"


class TargetAdoption(models.Model):
    """One adoption of county targets for one indicator and school year (versioned, never edited)."""

    indicator = models.CharField("指标 indicator", max_length=30)
    year = models.PositiveSmallIntegerField("学年 school year")
    version = models.PositiveIntegerField("版本 version")
    city = models.ForeignKey(Division, verbose_name="市 city", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField("来源 origin", max_length=10, choices=AdoptionOrigin.choices)
    scenario = models.CharField("规划情景 scenario", max_length=60, blank=True)
    method = models.CharField("分解方法 method", max_length=20, blank=True)
    file_name = models.CharField("文件 file", max_length=200, blank=True)
    reason = models.TextField("理由 reason")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="通过人 adopted by",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adopted_at = models.DateTimeField("通过时间 adopted at", auto_now_add=True)

    class Meta:
        app_label = "planning"
        ordering = ["indicator", "year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "version"], name="adoption_version_unique")
        ]
        verbose_name = "县目标通过记录 target adoption"

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} v{self.version}"


class AdoptedTarget(models.Model):
    """One county's adopted target value within an adoption."""

    adoption = models.ForeignKey(TargetAdoption, on_delete=models.CASCADE, related_name="targets")
    division = models.ForeignKey(
        Division, verbose_name="县 county", on_delete=models.PROTECT, related_name="+"
    )
    target = models.FloatField("目标 target")

    class Meta:
        app_label = "planning"
        constraints = [models.UniqueConstraint(fields=["adoption", "division"], name="adopted_target_unique")]
        verbose_name = "县目标 adopted county target"
