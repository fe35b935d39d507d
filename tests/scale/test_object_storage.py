"""Evidence files in an S3-compatible object store (``EDUPLAN_STORAGE_URL``), tested against a
local one: moto's server mode on a loopback port. The file is in the bucket, not on local disk,
and downloads stay permission-checked."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eduplan.settings import _storage_from_url
from tests.tasks.helpers import task_world

from .services import free_port, stop

pytestmark = pytest.mark.django_db

BUCKET = "eduplan-evidence"


@pytest.fixture
def s3(monkeypatch, tmp_path):
    moto = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if moto is None:
        if __import__("os").environ.get("CI") == "true":
            pytest.fail("moto_server is missing: pip install 'moto[server]' (the dev extra)")
        pytest.skip("SKIPPED: moto_server not installed (pip install 'moto[server]')")
    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    proc = subprocess.Popen(
        [moto, "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2).read()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "moto.log").read_text()
            time.sleep(0.3)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    stop(proc)


def test_evidence_goes_to_the_object_store_and_downloads_stay_scoped(client, settings, tmp_path, s3):
    endpoint, s3_client = s3
    settings.MEDIA_ROOT = tmp_path / "local-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": _storage_from_url(f"s3://{BUCKET}/media?endpoint_url={endpoint}&region_name=us-east-1"),
    }
    from eduplan.tasks import actions

    tw = task_world()
    update = actions.record_progress(
        tw.task_a,
        text="x",
        files=[SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 evidence")],
        user=tw.w.county_a,
    )
    item = update.evidence.get()
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [f"media/{item.file.name}"]
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing on this server's disk

    client.force_login(tw.w.county_b)
    assert client.get(f"/office/tasks/evidence/{item.pk}/").status_code == 404  # another county
    client.force_login(tw.w.city)
    response = client.get(f"/office/tasks/evidence/{item.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"


def test_a_bad_storage_url_names_the_setting():
    with pytest.raises(ValueError, match="EDUPLAN_STORAGE_URL"):
        _storage_from_url("ftp://somewhere/x")
