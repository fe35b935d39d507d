"""Admission runs started from the officers' page, executed by a background worker.

A city officer uploads the exam authority's candidates file and the schools file (optionally the
junior schools file and a settings TOML — the formats of ``eduplan admissions run``), and downloads
the result and summary. A province's run (1.3 M candidates, ≈ 60 MB) takes tens of seconds of
reading, checking and writing, longer than a web request should wait, so:

- :func:`start_run` stores the files under ``MEDIA_ROOT/admissions/<token>/`` (never public),
  checks them with the command's own readers (small uploads in the request, so bad input is refused
  on the form with file, row and column and no run is created), records an :class:`AdmissionsRun`,
  and after the transaction commits queues the task :func:`.tasks.run_admissions` (Django's task
  framework; docs/running.md). A task worker (``eduplan worker``, started beside the web server by
  ``eduplan serve``, or on other machines) runs it in its own process: its own memory (a province
  run peaks at several hundred MB), its own CPU, and it outlives any gunicorn worker;
- :func:`execute_run` (in the worker) runs exactly what ``eduplan admissions run`` runs, stage by
  stage, writing the stage and percent to the row; the result CSV is byte-identical to the
  command's for the same inputs. Result files are written in ``.partial/`` and moved in place only
  when all are written, so a run killed mid-way leaves no half-written file to download;
- :func:`cancel_run` stops a queued or running run (the worker notices at its next progress
  step, removes what it wrote and stops); :func:`retry_run` queues a failed run again;
- :func:`refresh_stale` turns a queued or running run whose worker is gone (killed, crashed, machine
  restarted) into "failed", so the page never spins forever; it can then be retried.

Reading and checking the files is one call of the command's reader, and the quota batch and the
general batch are one call of the mechanism (neither is changed here); the progress shows each as
one stage, and the result file — the slowest step at province scale — row by row.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import shutil
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from eduplan.accounts import permissions
from eduplan.accounts.scoping import profile_of

from ..models import AdmissionsRun, AdmissionsRunStatus
from .errors import AdmissionsInputError

log = logging.getLogger(__name__)

#: Uploaded files, in the order of the command's options (``--candidates`` …).
INPUT_KINDS = ("candidates", "schools", "junior_schools", "settings")
#: Files a finished run offers for download, with the name the browser saves them under.
RESULT_FILES = {
    "result": "result.csv",
    "summary_json": "result.summary.json",
    "summary_xlsx": "result.summary.xlsx",
}
#: Uploads up to this many bytes in all are checked in the request (refused on the form, no run);
#: larger ones are checked by the worker, and bad input ends the run as "refused" with the same
#: located message. Override with ``ADMISSIONS_CHECK_IN_REQUEST_MAX_BYTES`` in Django settings.
CHECK_IN_REQUEST_MAX_BYTES = 25 * 1024 * 1024
#: The largest single upload accepted (a province's candidates file is ≈ 60 MB).
#: Override with ``ADMISSIONS_MAX_UPLOAD_BYTES``.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
#: A run queued this long without a worker, or (on another host) with no progress for
#: ``STALE_AFTER``, is failed.
LAUNCH_GRACE = dt.timedelta(minutes=2)
STALE_AFTER = dt.timedelta(minutes=15)

#: Progress stages: (Chinese, English).
STAGES = {
    "queued": ("排队等待", "waiting for the worker"),
    "settings": ("读取设置", "reading the settings"),
    "reading": ("读取并检查文件", "reading and checking the files"),
    "admitting": ("录取:指标到校批次, 然后统招批次", "admitting: quota batch, then general batch"),
    "checking": ("检查与汇总", "checks and summary"),
    "writing_result": ("写出录取结果", "writing the result CSV"),
    "writing_summary": ("写出汇总 JSON 与 xlsx", "writing the summary JSON and xlsx"),
    "done": ("完成", "done"),
    "refused": ("输入有误, 未运行", "input refused, nothing run"),
    "failed": ("失败", "failed"),
}
#: Percent reached when each stage starts, from the province benchmark's wall-clock shares
#: (docs/admissions.md: reading ≈ 7.5 s, admitting < 2 s, checks ≈ 1.4 s, result CSV ≈ 9.6 s).
STAGE_START = {
    "settings": 1,
    "reading": 2,
    "admitting": 38,
    "checking": 45,
    "writing_result": 52,
    "writing_summary": 94,
}


def _setting(name: str, default: Any) -> Any:
    return getattr(django_settings, name, default)


def max_upload_bytes() -> int:
    """The largest upload accepted (``ADMISSIONS_MAX_UPLOAD_BYTES``, default 200 MB)."""
    return int(_setting("ADMISSIONS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))


def check_in_request_max_bytes() -> int:
    """Uploads up to this size are checked in the request, so bad input is refused on the form
    (``ADMISSIONS_CHECK_IN_REQUEST_MAX_BYTES``, default 25 MB)."""
    return int(_setting("ADMISSIONS_CHECK_IN_REQUEST_MAX_BYTES", CHECK_IN_REQUEST_MAX_BYTES))


def may_run_admissions(user: Any) -> bool:
    """City officers run the city's admission (and superusers); county officers, principals,
    supervisors and viewers do not: the admission is the city's decision across every county."""
    return permissions.may_run_admissions(user)


