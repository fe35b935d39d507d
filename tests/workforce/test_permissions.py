"""Ethics records (HS-2.4) are seen only by the county officer of the teacher's county, the city
officer and the principal of the teacher's own school — every role × read/write × page/API/export.
The other registers follow the ordinary area scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from eduplan.workforce import actions, registers
from eduplan.workforce.models import EthicsAssessment, NegativeListEntry, TrainingRecord

from .helpers import PASSWORD, ROLES, world

pytestmark = pytest.mark.django_db

#: role → (reads ethics of World.teacher, writes the assessment, writes a negative-list entry)
ETHICS = {
    "city": (True, True, True),
    "county_own": (True, True, True),
    "county_other": (False, False, False),
    "principal_own": (True, True, False),  # the school keeps the record and assesses; bureaus decide
    "principal_same_county": (False, False, False),
    "principal_other_county": (False, False, False),
    "supervisor_own": (False, False, False),
    "viewer_city": (False, False, False),
    "viewer_county": (False, False, False),
    "superuser": (True, True, True),
}
#: roles for which the ethics pages, API and exports exist at all (others: 403)
ETHICS_ROLE_ACCESS = {
    "city",
    "county_own",
    "county_other",
    "principal_own",
    "principal_same_county",
    "principal_other_county",
    "superuser",
}


@pytest.fixture
def w():
    w = world()
    actions.record_ethics_assessment(w.teacher, 2024, "qualified")
    actions.record_negative_entry(
        w.teacher,
        category="gifts",
        occurred_on=dt.date(2024, 5, 1),
        decided_on=dt.date(2024, 6, 1),
        consequence="no_promotion",
        ban_years=1,
        description="收受家长礼金",
    )
    return w


def client_for(user) -> Client:
    c = Client()
    c.login(username=user.get_username(), password=PASSWORD)
    return c


def test_the_matrix_covers_every_role():
    assert set(ETHICS) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_ethics_read_through_the_scoping_function(w, role):
    from eduplan.accounts.scoping import scope

    user = w.users[role]
    sees, _, _ = ETHICS[role]
    assert scope(user, EthicsAssessment.objects.all()).exists() is sees
    assert scope(user, NegativeListEntry.objects.all()).exists() is sees


@pytest.mark.parametrize("role", ROLES)
def test_ethics_writes(w, role):
    user = w.users[role]
    _, assess, negative = ETHICS[role]

    def attempt(fn):
        try:
            fn()
            return True
        except PermissionDenied:
            return False

    assert (
        attempt(lambda: actions.record_ethics_assessment(w.teacher, 2025, "excellent", user=user)) is assess
    )
    assert (
        attempt(
            lambda: actions.record_negative_entry(
                w.teacher,
                category="paid_tutoring",
                occurred_on=dt.date(2025, 1, 2),
                decided_on=dt.date(2025, 1, 20),
                consequence="warning",
                user=user,
            )
        )
        is negative
    )


@pytest.mark.parametrize("role", ROLES)
def test_ethics_page_api_and_export(w, role):
    user = w.users[role]
    sees = ETHICS[role][0]
    allowed = role in ETHICS_ROLE_ACCESS
    c = client_for(user)
    for key in ("ethics", "negative"):
        page = c.get(f"/office/workforce/{key}/")
        assert page.status_code == (200 if allowed else 403), (role, key)
        assert ("王老师" in page.content.decode()) is sees, (role, key)
        api = c.get(f"/api/workforce/{key}")
        assert api.status_code == (200 if allowed else 403), (role, key)
        if allowed:
            assert (api.json()["count"] > 0) is sees
        xlsx = c.get(f"/office/workforce/{key}/?format=xlsx")
        assert xlsx.status_code == (200 if allowed else 403)
    if allowed:
        _, rows = registers.export_rows("negative", user)
        assert bool(rows) is sees
    else:
        with pytest.raises(PermissionDenied):
            registers.export_rows("negative", user)
    # the overview never links the ethics registers for roles without access
    overview = c.get("/office/workforce/").content.decode()
    assert ("/office/workforce/negative/" in overview) is allowed


def test_ethics_never_reaches_the_public_or_anonymous_callers(w):
    anon = Client()
    assert anon.get("/office/workforce/negative/").status_code in (302, 403)
    assert anon.get("/api/workforce/negative").status_code in (401, 403)
    assert "收受家长礼金" not in anon.get("/").content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_training_follows_the_area_scope(w, role):
    actions.record_training(
        w.teacher,
        level="county",
        course="县级轮训",
        hours=36,
        start_date=dt.date(2024, 7, 1),
        end_date=dt.date(2024, 7, 5),
    )
    from eduplan.accounts.scoping import scope

    expected = role in {
        "city",
        "county_own",
        "principal_own",
        "supervisor_own",
        "viewer_city",
        "viewer_county",
        "superuser",
    }
    assert scope(w.users[role], TrainingRecord.objects.all()).exists() is expected
    body = client_for(w.users[role]).get("/office/workforce/training/").content.decode()
    assert ("县级轮训" in body) is expected
