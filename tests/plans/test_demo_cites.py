"""On the demo, ``eduplan check``, ``eduplan indicators``, the notice and the pages cite exactly the
clauses they cited before the plan file carried the mapping (``data/yuxi_demo_before.json`` was made
by :mod:`tests.plans.cites` on the code before issue 17, on the same tiny demo)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import override_settings

from tests.plans.cites import cites

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
generator = pytest.importorskip("eduplan.demo.generator")
BEFORE = json.loads((Path(__file__).parent / "data" / "yuxi_demo_before.json").read_text(encoding="utf-8"))


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_cites_the_same_clauses_as_before():
    from eduplan.accounts.actions import create_user_with_role
    from eduplan.demo.supervision import populate
    from eduplan.registry.choices import Role
    from eduplan.supervision.notices import default_city

    generator.generate("tiny", 1, users=False)
    populate(1)
    user = create_user_with_role("cites-city", "pw-123456", Role.CITY_OFFICER, division=default_city()).user
    now = cites(user, dt.date(2025, 5, 1), dt.date(2025, 6, 30))
    assert now["findings"] == BEFORE["findings"]  # (rule, clause) of every finding of `eduplan check`
    assert now["indicators"] == BEFORE["indicators"]  # (indicator, clause) of `eduplan indicators`
    assert now["notice_docx"] == BEFORE["notice_docx"]
    assert now["notice_xlsx"] == BEFORE["notice_xlsx"]
    assert now["pages"] == BEFORE["pages"]
