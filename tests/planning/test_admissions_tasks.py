"""Admissions runs as tasks of a real worker (``eduplan worker``, database backend): a worker killed
mid-run leaves nothing half-written, the run shows as failed and runs again on "retry" with the
same bytes as the command; "cancel" stops a running run and removes what it wrote."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.management import call_command

from eduplan.planning.models import AdmissionsRun, AdmissionsRunStatus
from tests.planning import test_admissions_page as page_tests
from tests.planning.test_admissions_page import PASSWORD, URL, uploads, wait_until_finished

# The page tests' fixtures: the mini city with its users, and the test's MEDIA_ROOT.
city = page_tests.city
media = page_tests.media

pytestmark = [pytest.mark.urls("tests.planning.urls"), pytest.mark.django_db(transaction=True)]

RESULT_NAMES = ("result.csv", "result.summary.json", "result.summary.xlsx")


@pytest.fixture(scope="module")
def big_province(tmp_path_factory) -> dict[str, Path]:
    """150,000 candidates: a run long enough (seconds) to be stopped in the middle."""
    out = tmp_path_factory.mktemp("big-province")
    call_command("admissions", "demo", "--candidates", "150000", "--out", str(out))
    paths = {k: out / f"{k}.csv" for k in ("candidates", "schools", "junior_schools")}
    paths["settings"] = out / "settings.toml"
    call_command(
        "admissions", "run", "--candidates", str(paths["candidates"]), "--schools", str(paths["schools"]),
        "--junior-schools", str(paths["junior_schools"]), "--config", str(paths["settings"]),
        "--out", str(out / "cli" / "result.csv"),
    )  # fmt: skip
    paths["cli_result"] = out / "cli" / "result.csv"
    return paths


def wait_for_stage(run_id: int, stages: tuple[str, ...], timeout: float = 120) -> AdmissionsRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = AdmissionsRun.objects.get(pk=run_id)
        if run.stage in stages and run.status == AdmissionsRunStatus.RUNNING:
            return run
        assert not run.finished, f"run ended ({run.status}: {run.error}) before reaching {stages}"
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} never reached {stages}")


def nothing_written(run: AdmissionsRun, media: Path) -> None:
    directory = Path(media) / run.directory
    for name in RESULT_NAMES:
        assert not (directory / name).exists(), name
    run.refresh_from_db()
    assert run.results == {} and run.totals in ({}, None)


def test_a_worker_killed_mid_run_leaves_nothing_half_written_and_the_run_is_retried(
    client, city, big_province, media, task_worker
):
    client.login(username="cityo", password=PASSWORD)
    assert client.post(URL, uploads(big_province)).status_code == 302
    run = AdmissionsRun.objects.get()
    # Killed while writing the result file: the half-written CSV must never be downloadable.
    wait_for_stage(run.pk, ("writing_result",))
    task_worker.kill()
    status = client.get(f"{URL}{run.pk}/status/").json()
    assert status["status"] == "failed" and "worker stopped" in status["error"]
    nothing_written(run, media)
    assert client.get(f"{URL}{run.pk}/download/result/").status_code == 404
    page = client.get(f"{URL}{run.pk}/").content.decode()
    assert 'id="retry-form"' in page and 'id="cancel-form"' not in page

    task_worker.start()
    assert client.post(f"{URL}{run.pk}/retry/").status_code == 302
    status = wait_until_finished(client, run.pk)
    assert status["status"] == "done", status
    result = client.get(f"{URL}{run.pk}/download/result/")
    assert b"".join(result.streaming_content) == big_province["cli_result"].read_bytes()
    assert not (Path(media) / run.directory / ".partial").exists()
    # Only a failed run can be retried.
    assert client.post(f"{URL}{run.pk}/retry/").status_code == 409


def test_cancel_stops_a_running_run_and_the_worker_goes_on(client, city, big_province, media, task_worker):
    client.login(username="cityo", password=PASSWORD)
    client.post(URL, uploads(big_province))
    run = AdmissionsRun.objects.get()
    wait_for_stage(run.pk, ("reading", "admitting", "checking", "writing_result"))
    assert 'id="cancel-form"' in client.get(f"{URL}{run.pk}/").content.decode()
    assert client.post(f"{URL}{run.pk}/cancel/").status_code == 302
    status = client.get(f"{URL}{run.pk}/status/").json()
    assert status["status"] == "failed" and "cancelled" in status["error"]
    # The worker notices at its next step, stops and removes what it wrote; it stays up.
    deadline = time.monotonic() + 60
    while (Path(media) / run.directory / ".partial").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    nothing_written(run, media)
    assert task_worker.proc.poll() is None
    assert client.post(f"{URL}{run.pk}/cancel/").status_code == 409  # already ended
    # … and runs it again on "retry".
    client.post(f"{URL}{run.pk}/retry/")
    assert wait_until_finished(client, run.pk)["status"] == "done"
