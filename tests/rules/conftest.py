"""Fixtures of the rule tests: a clean hand-built city every rule passes on."""

from __future__ import annotations

import pytest

from .builders import City, clean_city


@pytest.fixture
def city(db) -> City:
    return clean_city()
