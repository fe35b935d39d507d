"""A task that does nothing: queued to check that a worker answers and how soon (bench/scale.py;
a deployment's health check can queue it and wait for its result)."""

from __future__ import annotations

from django_tasks import task


@task()
def probe() -> str:
    return "ok"
