"""The admissions run as a task of Django's task framework (the ``django-tasks`` backport).

The backend is configuration (``EDUPLAN_TASKS_BACKEND``, docs/running.md): the database by default
(``eduplan worker`` picks the task up; no broker), RQ on Redis for workers on other machines. The
task carries only the run's id: the row holds the files' place, the progress and the outcome, so
whichever worker runs it, the page reads the same record.
"""

from __future__ import annotations

from django_tasks import task

from ..models import AdmissionsRun, AdmissionsRunStatus


@task()
def run_admissions(run_id: int) -> str:
    """Run one queued admission (see :func:`.jobs.execute_run`); a run cancelled before a worker
    took it is left as it is. Returns the run's final status."""
    from .jobs import execute_run

    if not AdmissionsRun.objects.filter(pk=run_id, status=AdmissionsRunStatus.QUEUED).exists():
        return "not queued"
    return str(execute_run(run_id).status)
