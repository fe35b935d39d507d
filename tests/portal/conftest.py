"""Portal tests run with the portal mounted at ``/`` (tests.portal.urls) and the challenge's
minimum fill time at zero (a test fills the form faster than a person; one test checks the rule)
and the proof of work after a first complaint at 4 bits (tests/security checks it at full strength)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eduplan.plans import standards


@pytest.fixture(autouse=True)
def _portal_urls(settings):
    settings.ROOT_URLCONF = "tests.portal.urls"


@pytest.fixture
def portal_settings(monkeypatch) -> Callable[..., None]:
    """Override ``[portal]`` settings for one test: ``portal_settings(track_rate_limit=2)``."""
    overrides: dict[str, Any] = {}
    original = standards.value

    def value(section: str, key: str) -> Any:
        if section == "portal" and key in overrides:
            return overrides[key]
        return original(section, key)

    monkeypatch.setattr(standards, "value", value)

    def set_(**kw: Any) -> None:
        overrides.update(kw)

    return set_


@pytest.fixture(autouse=True)
def _instant_challenge(portal_settings):
    # proof of work kept on, but cheap: tests file several complaints from one address
    portal_settings(challenge_min_seconds=0, challenge_work_bits=4)
