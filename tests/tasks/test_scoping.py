"""A county officer sees and updates only their county's tasks — on the pages, through the API
and in CLI exports; the city sees every county; principals and supervisors only read."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from eduplan.api.models import create_token
from eduplan.tasks.models import TaskState

from .helpers import task_world

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_board_shows_only_the_county_own_tasks(client):
    tw = task_world()
    page = login(client, tw.w.county_a).get("/office/tasks/").content.decode()
    assert "红塔区" in page and f'data-task="{tw.task_a.pk}"' in page
    assert f'data-task="{tw.task_b.pk}"' not in page
    city = login(client, tw.w.city).get("/office/tasks/").content.decode()
    assert f'data-task="{tw.task_a.pk}"' in city and f'data-task="{tw.task_b.pk}"' in city
    # Each county's heading counts its tasks by state, by the state's name (not its code).
    heading = city[city.index("<h2>红塔区") : city.index("</h2>", city.index("<h2>红塔区"))]
    text = re.sub(r"<[^>]+>", "", heading)
    assert "逾期 Overdue 1" in text and not re.search(r"\b(overdue|not_started|in_progress) \d", text)


def test_other_county_task_page_and_update_are_404(client):
    tw = task_world()
    c = login(client, tw.w.county_a)
    assert c.get(f"/office/tasks/{tw.task_b.pk}/").status_code == 404
    assert c.post(f"/office/tasks/{tw.task_b.pk}/", {"action": "progress", "text": "篡改"}).status_code == 404
    tw.task_b.refresh_from_db()
    assert tw.task_b.state == TaskState.NOT_STARTED and not tw.task_b.updates.exists()


def test_county_officer_updates_own_task_on_the_page(client):
    tw = task_world()
    c = login(client, tw.w.county_a)
    r = c.post(
        f"/office/tasks/{tw.task_a.pk}/",
        {"action": "progress", "text": "方案报备", "percent": "40"},
        follow=True,
    )
    assert "进展已报送" in r.content.decode()
    tw.task_a.refresh_from_db()
    assert (tw.task_a.state, tw.task_a.percent) == (TaskState.IN_PROGRESS, 40)
    # an illegal step is a message, not a traceback
    c.post(f"/office/tasks/{tw.task_a.pk}/", {"action": "complete"})
    r = c.post(f"/office/tasks/{tw.task_a.pk}/", {"action": "start"}, follow=True)
    assert "不能启动" in r.content.decode() and "cannot start" in r.content.decode()


def test_readers_get_no_update_form(client):
    tw = task_world()
    page = login(client, tw.w.principal).get(f"/office/tasks/{tw.task_a.pk}/").content.decode()
    assert 'id="progress-form"' not in page
    r = login(client, tw.w.principal).post(
        f"/office/tasks/{tw.task_a.pk}/", {"action": "progress", "text": "x"}, follow=True
    )
    assert "进展由本县教育体育局报送" in r.content.decode()
    assert not tw.task_a.updates.exists()


def test_api_is_scoped(client):
    tw = task_world()
    token = {"HTTP_AUTHORIZATION": f"Bearer {create_token(tw.w.county_a)[1]}"}
    items = client.get("/api/tasks", **token).json()["items"]
    assert [i["id"] for i in items] == [tw.task_a.pk]
    assert client.get(f"/api/tasks/{tw.task_b.pk}", **token).status_code == 404
    r = client.post(
        f"/api/tasks/{tw.task_b.pk}/progress",
        data=json.dumps({"text": "x"}),
        content_type="application/json",
        **token,
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/tasks/{tw.task_a.pk}/progress",
        data=json.dumps({"text": "完成实验室改造", "percent": 70}),
        content_type="application/json",
        **token,
    )
    assert (
        r.status_code == 200
        and r.json()["percent"] == 70
        and r.json()["updates"][0]["text"] == "完成实验室改造"
    )
    r = client.post(
        f"/api/tasks/{tw.task_a.pk}/progress",
        data=json.dumps({"text": "完成", "percent": 100, "complete": True}),
        content_type="application/json",
        **token,
    )
    assert r.json()["state"] == "done"
    r = client.post(
        f"/api/tasks/{tw.task_a.pk}/progress",
        data=json.dumps({"text": "again"}),
        content_type="application/json",
        **token,
    )
    assert r.status_code == 409 and "cannot" in r.json()["detail"]
    city = {"HTTP_AUTHORIZATION": f"Bearer {create_token(tw.w.city)[1]}"}
    assert client.get("/api/tasks", **city).json()["count"] == 2
    r = client.post(
        f"/api/tasks/{tw.task_b.pk}/progress",
        data=json.dumps({"text": "x"}),
        content_type="application/json",
        **city,
    )
    assert r.status_code == 403


def test_cli_export_and_update_are_scoped(tmp_path):
    tw = task_world()
    out = tmp_path / "tasks.csv"
    call_command("tasks", "list", "--user", "ca", "--format", "csv", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["county"] for r in rows] == ["530402"]
    call_command("tasks", "list", "--format", "csv", "--out", str(out))
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))) == 2
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        call_command(
            "tasks", "update", "hs-one-plan-per-school", "--county", "530403", "--text", "x", "--user", "ca"
        )
    evidence = tmp_path / "照片.png"
    evidence.write_bytes(b"\x89PNG fake")
    stdout = io.StringIO()
    call_command(
        "tasks",
        "update",
        "hs-one-plan-per-school",
        "--county",
        "530402",
        "--percent",
        "55",
        "--stage",
        "实施",
        "--text",
        "两校完成",
        "--evidence",
        str(evidence),
        "--user",
        "ca",
        stdout=stdout,
    )
    assert "55%" in stdout.getvalue()
    assert tw.task_a.updates.get().evidence.get().name == "照片.png"


def test_cli_list_filters(tmp_path):
    task_world()
    out = io.StringIO()
    call_command(
        "tasks",
        "list",
        "--county",
        "530403",
        "--department",
        "住房城乡建设局",
        "--format",
        "json",
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    assert [r["county"] for r in rows] == ["530403"]
    out = io.StringIO()
    call_command("tasks", "list", "--status", "done", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_evidence_is_served_only_within_scope(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eduplan.tasks import actions

    settings.MEDIA_ROOT = tmp_path
    tw = task_world()
    update = actions.record_progress(
        tw.task_a, text="x", files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")], user=tw.w.county_a
    )
    pk = update.evidence.get().pk
    assert login(client, tw.w.county_b).get(f"/office/tasks/evidence/{pk}/").status_code == 404
    r = login(client, tw.w.city).get(f"/office/tasks/evidence/{pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4"
