"""Large imports from the page run in the task worker, not in the request (docs/intake.md).

An upload larger than ``IMPORT_IN_WORKER_BYTES`` (``EDUPLAN_IMPORT_IN_WORKER_BYTES``, 2 MB: a
county's registry workbook is a few hundred kB; a city's or a province's takes longer to check and
write than a web request should wait) is stored through Django's storage API under
``imports/<batch>/`` (the same storage as evidence files: a shared volume or an object store, so a
worker on another machine reads it), its batch is created at once (status "running"), and the task
:func:`run_import` runs the one importer on it. The batch page shows the progress the worker
reports and refreshes itself until the batch ends.

All or nothing holds as for every import: the writes are one transaction, so a worker killed
mid-way leaves nothing written; its batch is closed as failed by the stale sweep
(``IMPORT_STALE_SECONDS``) and "import again" (:func:`retry_import`) queues the stored file in a new
batch. The stored file is removed once a batch ends other than failed (imported, rejected with its
marked workbook, or a dry run). "Cancel" (:func:`cancel_import`) stops a queued or running one.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django_tasks import task

from eduplan.accounts.scoping import User
from eduplan.common.workflow import actor

from .models import BatchStatus, ImportBatch

STORE = "imports"


def in_worker(size: int) -> bool:
    """Whether an upload of ``size`` bytes is imported by the task worker."""
    return size > int(getattr(settings, "IMPORT_IN_WORKER_BYTES", 2 * 1024 * 1024))


def stored_file(batch: ImportBatch) -> str | None:
    """The stored upload of a batch imported in the worker (None once removed, or never stored)."""
    folder = f"{STORE}/{batch.pk}"
    try:
        files = default_storage.listdir(folder)[1]
    except (FileNotFoundError, NotADirectoryError):
        return None
    return f"{folder}/{files[0]}" if files else None


def progress_of(batch: ImportBatch) -> dict[str, Any] | None:
    """What the worker last reported for a running batch: message, done, total, percent."""
    value = cache.get(f"eduplan:import-progress:{batch.pk}")
    if not value:
        return None
    message, done, total = value
    return {
        "message": message,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
    }


def queue_import(upload: UploadedFile, *, kind: str | None, user: User | None, dry_run: bool) -> ImportBatch:
    """Store the upload, create its batch and queue the task (after the transaction commits)."""
    from .importer import _start_batch

    name = upload.name or "upload"
    suffix = Path(name).suffix[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        batch = _start_batch(user, "web", name, Path(tmp.name), dry_run)
        with open(tmp.name, "rb") as fh:
            stored = default_storage.save(f"{STORE}/{batch.pk}/{get_valid_filename(name) or 'upload'}", fh)
    _enqueue(batch, stored, kind, dry_run)
    return batch


def retry_import(batch: ImportBatch, user: User | None) -> ImportBatch:
    """Queue a failed batch's stored file again, in a new batch (the failed one stays on record)."""
    stored = stored_file(batch)
    if batch.status != BatchStatus.FAILED or stored is None:
        raise ValueError(
            "只有失败且保留了文件的后台导入可以重新导入 / only a failed background import whose file is "
            "kept can be imported again"
        )
    again = ImportBatch.objects.create(
        user=actor(user),
        source="web",
        file_name=batch.file_name,
        file_sha256=batch.file_sha256,
        file_size=batch.file_size,
        dry_run=batch.dry_run,
    )
    with default_storage.open(stored) as fh:
        moved = default_storage.save(f"{STORE}/{again.pk}/{Path(stored).name}", fh)
    default_storage.delete(stored)
    _enqueue(again, moved, None, again.dry_run)
    return again


class ImportCancelled(Exception):
    """Raised inside the worker's import at its next progress step: the transaction rolls back."""


def _cancelled() -> dict[str, Any]:
    from .validate import Problem

    return Problem(
        "cancelled",
        "导入已取消,未写入任何数据;可重新导入",
        "the import was cancelled; nothing was written; it can be imported again",
    ).as_dict()


def cancel_import(batch: ImportBatch) -> None:
    """Stop a background import: a queued one is closed at once, a running one at the worker's
    next progress step (its transaction rolls back). Either way it ends failed, "cancelled", with
    its file kept for "import again"."""
    if batch.status != BatchStatus.RUNNING or stored_file(batch) is None:
        raise ValueError(
            "只有进行中的后台导入可以取消 / only a background import in progress can be cancelled"
        )
    cache.set(f"eduplan:import-cancel:{batch.pk}", 1, timeout=24 * 3600)
    if progress_of(batch) is None:  # no worker has reported on it yet: close it now
        _mark_cancelled(batch.pk)


def _mark_cancelled(batch_id: int) -> None:
    from django.utils import timezone

    ImportBatch.objects.filter(pk=batch_id).update(
        status=BatchStatus.FAILED, finished_at=timezone.now(), error_count=1, errors=[_cancelled()]
    )


def _enqueue(batch: ImportBatch, stored: str, kind: str | None, dry_run: bool) -> None:
    args = (batch.pk, stored, kind or "", dry_run, batch.user_id)
    transaction.on_commit(lambda: run_import.enqueue(*args))


@task()
def run_import(batch_id: int, stored: str, kind: str, dry_run: bool, user_id: int | None) -> str:
    """Import a stored upload into its batch (the importer's own all-or-nothing transaction)."""
    from django.contrib.auth import get_user_model

    from .importer import import_file

    batch = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).first()
    if batch is None:  # closed meanwhile (the stale sweep): nothing to do
        return "not running"
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    key = f"eduplan:import-progress:{batch_id}"

    stop = f"eduplan:import-cancel:{batch_id}"

    def progress(message: str, done: int, total: int) -> None:
        if cache.get(stop):
            raise ImportCancelled(message)
        cache.set(key, (message, done, total), timeout=3600)

    with default_storage.open(stored) as src, tempfile.NamedTemporaryFile(suffix=Path(stored).suffix) as tmp:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        result = import_file(
            tmp.name,
            kind=kind or None,
            user=user,
            dry_run=dry_run,
            file_name=batch.file_name,
            source="web",
            progress=progress,
            batch=batch,
        )
    cache.delete(key)
    if cache.get(stop):  # cancelled while it ran: failed, with the reason
        cache.delete(stop)
        _mark_cancelled(batch_id)
        return str(BatchStatus.FAILED)
    status = result.batch.status if result.batch is not None else BatchStatus.FAILED
    if status != BatchStatus.FAILED:
        default_storage.delete(stored)
    return str(status)
