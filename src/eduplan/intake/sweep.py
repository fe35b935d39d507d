"""Import batches whose process died: marked failed, with the reason, instead of "running" for ever.

An import writes in one transaction, so a process killed mid-import (out of memory, a restart, a
deploy) leaves nothing in the registry — only its batch row, still ``running``. A batch running
longer than ``settings.IMPORT_STALE_SECONDS`` is such a batch; :func:`sweep_stale_batches` closes
it. It runs whenever the import page is shown and before every import starts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import BatchStatus, ImportBatch
from .validate import Problem


def stale_reason(seconds: int) -> Problem:
    return Problem(
        "interrupted",
        f"导入中断:超过 {seconds:,} 秒仍未完成,进程已终止;未写入任何数据,请重新导入",
        f"the import was interrupted: still running after {seconds:,} s, its process is gone; "
        "nothing was written, import the file again",
    )


def sweep_stale_batches(now: dt.datetime | None = None) -> int:
    """Mark every batch running longer than the stale limit failed; the number marked."""
    seconds = int(settings.IMPORT_STALE_SECONDS)
    now = now or timezone.now()
    stale = ImportBatch.objects.filter(
        status=BatchStatus.RUNNING, started_at__lt=now - dt.timedelta(seconds=seconds)
    )
    return stale.update(
        status=BatchStatus.FAILED, finished_at=now, error_count=1, errors=[stale_reason(seconds).as_dict()]
    )
