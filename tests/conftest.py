"""Test configuration shared by every test module.

Database tests carry the ``django_db`` mark: ``make test`` runs the whole suite on SQLite, then the
marked tests again on PostgreSQL.
"""

import os
import shutil

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']} ({os.environ.get('DATABASE_URL', 'default SQLite')})"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test gets an empty in-memory cache: no result leaks between tests or runs."""
    from tests.factories import memory_caches

    settings.CACHES = memory_caches()
    from django.core.cache import cache, caches

    from eduplan.common.cache import forget_local
    from eduplan.plans.assumptions import forget as forget_assumptions

    cache.clear()
    caches["pages"].clear()
    forget_local()
    forget_assumptions()  # confirmations read by an earlier test's (rolled back) transaction


# Browser fixtures live here, once, so every test module shares one Playwright per process.
@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: `make system-deps` installs it")
        pytest.skip("SKIPPED browser tests: /usr/bin/chromium not installed (make system-deps)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # (fixtures) are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(60_000)
    yield p
    context.close()


@pytest.fixture
def task_worker(settings, tmp_path_factory):
    """A running task worker (``eduplan worker``, database backend) on the test database and this
    test's ``MEDIA_ROOT``: list it after the fixtures that set ``MEDIA_ROOT``. Tests using it need
    ``django_db(transaction=True)``: the worker sees only committed rows."""
    from tests.scale.services import Worker, environment

    env = environment(EDUPLAN_MEDIA_ROOT=str(settings.MEDIA_ROOT), EDUPLAN_TASKS_BACKEND="database")
    worker = Worker(env, tmp_path_factory.mktemp("worker")).start()
    yield worker
    worker.stop()
