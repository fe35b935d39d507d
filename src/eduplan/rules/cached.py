"""The rules catalogue's findings for pages, computed once per data version and shared by every
worker through the cache (:func:`eduplan.common.cache.cached`), then cut to what the user sees."""

from __future__ import annotations

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope, visible_county_codes
from eduplan.common.cache import cached
from eduplan.registry.models import Institution

from .catalogue import run_rules
from .findings import FindingRecord


def all_findings() -> list[FindingRecord]:
    """Every current finding of the rules catalogue, as dicts, once per data version."""
    return cached("findings", lambda: [f.as_dict() for f in run_rules()])


def findings_for(user: User) -> list[FindingRecord]:
    """Findings on institutions the user sees, and on counties whose figures they see."""
    findings = all_findings()
    counties = visible_county_codes(user)
    if counties is None:
        return findings
    codes = set(scope(user, Institution.objects.all()).values_list("code", flat=True))
    county_level_ok = permissions.sees_county_findings(user)
    return [
        f
        for f in findings
        if (f["entity_type"] == "institution" and f["entity_code"] in codes)
        or (f["entity_type"] == "county" and county_level_ok and f["entity_code"] in counties)
    ]
