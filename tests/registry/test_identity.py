"""Identity numbers: GB 11643 checksum, and never stored in clear."""

import datetime as dt

import pytest
from django.db import connection

from eduplan.registry import actions, identity
from eduplan.registry.models import StaffMember
from tests.factories import mini_city

# A published specimen number (GB 11643 example): 11010519491231002X.
VALID = "11010519491231002X"


def test_checksum_accepts_valid_and_rejects_altered_numbers():
    assert identity.validate(VALID.lower()) == VALID
    with pytest.raises(identity.IdentityNumberError, match="校验位"):
        identity.validate("110105194912310021")
    with pytest.raises(identity.IdentityNumberError, match="出生日期"):
        identity.validate(identity.check_digit("11010519491331002") and "110105194913310020")
    with pytest.raises(identity.IdentityNumberError, match="18"):
        identity.validate("1234")


def test_generated_numbers_are_valid_and_masked():
    n = identity.make_number("530402", dt.date(1990, 5, 17), 123)
    assert identity.validate(n) == n
    assert identity.mask(n) == "*" * 14 + n[-4:]


def test_hash_is_keyed(settings):
    a = identity.hash_number(VALID)
    settings.ID_HASH_KEY = "another-key"
    assert identity.hash_number(VALID) != a
    assert len(a) == 64


@pytest.mark.django_db
def test_no_clear_identity_number_anywhere_in_the_database():
    m = mini_city()
    member = actions.add_staff_member(
        m.kg_a,
        identity_number=VALID,
        name="李四",
        sex="F",
        role="teacher",
        employment="establishment",
        start_date=dt.date(2020, 9, 1),
    )
    actions.update_fields(member, {"training_hours": 40}, reason="培训")
    assert member.masked_id.endswith("002X")
    assert StaffMember.objects.get().id_hash == identity.hash_number(VALID)
    # Scan every text column of every table, history tables included.
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            for col in connection.introspection.get_table_description(cur, table):
                cur.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{col.name}" AS TEXT) LIKE %s', ["%19491231%"]
                )
                assert cur.fetchone()[0] == 0, f"clear identity number in {table}.{col.name}"


@pytest.mark.django_db
def test_invalid_identity_number_is_refused_and_nothing_written():
    m = mini_city()
    with pytest.raises(identity.IdentityNumberError):
        actions.add_staff_member(
            m.kg_a,
            identity_number="110105194912310021",
            name="王五",
            sex="M",
            role="cook",
            employment="purchased",
            start_date=dt.date(2020, 9, 1),
        )
    assert StaffMember.objects.count() == 0
