"""Keeping ``registry.DataVersion`` honest for writes outside the save path (the admin, bulk
imports saving row by row, workflow event logs), so no cache keyed on it serves a stale figure.

Two counters: the *registry* counter keys the indicators, findings and dashboards, so it moves on a
write to any source the measures and rules read (:data:`MEASURED_APPS`: the registry (with its
attribute rows), workforce, programmes and certifications, the duty registers, supervision with its incidents, tasks,
and the statistical returns the measures fall back on); the *work* counter keys the
to-do lists and moves on a write to any app whose rows feed them (:data:`WORK_APPS`). Both move
inside the writer's transaction. The save path (:mod:`.saving`) bumps the registry counter itself;
the signal does not bump it a second time for the same save.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from eduplan.registry.models.version import REGISTRY, WORK, bump_version

from .saving import in_save_path

#: Apps whose rows the measures (metrics), the rules and the dashboards read.
MEASURED_APPS = frozenset(
    {"registry", "workforce", "programmes", "duties", "supervision", "tasks", "returns"}
)
#: Apps whose rows feed to-do lists.
WORK_APPS = frozenset({"supervision", "portal", "complaints", "tasks", "programmes", "workforce", "accounts"})


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    label = sender._meta.app_label
    if label in WORK_APPS:
        bump_version(WORK)
    if label in MEASURED_APPS and sender.__name__ != "DataVersion" and not in_save_path():
        bump_version(REGISTRY)


def connect() -> None:
    """Called once from ``CommonConfig.ready``."""
    post_save.connect(_changed, dispatch_uid="eduplan-data-version-save")
    post_delete.connect(_changed, dispatch_uid="eduplan-data-version-delete")
