"""Event logs: the audit trail of a workflow record — who did what to it, when.

Monthly reports (``supervision.ReportEvent``), rectification orders (``supervision.OrderEvent``),
county tasks (``tasks.TaskEvent``) and complaints (``complaints.ComplaintEvent``) each keep one.
:class:`EventLog` holds what they share (the action, the actor, the moment); :class:`StateEvent`
adds the state a transition left and the state it reached. Each concrete model adds its owner
(the foreign key), its scope, its note or reason, and its ``Meta``. Both bases are abstract: every
log keeps its own table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EventLog(models.Model):
    """One entry of a record's event log."""

    action = models.CharField("操作 action", max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间 at")

    class Meta:
        abstract = True


class StateEvent(EventLog):
    """An event that moved a record from one workflow state to another (``from_state`` is blank
    for the event that created it)."""

    from_state = models.CharField("原状态 from", max_length=10, blank=True)
    to_state = models.CharField("新状态 to", max_length=10)

    class Meta:
        abstract = True
