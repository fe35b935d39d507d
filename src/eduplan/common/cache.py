"""Derived results (indicators, findings, dashboards, to-do lists) computed once per data version
and shared by every worker through Django's cache, kept in this process too.

A key carries the version of ``registry.DataVersion``; the one save path
(:mod:`eduplan.common.saving`) and every write to the sources the measures and rules read move it,
so any such write makes the entry stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from eduplan.registry.models.version import current_version

T = TypeVar("T")

#: This process's copy of each cached value, with the data version it belongs to: reading the
#: shared cache means unpickling thousands of records, which would dominate a page's time.
_LOCAL: dict[str, tuple[int, object]] = {}


def forget_local() -> None:
    """Drop this process's copies (after the shared cache is cleared, e.g. between tests)."""
    _LOCAL.clear()


def cached(name: str, build: Callable[[], T], version: int | None = None) -> T:
    """``build()`` once per data version (shared by every worker through the cache, kept in this
    process too): any write to what it reads makes the entry stale."""
    version = current_version() if version is None else version
    local = _LOCAL.get(name)
    if local is not None and local[0] == version:
        return local[1]  # type: ignore[return-value]
    key = f"eduplan:{name}:v{version}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    if len(_LOCAL) > 256:
        _LOCAL.clear()
    _LOCAL[name] = (version, value)
    return value
