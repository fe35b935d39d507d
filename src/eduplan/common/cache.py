"""Derived results (indicators, findings, dashboards, to-do lists) computed once per data version
and shared by every worker through Django's cache, kept in this process too.

A key carries the version of ``registry.DataVersion``; the one save path
(:mod:`eduplan.common.saving`) and every write to the sources the measures and rules read move it,
so any such write makes the entry stale.

With several application servers (``EDUPLAN_CACHE_URL``: Redis) the shared cache is theirs in
common, and each process's own copy stays right because it is checked twice on every use: the
version is read from the database (another server's write moves it), and the id of the shared
entry's build is read from the shared cache (a cleared cache, a regenerated demo or a database
restored from a backup — where a version number comes round again with other data — drop it).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from eduplan.registry.models.version import current_version

T = TypeVar("T")

#: This process's copy of each cached value, with the data version and the id of the shared build
#: it belongs to: reading the shared cache means unpickling thousands of records, which would
#: dominate a page's time; reading the id is one small key.
_LOCAL: dict[str, tuple[int, str, object]] = {}


def forget_local() -> None:
    """Drop this process's copies (after the shared cache is cleared, e.g. between tests)."""
    _LOCAL.clear()


def cached(name: str, build: Callable[[], T], version: int | None = None) -> T:
    """``build()`` once per data version (shared by every worker through the cache, kept in this
    process too): any write to what it reads makes the entry stale."""
    version = current_version() if version is None else version
    key = f"eduplan:{name}:v{version}"
    build_id = cache.get(f"{key}:id")
    local = _LOCAL.get(name)
    if local is not None and build_id is not None and local[0] == version and local[1] == build_id:
        return local[2]  # type: ignore[return-value]
    value = cache.get(key) if build_id is not None else None
    if value is None:
        value = build()
        build_id = secrets.token_hex(8)
        cache.set(key, value)
        cache.set(f"{key}:id", build_id)
    if len(_LOCAL) > 256:
        _LOCAL.clear()
    _LOCAL[name] = (version, build_id, value)
    return value
