"""Large imports from the page run in the task worker: the page answers at once with the batch,
the worker imports it (all or nothing), and a batch whose worker died can be imported again."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from eduplan.intake.background import stored_file
from eduplan.intake.models import BatchStatus, ImportBatch
from eduplan.intake.sweep import sweep_stale_batches
from eduplan.registry.models import SchoolClass
from tests.intake.helpers import class_row, full_city, kind_sheet

pytestmark = pytest.mark.urls("tests.intake.urls")


@pytest.fixture
def county_a(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_IN_WORKER_BYTES = 1  # every upload goes to the worker
    full_city()
    client.login(username="county_a", password="pw-123456")
    return client


def upload(client, path):
    with path.open("rb") as fh:
        return client.post("/office/import/", {"file": fh, "kind": ""})


@pytest.mark.django_db
def test_a_large_upload_is_queued_and_the_page_says_so(
    county_a, tmp_path, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="后台班")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(county_a, f)
    batch = ImportBatch.objects.get()
    assert response["Location"].endswith(f"/office/import/{batch.pk}/")
    assert batch.status == BatchStatus.RUNNING and not SchoolClass.objects.filter(name="后台班").exists()
    assert stored_file(batch) is not None  # kept in the file storage for the worker
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("run_import") and queued.args_kwargs["args"][0] == batch.pk
    page = county_a.get(response["Location"]).content.decode()
    assert "后台导入中" in page and 'http-equiv="refresh"' in page


@pytest.mark.django_db
def test_a_batch_whose_worker_died_is_failed_and_imported_again(
    county_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    from eduplan.intake.background import run_import

    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="重来班")])
    with django_capture_on_commit_callbacks(execute=False):  # the worker never takes it (killed)
        upload(county_a, f)
    batch = ImportBatch.objects.get()
    later = timezone.now() + dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    assert sweep_stale_batches(later) == 1
    page = county_a.get(f"/office/import/{batch.pk}/").content.decode()
    assert "重新导入" in page and "未写入任何数据" in page
    assert not SchoolClass.objects.filter(name="重来班").exists()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = county_a.post(f"/office/import/{batch.pk}/retry/")
    again = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert response["Location"].endswith(f"/office/import/{again.pk}/")
    assert stored_file(batch) is None and stored_file(again) is not None
    assert len(queued) == 1
    # What the worker runs for the new batch:
    assert run_import.call(again.pk, stored_file(again), "", False, again.user_id) == BatchStatus.SUCCEEDED
    assert SchoolClass.objects.filter(name="重来班").count() == 1
    assert stored_file(again) is None  # nothing left to retry
    assert county_a.post(f"/office/import/{batch.pk}/retry/").status_code == 409  # once only


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_large_upload(county_a, tmp_path, settings, task_worker):
    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="工作进程班")])
    response = upload(county_a, f)
    batch = ImportBatch.objects.get()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != BatchStatus.RUNNING:
            break
        time.sleep(0.5)
    assert batch.status == BatchStatus.SUCCEEDED, task_worker.log()
    assert SchoolClass.objects.filter(name="工作进程班").count() == 1
    assert "已导入" in county_a.get(response["Location"]).content.decode()
    assert stored_file(batch) is None


@pytest.mark.django_db
def test_cancel_stops_a_queued_or_running_import_and_it_can_be_imported_again(
    county_a, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from eduplan.intake.background import run_import

    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="取消班")])
    with django_capture_on_commit_callbacks(execute=False):
        upload(county_a, f)
    queued = ImportBatch.objects.get()
    assert "取消导入" in county_a.get(f"/office/import/{queued.pk}/").content.decode()
    county_a.post(f"/office/import/{queued.pk}/cancel/")
    queued.refresh_from_db()
    assert queued.status == BatchStatus.FAILED and queued.errors[0]["code"] == "cancelled"
    # The worker takes it later: nothing happens.
    assert run_import.call(queued.pk, stored_file(queued), "", False, queued.user_id) == "not running"
    assert not SchoolClass.objects.filter(name="取消班").exists()
    assert "导入已取消" in county_a.get(f"/office/import/{queued.pk}/").content.decode()

    # Running: the worker has reported progress; cancel stops it at the next step, nothing written.
    with django_capture_on_commit_callbacks(execute=False):
        response = county_a.post(f"/office/import/{queued.pk}/retry/")
    running = ImportBatch.objects.exclude(pk=queued.pk).get()
    cache.set(f"eduplan:import-progress:{running.pk}", ("已读取 read", 1, 1))
    assert county_a.post(f"/office/import/{running.pk}/cancel/").status_code == 302
    running.refresh_from_db()
    assert running.status == BatchStatus.RUNNING  # the worker stops it, not the page
    assert run_import.call(running.pk, stored_file(running), "", False, running.user_id) == BatchStatus.FAILED
    running.refresh_from_db()
    assert running.status == BatchStatus.FAILED and running.errors[0]["code"] == "cancelled"
    assert not SchoolClass.objects.filter(name="取消班").exists()
    assert stored_file(running) is not None  # kept: it can be imported again
    assert response.status_code == 302
