"""The officers' admissions page (HS-2.1): city officers upload the files of ``eduplan admissions
run``, the admission runs in a background worker process, the page follows its progress and offers
the result and summary for download — the same bytes the command writes. Bad input is refused on the
form with file, row and column, and no run is created. Other roles get 403; a run whose worker died
shows as failed.

Tests that wait for the worker use committed transactions (``transaction=True``): the worker is a
separate process and sees only what is committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from eduplan.accounts.actions import create_user_with_role
from eduplan.planning.admissions.jobs import worker_alive
from eduplan.planning.models import AdmissionsRun, AdmissionsRunStatus
from eduplan.registry.choices import DivisionLevel, DivisionType, Role
from tests.factories import make_division, mini_city

pytestmark = [pytest.mark.urls("tests.planning.urls")]

URL = "/office/planning/admissions/"
PASSWORD = "pw-123456"
FILES = ("candidates", "schools", "junior_schools", "settings")


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> dict[str, Path]:
    """A 2,000-candidate synthetic province and what ``eduplan admissions run`` makes of it."""
    out = tmp_path_factory.mktemp("province")
    call_command("admissions", "demo", "--candidates", "2000", "--out", str(out))
    paths = {
        "candidates": out / "candidates.csv",
        "schools": out / "schools.csv",
        "junior_schools": out / "junior_schools.csv",
        "settings": out / "settings.toml",
    }
    call_command(
        "admissions",
        "run",
        "--candidates",
        str(paths["candidates"]),
        "--schools",
        str(paths["schools"]),
        "--junior-schools",
        str(paths["junior_schools"]),
        "--config",
        str(paths["settings"]),
        "--out",
        str(out / "cli" / "result.csv"),
    )
    paths["cli_result"] = out / "cli" / "result.csv"
    paths["cli_summary"] = out / "cli" / "result.summary.json"
    return paths


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def city(db, media):
    m = mini_city()
    create_user_with_role("cityo", PASSWORD, Role.CITY_OFFICER, division=m.city)
    create_user_with_role("countyo", PASSWORD, Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("principal", PASSWORD, Role.PRINCIPAL, institution=m.kg_a)
    create_user_with_role("supervisor", PASSWORD, Role.SUPERVISOR, supervised=[m.kg_a])
    create_user_with_role("viewer", PASSWORD, Role.VIEWER, division=m.city)
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    other = make_division("530100", "昆明市", DivisionLevel.CITY, type=DivisionType.CITY)
    create_user_with_role("othercity", PASSWORD, Role.CITY_OFFICER, division=other)
    return m


def uploads(paths: dict[str, Path], **replace: bytes) -> dict[str, SimpleUploadedFile]:
    out = {}
    for kind in FILES:
        content = replace.get(kind, paths[kind].read_bytes())
        out[kind] = SimpleUploadedFile(paths[kind].name, content)
    return out


def edited(path: Path, row: int, **cells: str) -> bytes:
    """The CSV file with cells of spreadsheet row ``row`` (the header is row 1) replaced."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for column, value in cells.items():
        rows[row - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def wait_until_finished(client, run_id: int, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        data = client.get(f"{URL}{run_id}/status/").json()
        seen.append((data["stage"], data["percent"]))
        if data["finished"]:
            data["seen"] = seen
            return data
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish: {seen[-5:]}")


def a_run(city, status=AdmissionsRunStatus.DONE, **fields) -> AdmissionsRun:
    return AdmissionsRun.objects.create(
        division=city.city,
        directory=f"admissions/test-{AdmissionsRun.objects.count()}",
        status=status,
        **fields,
    )


# -- who may use it ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("cityo", 200),
        ("admin", 200),
        ("countyo", 403),
        ("principal", 403),
        ("supervisor", 403),
        ("viewer", 403),
    ],
)
def test_only_city_officers_and_superusers_may_use_the_page(client, city, province, username, expected):
    run = a_run(city, results={"result": "result.csv"})
    client.login(username=username, password=PASSWORD)
    assert client.get(URL).status_code == expected
    assert client.get(f"{URL}{run.pk}/").status_code == expected
    assert client.get(f"{URL}{run.pk}/status/").status_code == expected
    if expected == 403:
        assert client.get(f"{URL}{run.pk}/download/result/").status_code == 403
        response = client.post(URL, uploads(province))
        assert response.status_code == 403
        assert AdmissionsRun.objects.count() == 1  # nothing started
    tab = 'href="/office/planning/admissions/"'
    population = client.get("/office/planning/").content.decode()
    if username in ("cityo", "admin"):
        assert tab in population  # the planning pages link to it
    elif username == "countyo":
        assert tab not in population  # no link to a page they cannot open


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, city):
    run = a_run(city)
    for url in (URL, f"{URL}{run.pk}/", f"{URL}{run.pk}/status/", f"{URL}{run.pk}/download/result/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.django_db
def test_another_citys_run_is_not_found(client, city):
    run = a_run(city, results={"result": "result.csv"})
    client.login(username="othercity", password=PASSWORD)
    assert client.get(URL).status_code == 200
    assert f"#{run.pk}" not in client.get(URL).content.decode()
    for url in (f"{URL}{run.pk}/", f"{URL}{run.pk}/status/", f"{URL}{run.pk}/download/result/"):
        assert client.get(url).status_code == 404, url


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_csv_is_refused_with_file_row_and_column_and_no_run(client, city, province, media):
    bad = edited(province["candidates"], 3, choice_2="NO-SUCH-SCHOOL", score="abc")
    client.login(username="cityo", password=PASSWORD)
    response = client.post(URL, uploads(province, candidates=bad))
    assert response.status_code == 400
    body = response.content.decode()
    assert "candidates.csv 第 3 行 choice_2 列: 未知学校 &#x27;NO-SUCH-SCHOOL&#x27;" in body
    assert "candidates.csv row 3, column choice_2: unknown school" in body
    assert "candidates.csv row 3, column score: not a number" in body
    assert str(media) not in body  # the server's storage path is not shown
    assert AdmissionsRun.objects.count() == 0
    assert not any((Path(media) / "admissions").iterdir())  # the refused files are not kept


@pytest.mark.django_db
def test_bad_settings_file_is_refused_by_name(client, city, province):
    client.login(username="cityo", password=PASSWORD)
    response = client.post(URL, uploads(province, settings=b"batch_order = 'sideways'\n"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "batch_order" in body and "settings.toml" in body
    assert AdmissionsRun.objects.count() == 0


@pytest.mark.django_db
def test_missing_required_file_is_refused(client, city, province):
    client.login(username="cityo", password=PASSWORD)
    files = uploads(province)
    del files["schools"]
    response = client.post(URL, files)
    assert response.status_code == 400 and AdmissionsRun.objects.count() == 0


# -- a run ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_the_background_and_downloads_equal_the_command(client, city, province, task_worker):
    client.login(username="cityo", password=PASSWORD)
    response = client.post(URL, uploads(province))
    assert response.status_code == 302
    run = AdmissionsRun.objects.get()
    assert response["Location"] == f"{URL}{run.pk}/"
    assert run.created_by.username == "cityo" and run.division == city.city
    assert set(run.inputs) == set(FILES)

    status = wait_until_finished(client, run.pk)
    assert status["status"] == "done", status
    assert status["percent"] == 100
    percents = [p for _, p in status["seen"]]
    assert percents == sorted(percents)  # progress only moves forward

    result = client.get(f"{URL}{run.pk}/download/result/")
    assert result.status_code == 200
    assert "attachment" in result["Content-Disposition"]
    assert b"".join(result.streaming_content) == province["cli_result"].read_bytes()
    web_summary = json.loads(b"".join(client.get(f"{URL}{run.pk}/download/summary_json/").streaming_content))
    cli_summary = json.loads(province["cli_summary"].read_text(encoding="utf-8"))
    assert web_summary["files"] == {
        "candidates": "candidates.csv",
        "schools": "schools.csv",
        "junior_schools": "junior_schools.csv",
    }
    del web_summary["files"], cli_summary["files"]
    assert web_summary == cli_summary
    xlsx = b"".join(client.get(f"{URL}{run.pk}/download/summary_xlsx/").streaming_content)
    assert xlsx[:2] == b"PK"  # a workbook

    page = client.get(f"{URL}{run.pk}/").content.decode()
    totals = cli_summary["totals"]
    assert f'data-key="admitted_quota">{totals["admitted_quota"]:,}' in page
    assert f'data-key="unplaced">{totals["unplaced"]:,}' in page
    for check in ("same_area", "same_round", "stability"):
        assert f'data-check="{check}"' in page
    assert "FAILED" not in page and page.count("通过 passed") == len(cli_summary["checks"])
    school = cli_summary["schools"][0]
    assert school["school_id"] in page and 'id="schools-table"' in page
    assert 'id="admissions-chart-data"' in page and "/static/vendor/plotly/plotly.min.js" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    index = client.get(URL).content.decode()
    assert f'href="{URL}{run.pk}/"' in index and "candidates.csv" in index


@pytest.mark.django_db(transaction=True)
def test_large_upload_is_checked_by_the_worker_and_refused_with_row_and_column(
    client, city, province, settings, task_worker
):
    settings.ADMISSIONS_CHECK_IN_REQUEST_MAX_BYTES = 0  # as if the files were province-sized
    client.login(username="cityo", password=PASSWORD)
    response = client.post(URL, uploads(province, schools=edited(province["schools"], 2, capacity="-5")))
    assert response.status_code == 302
    run = AdmissionsRun.objects.get()
    status = wait_until_finished(client, run.pk)
    assert status["status"] == "refused"
    assert "schools.csv row 2, column capacity: must not be below 0" in status["error"]
    page = client.get(f"{URL}{run.pk}/").content.decode()
    assert "schools.csv 第 2 行 capacity 列" in page
    assert 'id="downloads"' not in page
    assert client.get(f"{URL}{run.pk}/download/result/").status_code == 404


@pytest.mark.django_db
def test_a_running_page_refreshes_without_javascript_and_offers_no_download(client, city):
    # just submitted, its worker not yet recorded: within the launch grace period, not stale
    run = a_run(city, status=AdmissionsRunStatus.RUNNING, stage="admitting", percent=38)
    client.login(username="cityo", password=PASSWORD)
    page = client.get(f"{URL}{run.pk}/").content.decode()
    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'value="38"' in page and "quota batch, then general batch" in page
    assert client.get(f"{URL}{run.pk}/download/result/").status_code == 404


# -- stale runs -----------------------------------------------------------------------------------


def finished_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.mark.django_db
def test_a_running_run_whose_worker_is_gone_shows_as_failed(client, city):
    run = a_run(city, status=AdmissionsRunStatus.RUNNING, stage="reading", percent=2, pid=finished_pid())
    client.login(username="cityo", password=PASSWORD)
    data = client.get(f"{URL}{run.pk}/status/").json()
    assert data["status"] == "failed" and data["finished"]
    assert "worker stopped" in data["error"]
    run.refresh_from_db()
    assert run.status == AdmissionsRunStatus.FAILED and run.finished_at is not None


@pytest.mark.django_db
def test_a_reused_process_number_is_not_taken_for_the_worker(client, city):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert not worker_alive(sleeper.pid, 12345)  # alive, but not `admissions job 12345`
        run = a_run(city, status=AdmissionsRunStatus.RUNNING, pid=sleeper.pid)
        client.login(username="cityo", password=PASSWORD)
        assert client.get(f"{URL}{run.pk}/status/").json()["status"] == "failed"
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.django_db
def test_a_run_never_picked_up_fails_after_the_grace_period(client, city):
    run = a_run(city, status=AdmissionsRunStatus.QUEUED)
    client.login(username="cityo", password=PASSWORD)
    assert client.get(f"{URL}{run.pk}/status/").json()["status"] == "queued"  # just submitted
    AdmissionsRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert client.get(f"{URL}{run.pk}/status/").json()["status"] == "failed"
    assert "失败" in client.get(URL).content.decode()  # the list shows it failed too


# -- deleting runs --------------------------------------------------------------------------------


def a_run_with_files(city, media, status=AdmissionsRunStatus.DONE, **fields) -> AdmissionsRun:
    run = AdmissionsRun.objects.create(
        division=city.city,
        directory=f"admissions/files-{secrets.token_hex(4)}",
        status=status,
        results={"result": "result.csv"},
        **fields,
    )
    directory = Path(media) / run.directory
    directory.mkdir(parents=True)
    (directory / "candidates.csv").write_bytes(b"x" * 1000)
    (directory / "result.csv").write_bytes(b"y" * 234)
    return run


@pytest.mark.django_db
def test_the_city_officer_deletes_a_finished_run_and_its_files(client, city, media):
    run = a_run_with_files(city, media)
    keep = a_run_with_files(city, media)
    client.login(username="cityo", password=PASSWORD)
    page = client.get(f"{URL}{run.pk}/").content.decode()
    assert f'action="{URL}{run.pk}/delete/"' in page and 'name="csrfmiddlewaretoken"' in page
    assert 'name="confirm" value="yes" required' in page

    # without ticking the confirmation nothing is deleted
    response = client.post(f"{URL}{run.pk}/delete/")
    assert response.status_code == 400 and "tick the confirmation box" in response.content.decode()
    assert AdmissionsRun.objects.filter(pk=run.pk).exists()
    assert (Path(media) / run.directory / "result.csv").exists()

    response = client.post(f"{URL}{run.pk}/delete/", {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == URL
    body = response.content.decode()
    assert f"run #{run.pk} and its 2 files deleted" in body
    assert f'href="{URL}{run.pk}/"' not in body and f'href="{URL}{keep.pk}/"' in body
    assert not AdmissionsRun.objects.filter(pk=run.pk).exists()
    assert not (Path(media) / run.directory).exists()
    assert (Path(media) / keep.directory / "result.csv").exists()  # the other run is untouched
    assert client.get(f"{URL}{run.pk}/download/result/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("status", [AdmissionsRunStatus.QUEUED, AdmissionsRunStatus.RUNNING])
def test_a_queued_or_running_run_cannot_be_deleted(client, city, media, status):
    # just submitted: within the launch grace period, so not taken for a dead worker's run
    run = a_run_with_files(city, media, status=status)
    client.login(username="cityo", password=PASSWORD)
    page = client.get(f"{URL}{run.pk}/").content.decode()
    assert 'id="delete-form"' not in page and "can be deleted once it has finished" in page
    response = client.post(f"{URL}{run.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 409
    assert "it can be deleted once it has finished" in response.content.decode()
    run.refresh_from_db()
    assert run.status == status
    assert (Path(media) / run.directory / "candidates.csv").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "expected"),
    [("countyo", 403), ("principal", 403), ("supervisor", 403), ("viewer", 403), ("othercity", 404)],
)
def test_only_the_citys_officer_may_delete_a_run(client, city, media, username, expected):
    run = a_run_with_files(city, media)
    client.login(username=username, password=PASSWORD)
    assert client.post(f"{URL}{run.pk}/delete/", {"confirm": "yes"}).status_code == expected
    assert AdmissionsRun.objects.filter(pk=run.pk).exists()
    assert (Path(media) / run.directory / "result.csv").exists()


@pytest.mark.django_db
def test_deleting_needs_post_and_the_csrf_token(city, media):
    from django.test import Client

    run = a_run_with_files(city, media)
    client = Client(enforce_csrf_checks=True)
    client.login(username="cityo", password=PASSWORD)
    assert client.get(f"{URL}{run.pk}/delete/").status_code == 405
    assert client.post(f"{URL}{run.pk}/delete/", {"confirm": "yes"}).status_code == 403  # no token
    assert AdmissionsRun.objects.filter(pk=run.pk).exists()
    client.logout()
    response = client.post(f"{URL}{run.pk}/delete/", {"confirm": "yes"})
    assert AdmissionsRun.objects.filter(pk=run.pk).exists() and response.status_code in (302, 403)


@pytest.mark.django_db
def test_a_damaged_directory_never_removes_anything_outside_the_run(client, city, media):
    from eduplan.planning.admissions.jobs import delete_run

    (Path(media) / "admissions" / "other").mkdir(parents=True)
    (Path(media) / "admissions" / "other" / "keep.csv").write_text("keep")
    for directory in ("admissions", "admissions/..", "/tmp", ""):
        run = AdmissionsRun.objects.create(division=city.city, directory=directory or "x", status="done")
        if not directory:
            AdmissionsRun.objects.filter(pk=run.pk).update(directory="")
            run.refresh_from_db()
        delete_run(run)
        assert not AdmissionsRun.objects.filter(pk=run.pk).exists()
        assert (Path(media) / "admissions" / "other" / "keep.csv").exists(), directory


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("admissions", "purge", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_purge_deletes_old_finished_runs_and_their_files_but_never_running_ones(city, media):
    old = timezone.now() - dt.timedelta(days=400)
    done = a_run_with_files(city, media)
    refused = a_run_with_files(city, media, status=AdmissionsRunStatus.REFUSED)
    failed = a_run_with_files(city, media, status=AdmissionsRunStatus.FAILED)
    running = a_run_with_files(city, media, status=AdmissionsRunStatus.RUNNING)
    queued = a_run_with_files(city, media, status=AdmissionsRunStatus.QUEUED)
    recent = a_run_with_files(city, media)
    AdmissionsRun.objects.exclude(pk=recent.pk).update(created_at=old)
    before = (timezone.localdate() - dt.timedelta(days=30)).isoformat()

    printed = purge("--before", before, "--dry-run")
    assert "would delete" in printed and "3 runs" in printed and f"{3 * 1234} bytes" in printed
    assert AdmissionsRun.objects.count() == 6  # a dry run removes nothing
    assert (Path(media) / done.directory / "result.csv").exists()

    printed = purge("--before", before)
    assert "deleted" in printed and "3 runs" in printed and f"{3 * 1234} bytes" in printed
    for run in (done, refused, failed):
        assert f"run {run.pk}:" in printed
        assert not AdmissionsRun.objects.filter(pk=run.pk).exists()
        assert not (Path(media) / run.directory).exists()
    for run in (running, queued, recent):
        assert AdmissionsRun.objects.filter(pk=run.pk).exists()
        assert (Path(media) / run.directory / "result.csv").exists()
    assert f"run {running.pk}:" not in printed and f"run {queued.pk}:" not in printed
    assert "0 runs" in purge("--before", before)  # nothing left to purge


@pytest.mark.django_db
def test_purge_needs_a_valid_date(city):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        purge("--before", "2026-13-01")
    with pytest.raises(CommandError):
        purge()


@pytest.mark.django_db
def test_the_admin_lists_runs_read_only_and_deletes_them_with_their_files(client, city, media):
    run = a_run_with_files(city, media, totals={"candidates": 2000, "admitted": 1890})
    busy = a_run_with_files(city, media, status=AdmissionsRunStatus.RUNNING)
    client.login(username="admin", password=PASSWORD)
    listing = client.get("/admin/planning/admissionsrun/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "2000" in body and "1890" in body and "已完成 done" in body
    assert 'href="/admin/planning/admissionsrun/add/"' not in body
    assert client.get("/admin/planning/admissionsrun/add/").status_code == 403
    change = client.get(f"/admin/planning/admissionsrun/{run.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()  # view only
    assert client.get(f"/admin/planning/admissionsrun/{busy.pk}/delete/").status_code == 403

    response = client.post(f"/admin/planning/admissionsrun/{run.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AdmissionsRun.objects.filter(pk=run.pk).exists()
    assert not (Path(media) / run.directory).exists()  # the files went with the row

    # the bulk action refuses a selection with a running run, and deletes finished ones with files
    again = a_run_with_files(city, media)
    response = client.post(
        "/admin/planning/admissionsrun/",
        {"action": "delete_selected", "_selected_action": [again.pk, busy.pk], "post": "yes"},
    )
    assert AdmissionsRun.objects.filter(pk=again.pk).exists()
    response = client.post(
        "/admin/planning/admissionsrun/",
        {"action": "delete_selected", "_selected_action": [again.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AdmissionsRun.objects.filter(pk=again.pk).exists()
    assert not (Path(media) / again.directory).exists()
    assert AdmissionsRun.objects.filter(pk=busy.pk).exists()
    assert (Path(media) / busy.directory / "result.csv").exists()
