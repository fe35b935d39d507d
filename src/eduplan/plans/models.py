"""The city's confirmations of the plan's assumptions (see :mod:`eduplan.plans.assumptions`).

Every confirmation is a row of its own: the history says who confirmed or changed which value,
when and why; the latest row of an assumption is the value in force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AssumptionConfirmation(models.Model):
    plan = models.CharField("规划 plan", max_length=60)
    assumption = models.CharField("假设 assumption", max_length=120)
    value = models.JSONField("取值 value")
    reason = models.TextField("理由 reason")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人 user",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField("确认人 confirmed by", max_length=150)
    confirmed_at = models.DateTimeField("确认时间 confirmed at", default=timezone.now)

    class Meta:
        verbose_name = "假设确认 assumption confirmation"
        verbose_name_plural = "假设确认 assumption confirmations"
        ordering = ["-confirmed_at", "-pk"]
        indexes = [models.Index(fields=["plan", "assumption"], name="plans_assumption_idx")]

    def __str__(self) -> str:
        return f"{self.assumption} = {self.value!r} ({self.user_name}, {self.confirmed_at:%Y-%m-%d})"