def media_root() -> Path:
    return Path(django_settings.MEDIA_ROOT)


def run_directory(run: AdmissionsRun) -> Path:
    return media_root() / run.directory


def clean_message(message: str, directory: Path) -> str:
    """The reader's message with the server's storage path taken out: the officer sees the names
    of the files they uploaded."""
    return message.replace(f"{directory}{os.sep}", "")


# ---------------------------------------------------------------------------------------------
# Starting a run (in the request)


@dataclass
class StoredInputs:
    directory: str  # relative to MEDIA_ROOT
    inputs: dict[str, dict[str, Any]]

    @property
    def path(self) -> Path:
        return media_root() / self.directory

    def file(self, kind: str) -> Path | None:
        item = self.inputs.get(kind)
        return self.path / item["path"] if item else None

    @property
    def size(self) -> int:
        return sum(int(item["size"]) for item in self.inputs.values())


def _safe_name(kind: str, name: str, taken: set[str]) -> str:
    base = get_valid_filename(Path(name).name)[-100:] or f"{kind}.csv"
    if base in taken or base in ("job.log", *RESULT_FILES.values()):
        base = f"{kind}-{base}"
    return base


def store_uploads(files: Mapping[str, UploadedFile]) -> StoredInputs:
    """Copy the uploads (Django has them in temporary files, not memory) under a fresh directory,
    keeping each file's own name so messages name the file the officer chose."""
    token = f"admissions/{timezone.now():%Y%m%d}-{secrets.token_hex(8)}"
    directory = media_root() / token
    directory.mkdir(parents=True, exist_ok=False)
    inputs: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for kind in INPUT_KINDS:
        upload = files.get(kind)
        if upload is None:
            continue
        original = upload.name or kind
        name = _safe_name(kind, original, taken)
        taken.add(name)
        with (directory / name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        inputs[kind] = {"name": original, "path": name, "size": upload.size}
    return StoredInputs(token, inputs)


def check_inputs(stored: StoredInputs) -> None:
    """Read and check the files exactly as ``eduplan admissions run`` does; raise its error (with
    the storage path removed) if anything is wrong."""
    from .io import load_admission
    from .settings import load_settings

    try:
        config = load_settings(stored.file("settings"))
        load_admission(
            stored.file("candidates"),  # type: ignore[arg-type]
            stored.file("schools"),  # type: ignore[arg-type]
            stored.file("junior_schools"),
            config,
        )
    except AdmissionsInputError as exc:
        raise AdmissionsInputError(clean_message(str(exc), stored.path)) from None


def check_sizes(files: Mapping[str, UploadedFile]) -> None:
    limit = max_upload_bytes()
    for kind, upload in files.items():
        if upload is not None and upload.size is not None and upload.size > limit:
            mb = limit // (1024 * 1024)
            raise AdmissionsInputError(
                f"{upload.name}: 文件超过 {mb} MB / the file is larger than {mb} MB ({kind})"
            )


def start_run(user: Any, files: Mapping[str, UploadedFile]) -> AdmissionsRun:
    """Store the uploads, check them (small ones here), record the run and start its worker once
    the transaction commits. Bad input raises :class:`AdmissionsInputError` and leaves nothing."""
    check_sizes(files)
    stored = store_uploads(files)
    try:
        if stored.size <= check_in_request_max_bytes():
            check_inputs(stored)
    except AdmissionsInputError:
        shutil.rmtree(stored.path, ignore_errors=True)
        raise
    profile = profile_of(user)
    run = AdmissionsRun.objects.create(
        division=profile.division if profile is not None else None,
        created_by=user,
        directory=stored.directory,
        inputs=stored.inputs,
        updated_at=timezone.now(),
    )
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


# ---------------------------------------------------------------------------------------------
# The task (run by a task worker)

#: Where a run writes its result files until all of them are written.
PARTIAL = ".partial"
CANCELLED = "已由用户取消 / cancelled by the user"


class RunCancelled(Exception):
    """The run was cancelled (or failed as stale) while the worker was running it."""


def enqueue(run_id: int) -> None:
    """Queue the run's task; if the queue cannot take it, the run fails with the reason."""
    from .tasks import run_admissions

    try:
        run_admissions.enqueue(run_id)
    except Exception as exc:  # the backend is configuration: any failure must show on the page
        log.exception("admissions run %s: cannot queue the task", run_id)
        _finish(run_id, AdmissionsRunStatus.FAILED, error=f"无法排队 / cannot queue the run: {exc}")


def _progress(run_id: int, stage: str, percent: int) -> None:
    """Record the stage; if the run is no longer running (cancelled, or failed as stale), stop."""
    updated = AdmissionsRun.objects.filter(pk=run_id, status=AdmissionsRunStatus.RUNNING).update(
        stage=stage, percent=percent, updated_at=timezone.now()
    )
    if not updated:
        raise RunCancelled(run_id)


def _finish(run_id: int, status: str, *, only_if_running: bool = False, **fields: Any) -> None:
    now = timezone.now()
    rows = AdmissionsRun.objects.filter(pk=run_id)
    if only_if_running:  # the worker's ending never overwrites a cancellation
        rows = rows.filter(status=AdmissionsRunStatus.RUNNING)
    rows.update(
        status=status,
        stage=status,
        finished_at=now,
        updated_at=now,
        **({"percent": 100} if status == AdmissionsRunStatus.DONE else {}),
        **fields,
    )


def _counting(rows: Iterator[dict[str, str]], total: int, run_id: int) -> Iterator[dict[str, str]]:
    """Pass the result rows through, moving the percent on every 5% of them."""
    start, end = STAGE_START["writing_result"], STAGE_START["writing_summary"]
    step = max(total // 20, 1)
    for i, row in enumerate(rows, start=1):
        yield row
        if i % step == 0 and i < total:
            _progress(run_id, "writing_result", start + (end - start) * i // total)


def execute_run(run_id: int) -> AdmissionsRun:
    """Run one queued admission in this process, as ``eduplan admissions run`` does, recording
    progress, the result files, the totals and the checks on the row."""
    from eduplan.output import OutputError, write_records

    from .checks import run_checks
    from .io import RESULT_COLUMNS, load_admission, result_records
    from .labels import Labels
    from .mechanism import admit
    from .settings import load_settings
    from .summary import build_summary, write_summary

    now = timezone.now()
    claimed = AdmissionsRun.objects.filter(pk=run_id, status=AdmissionsRunStatus.QUEUED).update(
        status=AdmissionsRunStatus.RUNNING,
        stage="settings",
        percent=STAGE_START["settings"],
        started_at=now,
        updated_at=now,
        pid=os.getpid(),
        host=socket.gethostname(),
    )
    run = AdmissionsRun.objects.get(pk=run_id)
    if not claimed:
        raise AdmissionsInputError(
            f"运行 {run_id} 的状态为 {run.status}, 不能再次运行 / run {run_id} is {run.status}, not queued"
        )
    stored = StoredInputs(run.directory, run.inputs)
    directory = stored.path
    partial = directory / PARTIAL
    shutil.rmtree(partial, ignore_errors=True)  # what a killed earlier attempt left
    partial.mkdir(parents=True)
    try:
        config = load_settings(stored.file("settings"))
        _progress(run_id, "reading", STAGE_START["reading"])
        data = load_admission(
            stored.file("candidates"),  # type: ignore[arg-type]
            stored.file("schools"),  # type: ignore[arg-type]
            stored.file("junior_schools"),
            config,
        )
        _progress(run_id, "admitting", STAGE_START["admitting"])
        outcome = admit(data.instance, config)
        _progress(run_id, "checking", STAGE_START["checking"])
        labels = Labels(
            data.school_ids, data.junior_ids, data.area_ids, data.candidate_ids, data.school_names
        )
        checks = run_checks(data.instance, outcome, labels, config)
        names = {kind: item["name"] for kind, item in run.inputs.items() if kind != "settings"}
        summary = build_summary(data.instance, outcome, config, labels, checks, names)
        _progress(run_id, "writing_result", STAGE_START["writing_result"])
        # As io.write_result, with the rows counted for the progress bar.
        rows = _counting(result_records(data, outcome), data.instance.n, run_id)
        write_records(rows, "csv", partial / RESULT_FILES["result"], columns=RESULT_COLUMNS)
        _progress(run_id, "writing_summary", STAGE_START["writing_summary"])
        write_summary(summary, partial / RESULT_FILES["summary_json"], partial / RESULT_FILES["summary_xlsx"])
        _progress(run_id, "writing_summary", STAGE_START["writing_summary"])  # cancelled meanwhile?
        for name in RESULT_FILES.values():
            os.replace(partial / name, directory / name)
    except RunCancelled:
        log.info("admissions run %s stopped: no longer running", run_id)
    except AdmissionsInputError as exc:
        _finish(
            run_id,
            AdmissionsRunStatus.REFUSED,
            only_if_running=True,
            error=clean_message(str(exc), directory),
        )
    except OutputError as exc:
        _finish(
            run_id, AdmissionsRunStatus.FAILED, only_if_running=True, error=clean_message(str(exc), directory)
        )
    except Exception as exc:  # any failure must end the run, not leave it running
        log.exception("admissions run %s failed", run_id)
        _finish(
            run_id,
            AdmissionsRunStatus.FAILED,
            only_if_running=True,
            error=f"内部错误 / internal error: {type(exc).__name__}: {clean_message(str(exc), directory)}",
        )
    else:
        _finish(
            run_id,
            AdmissionsRunStatus.DONE,
            only_if_running=True,
            results=dict(RESULT_FILES),
            totals=summary["totals"],
            checks=[{k: v for k, v in c.items() if k != "examples"} for c in summary["checks"]],
        )
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return AdmissionsRun.objects.get(pk=run_id)


# ---------------------------------------------------------------------------------------------
# Cancel and retry (the run page's buttons)

#: A run in one of these states may be cancelled; one that failed may be run again.
CANCELLABLE_STATUSES = (AdmissionsRunStatus.QUEUED, AdmissionsRunStatus.RUNNING)
RETRYABLE_STATUSES = (AdmissionsRunStatus.FAILED,)


class RunStateError(Exception):
    """The run is not in a state that allows the action (cancel a finished run, retry a done one)."""


def cancel_run(run: AdmissionsRun) -> AdmissionsRun:
    """Stop a queued or running run: it is marked failed ("cancelled") at once; a worker running it
    stops at its next progress step and removes what it had written. It can be retried."""
    now = timezone.now()
    updated = AdmissionsRun.objects.filter(pk=run.pk, status__in=CANCELLABLE_STATUSES).update(
        status=AdmissionsRunStatus.FAILED,
        stage=AdmissionsRunStatus.FAILED,
        finished_at=now,
        updated_at=now,
        error=CANCELLED,
    )
    run.refresh_from_db()
    if not updated:
        raise RunStateError(
            f"运行 {run.pk} 已结束, 不能取消 / run {run.pk} has already ended ({run.status}); nothing to cancel"
        )
    return run


def retry_run(run: AdmissionsRun) -> AdmissionsRun:
    """Queue a failed run again (killed worker, crash, cancellation) with the same uploaded files;
    anything an earlier attempt wrote is removed first."""
    run = refresh_stale(run)
    updated = AdmissionsRun.objects.filter(pk=run.pk, status__in=RETRYABLE_STATUSES).update(
        status=AdmissionsRunStatus.QUEUED,
        stage="queued",
        percent=0,
        error="",
        pid=None,
        host="",
        started_at=None,
        finished_at=None,
        created_at=timezone.now(),
        updated_at=timezone.now(),
        results={},
    )
    run.refresh_from_db()
    if not updated:
        raise RunStateError(
            f"只有失败的运行可以重试 / only a failed run can be retried (run {run.pk} is {run.status})"
        )
    directory = run_directory(run)
    shutil.rmtree(directory / PARTIAL, ignore_errors=True)
    for name in RESULT_FILES.values():
        (directory / name).unlink(missing_ok=True)
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


# ---------------------------------------------------------------------------------------------
# Runs whose worker is gone


def worker_alive(pid: int, run_id: int) -> bool:
    """Is process ``pid`` still the worker of run ``run_id``? A reaped or zombie process is not,
    nor is an unrelated process that reused the number (only a task worker or
    ``eduplan admissions job <id>`` is)."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass  # not our child: ask the system
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path(f"/proc/{pid}")
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("Z", "X"):
            return False
        argv = (proc / "cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return True  # no /proc here: the process exists, trust it
    if b"job" in argv and str(run_id).encode() in argv:
        return True  # `eduplan admissions job <id>` run by hand
    # A task worker (`eduplan worker`, Django's `db_worker`, RQ's `rqworker`) records its own pid
    # when it claims the run; while it lives, it is running it (or ending it).
    return any(arg.endswith((b"worker", b"db_worker", b"rqworker")) for arg in argv)


def refresh_stale(run: AdmissionsRun) -> AdmissionsRun:
    """A queued or running run whose worker is gone is failed (and saved so), with a message."""
    if run.finished:
        return run
    now = timezone.now()
    if run.pid is None:
        stale = now - run.created_at > LAUNCH_GRACE
    elif run.host and run.host != socket.gethostname():
        stale = run.updated_at is None or now - run.updated_at > STALE_AFTER
    else:
        stale = not worker_alive(run.pid, run.pk)
    if stale:
        AdmissionsRun.objects.filter(
            pk=run.pk, status__in=(AdmissionsRunStatus.QUEUED, AdmissionsRunStatus.RUNNING)
        ).update(
            status=AdmissionsRunStatus.FAILED,
            stage=AdmissionsRunStatus.FAILED,
            finished_at=now,
            error="后台进程已结束但未完成运行(被停止或崩溃), 请重新提交 / the worker stopped before "
            "finishing (killed or crashed); please start the run again",
        )
        run.refresh_from_db()
    return run


# ---------------------------------------------------------------------------------------------
# Deleting runs (the run page's button, ``eduplan admissions purge``, the Django admin)

#: A run in one of these states may be deleted; a queued or running one never (its worker is using
#: the files).
DELETABLE_STATUSES = (AdmissionsRunStatus.DONE, AdmissionsRunStatus.REFUSED, AdmissionsRunStatus.FAILED)


class RunBusyError(Exception):
    """The run is queued or running: it is not deleted."""

    def __init__(self, run: AdmissionsRun) -> None:
        self.run = run
        super().__init__(
            f"运行 {run.pk} 正在排队或运行, 结束后才能删除 / run {run.pk} is {run.status}; "
            "it can be deleted once it has finished"
        )


@dataclass
class DeletedRun:
    pk: int
    directory: str
    files: int
    bytes: int


def directory_usage(path: Path) -> tuple[int, int]:
    """Files and bytes under ``path`` (0, 0 if it is gone)."""
    files = size = 0
    if not path.is_dir():
        return 0, 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            files += 1
            size += item.stat().st_size
    return files, size


def _owned_directory(run: AdmissionsRun) -> Path | None:
    """The run's own directory, only if it is strictly inside ``MEDIA_ROOT/admissions/`` — a
    damaged ``directory`` value ("", "..", an absolute path) never makes us remove anything else."""
    if not run.directory:
        return None
    base = (media_root() / "admissions").resolve()
    path = (media_root() / run.directory).resolve()
    if path == base or base not in path.parents:
        return None
    return path


def delete_run(run: AdmissionsRun, *, dry_run: bool = False) -> DeletedRun:
    """Delete a finished, failed or refused run: its row and its directory of uploads and results.

    The one way runs are deleted (page, ``purge`` command, admin). A queued or running run raises
    :class:`RunBusyError` and nothing is removed; the status test and the row's deletion are one
    statement, so a run that a worker claims meanwhile is not deleted either. With ``dry_run``
    nothing is removed; what would be is returned."""
    path = _owned_directory(run)
    files, size = directory_usage(path) if path is not None else (0, 0)
    deleted = DeletedRun(run.pk, run.directory, files, size)
    if run.status not in DELETABLE_STATUSES:
        raise RunBusyError(run)
    if dry_run:
        return deleted
    removed, _ = AdmissionsRun.objects.filter(pk=run.pk, status__in=DELETABLE_STATUSES).delete()
    if not removed:
        run.refresh_from_db()  # raises DoesNotExist if someone else deleted it
        raise RunBusyError(run)
    if path is not None and path.exists():
        shutil.rmtree(path, onerror=lambda _f, p, exc: log.warning("cannot remove %s: %s", p, exc[1]))
    log.info("admissions run %s deleted (%s files, %s bytes)", deleted.pk, files, size)
    return deleted


def purge_runs(before: dt.date, *, dry_run: bool = False) -> list[DeletedRun]:
    """Delete the finished, failed and refused runs created before ``before`` (local date), with
    their files. Queued and running runs are never touched, however old."""
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    old = AdmissionsRun.objects.filter(created_at__lt=start, status__in=DELETABLE_STATUSES).order_by("pk")
    deleted = []
    for run in old:
        try:
            deleted.append(delete_run(run, dry_run=dry_run))
        except (RunBusyError, AdmissionsRun.DoesNotExist):
            continue  # claimed or deleted meanwhile
    return deleted
