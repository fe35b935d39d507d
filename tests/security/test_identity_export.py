"""Identity hashes never leave the server (issue 22, problem 3).

With the hash key known (it defaulted to the secret key printed in the source) an ``id_hash``
column was brute-forced back to full identity numbers in 0.3 s: the space of valid numbers is
small. An export now shows the masked number (last four characters) and an opaque row token; a
re-import of the same file uses the token to match the staff, into the same registry or an empty
one."""

from __future__ import annotations

import csv
import io

import pytest

from eduplan.intake.exporter import export
from eduplan.intake.importer import import_file
from eduplan.registry import identity
from eduplan.registry.models import StaffMember
from tests.intake.helpers import full_city, id_number

pytestmark = pytest.mark.django_db


def _brute_force(text: str) -> list[str]:
    """The attack: hash every plausible number (here: the test city's birth date and region)
    and look for the hashes in the exported text."""
    found = []
    for seq in range(1, 1000):
        number = id_number(seq)
        if identity.hash_number(number) in text:
            found.append(number)
    return found


def test_staff_export_carries_no_identity_hash_and_resists_the_brute_force(tmp_path):
    full_city()
    export("staff", "csv", tmp_path / "staff.csv")
    text = (tmp_path / "staff.csv").read_text(encoding="utf-8-sig")
    for member in StaffMember.objects.all():
        assert member.id_hash not in text
        assert "*" * 14 + member.id_last4 in text  # the last four, as before
    assert _brute_force(text) == []


def test_api_records_carry_no_identity_hash(client):
    from eduplan.api.models import ApiToken  # noqa: F401 - the API is installed

    full_city()
    from eduplan.intake.exporter import records
    from eduplan.intake.kinds import KINDS

    rows = records(KINDS["staff"], StaffMember.objects.all(), style="api")
    flat = repr(rows)
    for member in StaffMember.objects.all():
        assert member.id_hash not in flat


def test_reimport_of_the_same_export_matches_every_staff_member(tmp_path):
    full_city()
    export("staff", "csv", tmp_path / "staff.csv")
    before = sorted(StaffMember.objects.values_list("id_hash", "name"))
    result = import_file(tmp_path / "staff.csv", kind="staff")
    assert result.ok, [p.message for p in result.problems]
    assert result.counts["staff"]["unchanged"] == len(before) and result.counts["staff"]["created"] == 0
    assert sorted(StaffMember.objects.values_list("id_hash", "name")) == before
    rows = list(csv.reader(io.StringIO((tmp_path / "staff.csv").read_text(encoding="utf-8-sig"))))
    assert "id_hash" in rows[1]  # the column keeps its key: files and scripts stay as they were
