"""The issued notices as the metrics see them (``metrics.corrections``: a school year is reported
once a notice covering it is issued), registered by ``SupervisionConfig.ready``."""

from __future__ import annotations

import datetime as dt

from ..models import Notice


def issued_notices() -> list[tuple[str, dt.date, dt.datetime]]:
    """``(city code, month, issued at)`` of every issued notice, oldest first."""
    return [
        (code, period, at)
        for code, period, at in Notice.objects.order_by("issued_at").values_list(
            "city__code", "period", "issued_at"
        )
    ]
