"""A city officer in a real browser: uploads a small province on the admissions page (HS-2.1),
watches the progress reach "done" (the page polls, then reloads), and downloads the result — the
same bytes ``eduplan admissions run`` writes for the same files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from tests.browser.conftest import login
from tests.factories import mini_city
from tests.planning import test_admissions_tasks
from tests.planning.test_admissions_page import province  # noqa: F401  (fixture)
from tests.planning.test_admissions_tasks import wait_for_stage

#: 150,000 candidates: a run long enough to kill its worker in the middle.
big_province = test_admissions_tasks.big_province

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.planning.urls")]


@pytest.fixture
def officer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    m = mini_city()
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    create_user_with_role("countyo", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a)
    return m


def test_city_officer_uploads_follows_progress_and_downloads(
    page,
    live_server,
    officer,
    province,  # noqa: F811
    task_worker,
    tmp_path,
):
    login(page, live_server, "cityo")
    page.goto(f"{live_server.url}/office/planning/")
    page.click("text=High school admissions")
    assert page.url.endswith("/office/planning/admissions/")
    for kind in ("candidates", "schools", "junior_schools", "settings"):
        page.set_input_files(f"#id_{kind}", str(province[kind]))
    page.click("#admissions-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/office/planning/admissions/\d+/$"))
    # The page polls the status and reloads itself when the run ends.
    page.wait_for_selector('#run-status[data-status="done"]', timeout=180_000)
    assert page.get_attribute("#run-bar", "value") == "100"
    assert "完成 / done" in page.inner_text("#run-stage")
    assert page.is_visible("#totals-table") and page.is_visible("#checks-table")
    assert page.locator("#schools-table tbody tr").count() > 0
    page.wait_for_selector('[data-chart="admissions-cutoffs"] .main-svg')  # Plotly drew the chart
    with page.expect_download() as info:
        page.click('#downloads a[data-kind="result"]')
    saved = tmp_path / "downloaded.csv"
    info.value.save_as(saved)
    assert saved.read_bytes() == Path(province["cli_result"]).read_bytes()
    # The run is listed among past runs.
    page.click("text=upload and past runs")
    assert page.locator("#runs-table tbody tr").count() == 1
    assert "candidates.csv" in page.inner_text("#runs-table")


def test_bad_file_shows_row_and_column_in_the_browser(page, live_server, officer, province, tmp_path):  # noqa: F811
    bad = tmp_path / "schools.csv"
    text = Path(province["schools"]).read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(text[1].split(",")[1], "lots", 1)  # capacity of the first school
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    login(page, live_server, "cityo")
    page.goto(f"{live_server.url}/office/planning/admissions/")
    page.set_input_files("#id_candidates", str(province["candidates"]))
    page.set_input_files("#id_schools", str(bad))
    page.click("#admissions-form button[type=submit]")
    message = page.inner_text("#upload-error")
    assert "schools.csv 第 2 行 capacity 列" in message and "row 2, column capacity: not a number" in message
    assert "尚无运行" in page.inner_text("main")  # no run was created


def test_county_officer_is_refused(page, live_server, officer):
    login(page, live_server, "countyo")
    response = page.goto(f"{live_server.url}/office/planning/admissions/")
    assert response.status == 403


def test_a_killed_worker_shows_as_failed_and_the_run_is_retried(
    page, live_server, officer, big_province, task_worker, tmp_path
):
    """The worker is killed mid-run: the page shows the run failed with no download, "run again"
    (after a worker is back) ends with the command's result."""
    paths = big_province
    login(page, live_server, "cityo")
    page.goto(f"{live_server.url}/office/planning/admissions/")
    for kind in ("candidates", "schools", "junior_schools", "settings"):
        page.set_input_files(f"#id_{kind}", str(paths[kind]))
    page.click("#admissions-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/office/planning/admissions/\d+/$"))
    run_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    wait_for_stage(run_id, ("writing_result",))
    task_worker.kill()
    page.wait_for_selector('#run-status[data-status="failed"]', timeout=60_000)
    assert "worker stopped" in page.inner_text("#run-error")
    assert page.locator("#downloads").count() == 0
    task_worker.start()
    page.click("#retry-form button[type=submit]")
    page.wait_for_selector('#run-status[data-status="done"]', timeout=180_000)
    with page.expect_download() as info:
        page.click('#downloads a[data-kind="result"]')
    saved = tmp_path / "downloaded.csv"
    info.value.save_as(saved)
    assert saved.read_bytes() == paths["cli_result"].read_bytes()
