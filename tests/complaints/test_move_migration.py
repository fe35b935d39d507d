"""Complaints moved from the portal app into their own app: a database holding complaint rows
before the move holds the same rows, readable through the new app, after it (the migrations change
Django's state only; the tables keep their names)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from eduplan.complaints.models import Complaint, ComplaintContact, ComplaintEvent

BEFORE = [("portal", "0001_initial")]


def _migrate(targets: list[tuple[str, str | None]]):  # type: ignore[no-untyped-def]
    """Migrate to ``targets``; the models as the applied migrations describe them."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_complaint_rows_survive_the_move_to_their_own_app():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([("complaints", None), *BEFORE])
    assert ("portal", "complaint") in {(m._meta.app_label, m._meta.model_name) for m in old.get_models()}
    Division = old.get_model("registry", "Division")
    Institution = old.get_model("registry", "Institution")
    OldComplaint = old.get_model("portal", "Complaint")
    county = Division.objects.create(
        code="530402", name="红塔区", level="county", valid_from=dt.date(2000, 1, 1)
    )
    kg = Institution.objects.create(
        code="K1",
        name="春和幼儿园",
        kind="kindergarten",
        division=county,
        county=county,
        ownership="public",
        sponsor="education",
    )
    now = timezone.now()
    made = OldComplaint.objects.create(
        tracking_code="ABCD2345EFGH",
        kindergarten=kg,
        category="fees",
        description="多收费",
        received_at=now,
        received_on=now.date(),
        deadline=now.date() + dt.timedelta(days=15),
    )
    old.get_model("portal", "ComplaintContact").objects.create(complaint=made, contact="13800000000")
    old.get_model("portal", "ComplaintEvent").objects.create(complaint=made, action="received", at=now)

    _migrate(leaves)

    moved = Complaint.objects.get()
    assert (moved.pk, moved.tracking_code, moved.description) == (made.pk, "ABCD2345EFGH", "多收费")
    assert moved.kindergarten.code == "K1"
    assert ComplaintContact.objects.get().contact == "13800000000"
    assert [e.action for e in ComplaintEvent.objects.filter(complaint=moved)] == ["received"]
    assert Complaint._meta.app_label == "complaints" and Complaint._meta.db_table == "portal_complaint"
