"""The edit log of records that keep no history of their own.

Models with django-simple-history (institutions, staff, fees, safety records …) carry their own
who/when/why; others (classes) do not, so every save of one through the one save path
(:mod:`eduplan.common.saving`) — from a page, the API, an import — leaves a :class:`RecordEdit`
with the user, the reason and the fields changed (old → new), shown in the institution's history.

The table was created by the ``web`` app and keeps its name (``web_recordedit``); only the model
moved here (a state-only migration on each side).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from eduplan.accounts.scoping import Scope


class RecordEdit(models.Model):
    institution = models.ForeignKey(
        "registry.Institution", on_delete=models.CASCADE, related_name="record_edits"
    )
    model = models.CharField("记录类型 record type", max_length=40)
    object_id = models.PositiveBigIntegerField("记录编号 record id")
    label = models.CharField("记录 record", max_length=120)
    action = models.CharField("操作 action", max_length=10)  # "add" or "change"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间 when", auto_now_add=True)
    reason = models.CharField("原因 reason", max_length=200)
    changes = models.JSONField("修改内容 changes", default=list)  # [[field label, old, new], …]

    SCOPE = Scope(county="institution__county", institution=("institution",))

    class Meta:
        verbose_name = "修改记录 record edit"
        verbose_name_plural = "修改记录 record edits"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["institution", "-at"], name="web_recorde_institu_36c923_idx")]
        db_table = "web_recordedit"

    def __str__(self) -> str:
        return f"{self.label} {self.at:%Y-%m-%d %H:%M}"
