"""In a real browser: a county officer reports progress on a plan task with an evidence photo;
the city officer sees it on the task board and in the next monthly notice (通报) it downloads."""

import datetime as dt
import io
from pathlib import Path

import pytest

from eduplan.tasks.models import TaskState
from tests.browser.conftest import login
from tests.tasks.helpers import task_world

pytestmark = pytest.mark.django_db(transaction=True)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_county_updates_task_with_evidence_city_sees_board_and_notice(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tw = task_world(deadline=dt.date(2024, 12, 31))  # already overdue today
    from eduplan.registry import actions

    # the notice needs indicator data: one class in the registry
    actions.record_class(
        tw.w.m.kg_a, school_year=2024, name="大一班", age_group="large", boys=20, girls=10, age_5=30
    )
    photo = tmp_path / "实验室.png"
    photo.write_bytes(PNG)

    _sign_in(page, live_server, "ca")
    page.goto(f"{live_server.url}/office/tasks/")
    page.click(f"tr[data-task='{tw.task_a.pk}'] a")
    page.fill("#progress-percent", "60")
    page.fill("#progress-stage", "组织实施")
    page.fill("#progress-text", "两所高中完成标准化实验室改造")
    page.set_input_files("#progress-files", str(photo))
    page.click("#progress-form button[type=submit]")
    page.wait_for_load_state()
    assert "进展已报送" in page.inner_text("main")
    assert page.locator(".evidence img").count() == 1  # the photo is shown inline
    tw.task_a.refresh_from_db()
    assert (tw.task_a.state, tw.task_a.percent) == (TaskState.IN_PROGRESS, 60)

    _sign_in(page, live_server, "cityo")
    page.goto(f"{live_server.url}/office/tasks/")
    row = page.locator(f"tr[data-task='{tw.task_a.pk}']")
    assert "60%" in row.inner_text() and "逾期" in row.inner_text()
    row.locator("a").click()
    page.wait_for_load_state()
    assert "两所高中完成标准化实验室改造" in page.inner_text("main")
    src = page.locator(".evidence img").get_attribute("src")
    assert page.request.get(f"{live_server.url}{src}").body() == PNG

    page.goto(f"{live_server.url}/office/supervision/notices/")  # the next monthly notice
    with page.expect_download() as info:
        page.click("button[name=format][value=docx]")
    import docx

    doc = docx.Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "逾期未完成计划任务" in body and "红塔区" in body
    assert "普通高中标准化建设一校一案" in cells and "60%" in cells
