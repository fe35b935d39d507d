"""Nothing stuck "running" (issue 22, 5): an import batch or an admissions run whose process died is
marked failed with its reason by the next sweep, and a served site sweeps by itself at most
``SWEEP_SECONDS`` (30 s) apart, so within a minute. Operations without a run record (a notice is
issued in one transaction; a siting run writes nothing) cannot be left half done."""

from __future__ import annotations

import socket
import subprocess

import pytest
from django.core.management import call_command

from eduplan.intake.models import BatchStatus, ImportBatch
from eduplan.planning.models import AdmissionsRun, AdmissionsRunStatus
from eduplan.security.sweeps import process_identity, sweep_all, sweepers

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _dead_batch() -> ImportBatch:
    host, _, start = process_identity()
    return ImportBatch.objects.create(file_name="班级.xlsx", host=host, pid=_dead_pid(), process_start=start)


def test_every_long_operation_with_a_run_record_has_a_sweeper():
    assert {"import_batches", "admissions_runs"} <= set(sweepers())


def test_an_import_whose_process_died_is_failed_at_the_next_sweep_with_its_reason():
    dead = _dead_batch()
    host, pid, start = process_identity()  # this process: alive, importing for a long time
    live = ImportBatch.objects.create(file_name="大文件.xlsx", host=host, pid=pid, process_start=start)
    elsewhere = ImportBatch.objects.create(file_name="别处.xlsx", host="another-host", pid=1)
    assert sweep_all()["import_batches"] == 1
    dead.refresh_from_db()
    assert dead.status == BatchStatus.FAILED and dead.finished_at is not None
    assert "进程" in dead.errors[0]["message_zh"] and "killed or crashed" in dead.errors[0]["message_en"]
    assert ImportBatch.objects.get(pk=live.pk).status == BatchStatus.RUNNING
    assert ImportBatch.objects.get(pk=elsewhere.pk).status == BatchStatus.RUNNING  # only time tells


def test_a_reused_process_id_does_not_keep_a_dead_import_running():
    host, pid, _ = process_identity()
    batch = ImportBatch.objects.create(file_name="x.xlsx", host=host, pid=pid, process_start="1")
    sweep_all()
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.FAILED


def test_an_admissions_run_whose_worker_died_is_failed_with_its_reason():
    run = AdmissionsRun.objects.create(
        directory="admissions/dead",
        status=AdmissionsRunStatus.RUNNING,
        pid=_dead_pid(),
        host=socket.gethostname(),
    )
    assert sweep_all()["admissions_runs"] == 1
    run.refresh_from_db()
    assert run.status == AdmissionsRunStatus.FAILED and "killed or crashed" in run.error


def test_a_served_site_sweeps_by_itself(client, settings):
    settings.SWEEP_SECONDS = 30
    dead = _dead_batch()
    client.get("/office/login/")  # any request: the first in a sweep interval sweeps
    assert ImportBatch.objects.get(pk=dead.pk).status == BatchStatus.FAILED
    again = _dead_batch()
    client.get("/office/login/")  # within the interval: not again (one sweep per 30 s, all workers)
    assert ImportBatch.objects.get(pk=again.pk).status == BatchStatus.RUNNING


def test_the_sweep_command(capsys):
    dead = _dead_batch()
    call_command("sweep")
    assert "import_batches 1" in capsys.readouterr().out
    assert ImportBatch.objects.get(pk=dead.pk).status == BatchStatus.FAILED


def test_an_import_records_the_process_doing_it():
    import os

    from eduplan.intake.importer import import_rows
    from eduplan.intake.kinds import KINDS
    from tests.factories import mini_city

    mini_city()
    row = {
        "institution_code": "K1",
        "school_year": 2024,
        "name": "小一班",
        "age_group": "small",
        "boys": 1,
        "girls": 1,
    }
    batch = import_rows(KINDS["classes"], [row]).batch
    assert (batch.host, batch.pid) == (socket.gethostname(), os.getpid()) and batch.process_start
