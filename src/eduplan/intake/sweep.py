"""Import batches whose process died: marked failed, with the reason, instead of "running" for ever.

An import writes in one transaction, so a process killed mid-import (out of memory, a restart, a
deploy) leaves nothing in the registry — only its batch row, still ``running``. Each batch records
the process doing it (host, id, start time); :func:`sweep_stale_batches` closes a running batch
whose process is gone (on this host: at once), or, for a batch from another host, one running
longer than ``settings.IMPORT_STALE_SECONDS``. It runs with every sweep (``security.sweeps``: at
most a minute apart on a served site), whenever the import page is shown and before every import.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from eduplan.security.sweeps import process_gone

from .models import BatchStatus, ImportBatch
from .validate import Problem


def stale_reason(seconds: int) -> Problem:
    return Problem(
        "interrupted",
        f"导入中断:超过 {seconds:,} 秒仍未完成,进程已终止;未写入任何数据,请重新导入",
        f"the import was interrupted: still running after {seconds:,} s, its process is gone; "
        "nothing was written, import the file again",
    )


def dead_reason(host: str, pid: int) -> Problem:
    return Problem(
        "interrupted",
        f"导入中断:导入进程({host} 上的 {pid})已终止(被停止或崩溃);未写入任何数据,请重新导入",
        f"the import was interrupted: its process ({pid} on {host}) stopped (killed or crashed); "
        "nothing was written, import the file again",
    )


def sweep_stale_batches(now: dt.datetime | None = None) -> int:
    """Mark every running batch whose process is gone, or that runs longer than the stale limit,
    failed; the number marked."""
    seconds = int(settings.IMPORT_STALE_SECONDS)
    now = now or timezone.now()
    running = ImportBatch.objects.filter(status=BatchStatus.RUNNING)
    marked = running.filter(started_at__lt=now - dt.timedelta(seconds=seconds)).update(
        status=BatchStatus.FAILED, finished_at=now, error_count=1, errors=[stale_reason(seconds).as_dict()]
    )
    for pk, host, pid, start in running.values_list("pk", "host", "pid", "process_start"):
        if pid is not None and process_gone(host, pid, start):  # None: it recorded no process
            marked += ImportBatch.objects.filter(pk=pk, status=BatchStatus.RUNNING).update(
                status=BatchStatus.FAILED,
                finished_at=now,
                error_count=1,
                errors=[dead_reason(host, pid).as_dict()],
            )
    return marked
