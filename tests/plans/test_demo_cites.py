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
from tests.plans.test_clause_mapping import ADDED_RULES, LIVE_SINCE, NARROWED_RULES

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
    # Rules added since (issue 18) find what the demo plants for them: each cites the clauses the
    # plan file gives it, and the places that list findings may cite those clauses besides.
    added = {check.removeprefix("rule:"): clauses for check, clauses in ADDED_RULES.items()}
    new = [f for f in now["findings"] if f[0] in added]
    assert all(f[1] == ", ".join(added[f[0]]) for f in new), new
    new_clauses = {c for f in new for c in f[1].split(", ")}
    # The demo now also plants county tasks (for TASK-RESPONSIBLE) and overdue major hazards (for
    # SAFETY-HAZARD-OVERDUE), issue 18: the notice and the pages may cite those records' clauses.
    from eduplan.supervision.models import FindingCategory, RectificationOrder
    from eduplan.tasks.models import CountyTask

    hazards = RectificationOrder.objects.filter(finding__category=FindingCategory.MAJOR_HAZARD)
    new_clauses |= {t.clause for t in CountyTask.objects.all()} | {
        c.strip() for o in hazards.select_related("finding") for c in o.finding.clause.split(",")
    }
    new_clauses.discard("")
    # Rules whose claim the plan file narrowed (issue 18) cite their narrower clauses now.
    narrowed = {check.removeprefix("rule:"): ", ".join(c) for check, c in NARROWED_RULES.items()}
    # (the fixture may already list an added rule's findings; they are judged above, not here)
    before_findings = [[r, narrowed.get(r, c)] for r, c in BEFORE["findings"] if r not in added]
    dropped = {c for r, c in BEFORE["findings"] if r in narrowed for c in c.split(", ")} - {
        c for r, c in before_findings for c in c.split(", ")
    }
    # Rules that answered "not checkable" (a no-data finding per county) before and read real data
    # now (issue 18) find what the demo holds, possibly nothing; when they find something, they
    # cite the clauses they always cited.
    live = {check.removeprefix("rule:") for check in LIVE_SINCE}
    assert {tuple(f) for f in now["findings"] if f[0] in live} <= {
        tuple(f) for f in before_findings if f[0] in live
    }
    assert [f for f in now["findings"] if f[0] not in added.keys() | live] == [
        f for f in before_findings if f[0] not in live
    ]  # `eduplan check`
    assert now["indicators"] == BEFORE["indicators"]  # (indicator, clause) of `eduplan indicators`
    for key in ("notice_docx", "notice_xlsx"):
        assert set(BEFORE[key]) - dropped <= set(now[key]) <= set(BEFORE[key]) | new_clauses, key
    assert now["pages"].keys() == BEFORE["pages"].keys()
    for url, (status, clauses) in now["pages"].items():
        before_status, before_clauses = BEFORE["pages"][url]
        assert status == before_status, url
        assert set(before_clauses) - dropped <= set(clauses) <= set(before_clauses) | new_clauses, url
