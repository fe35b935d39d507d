"""The task queue on Redis (``EDUPLAN_TASKS_BACKEND=rq``): the page queues an admissions run, a
real RQ worker (``eduplan worker``) on another process runs it, the page shows it done with the
command's result. Skipped with a message without Redis, except in CI."""

from __future__ import annotations

import pytest

from eduplan.planning.models import AdmissionsRun
from tests.planning import test_admissions_page as page_tests
from tests.planning.test_admissions_page import PASSWORD, URL, uploads, wait_until_finished

from .services import Worker, environment, redis_url, require_redis

pytestmark = [pytest.mark.urls("tests.planning.urls"), pytest.mark.django_db(transaction=True)]

city = page_tests.city
media = page_tests.media
province = page_tests.province

#: The tests' own Redis database (not the cache's), emptied afterwards.
RQ_DB = 14


@pytest.fixture
def rq_settings(settings):
    """This process queues on Redis (the worker's settings come from its environment)."""
    require_redis()
    import redis

    url = redis_url(RQ_DB)
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield url
    redis.Redis.from_url(url).flushdb()


def test_an_admissions_run_goes_through_redis_to_an_rq_worker(
    client, city, province, media, rq_settings, tmp_path
):
    env = environment(EDUPLAN_MEDIA_ROOT=str(media), EDUPLAN_TASKS_BACKEND="rq", EDUPLAN_RQ_URL=rq_settings)
    worker = Worker(env, tmp_path).start()
    try:
        client.login(username="cityo", password=PASSWORD)
        assert client.post(URL, uploads(province)).status_code == 302
        run = AdmissionsRun.objects.get()
        status = wait_until_finished(client, run.pk)
        assert status["status"] == "done", (status, worker.log())
        result = client.get(f"{URL}{run.pk}/download/result/")
        assert b"".join(result.streaming_content) == province["cli_result"].read_bytes()
        run.refresh_from_db()
        assert run.pid is not None and run.pid != worker.proc.pid  # RQ ran it in a forked work-horse
    finally:
        worker.stop()
