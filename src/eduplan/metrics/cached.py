"""Indicator records for pages, computed once per data version and shared by every worker through
the cache (:func:`eduplan.common.cache.cached`), then cut to the counties the user may see."""

from __future__ import annotations

from eduplan.accounts.scoping import User, visible_county_codes
from eduplan.common.cache import cached

from .records import IndicatorRecord


def all_indicator_records() -> list[IndicatorRecord]:
    """Every indicator record of the plan in force (all counties and the city)."""
    from eduplan.metrics.indicators import compute_indicators  # Ibis: loaded when first computed

    return cached("indicators", compute_indicators)


def indicator_records_for(user: User) -> list[IndicatorRecord]:
    """City aggregates, and the county records of the counties the user sees."""
    counties = visible_county_codes(user)
    records = all_indicator_records()
    if counties is None:
        return records
    return [r for r in records if r["level"] != "county" or r["division"] in counties]
