"""Indicator records for pages, computed once per registry data version and shared by every
worker through the cache, then cut to what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from eduplan.accounts import permissions
from eduplan.accounts.scoping import profile_of
from eduplan.registry.models import Institution, current_version

#: This process's copy of each cached value, with the data version it belongs to: reading the
#: shared cache means unpickling thousands of records, which would dominate a page's time.
_LOCAL: dict[str, tuple[int, Any]] = {}


def forget_local() -> None:
    """Drop this process's copies (after the shared cache is cleared, e.g. between tests)."""
    _LOCAL.clear()


def cached(name: str, build: Callable[[], Any], version: int | None = None) -> Any:
    """``build()`` once per data version (shared by every worker through the cache, kept in this
    process too): any registry write makes the entry stale."""
    version = current_version() if version is None else version
    local = _LOCAL.get(name)
    if local is not None and local[0] == version:
        return local[1]
    key = f"eduplan:{name}:v{version}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    if len(_LOCAL) > 256:
        _LOCAL.clear()
    _LOCAL[name] = (version, value)
    return value


def all_indicator_records() -> list[dict[str, Any]]:
    from eduplan.metrics.indicators import compute_indicators

    return cached("indicators", compute_indicators)


def visible_county_codes(user: Any) -> set[str] | None:
    """County codes whose figures the user may see; ``None`` means every county of their city.

    City-level figures (aggregates) are visible to every signed-in role as a reference."""
    if getattr(user, "is_superuser", False):
        return None
    profile = profile_of(user)
    if profile is None:
        return set()
    if permissions.sees_whole_city(user):
        return None
    if (county := permissions.bound_county(user)) is not None:
        return {county.code}
    if (ids := permissions.bound_institutions(user)) is not None:
        return set(Institution.objects.filter(pk__in=ids).values_list("county__code", flat=True))
    return set()


def indicator_records_for(user: Any) -> list[dict[str, Any]]:
    counties = visible_county_codes(user)
    records = all_indicator_records()
    if counties is None:
        return records
    return [r for r in records if r["level"] != "county" or r["division"] in counties]


def all_findings() -> list[dict[str, Any]]:
    """Every current finding of the rules catalogue, as dicts, once per data version."""
    from eduplan.rules.catalogue import run_rules

    return cached("findings", lambda: [f.as_dict() for f in run_rules()])


def findings_for(user: Any) -> list[dict[str, Any]]:
    """Findings on institutions the user sees, and on counties whose figures they see."""
    findings = all_findings()
    counties = visible_county_codes(user)
    if counties is None:
        return findings
    from eduplan.accounts.scoping import scope

    codes = set(scope(user, Institution.objects.all()).values_list("code", flat=True))
    county_level_ok = permissions.sees_county_findings(user)
    return [
        f
        for f in findings
        if (f["entity_type"] == "institution" and f["entity_code"] in codes)
        or (f["entity_type"] == "county" and county_level_ok and f["entity_code"] in counties)
    ]
