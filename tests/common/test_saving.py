"""The one save path: the same checks, history, audit entry and data version whichever channel
saves (an officer's page, the API, an import, the demo), in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from eduplan.accounts.actions import create_user_with_role
from eduplan.common.models import RecordEdit
from eduplan.common.saving import save_record
from eduplan.registry import actions
from eduplan.registry.choices import Role
from eduplan.registry.models import SchoolClass, current_version
from eduplan.workforce import actions as workforce
from tests.factories import mini_city
from tests.workforce.helpers import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return mini_city()


def _class(m, **fields):
    return actions.record_class(
        m.kg_a, school_year=2024, name="中一班", age_group="middle", boys=10, girls=10, **fields
    )


def test_a_class_saved_without_the_officers_page_leaves_an_audit_entry(m):
    """An import or an API call (no page) used to leave no RecordEdit for a class."""
    cls = _class(m)
    added = RecordEdit.objects.get(model="SchoolClass", object_id=cls.pk)
    assert added.action == "add" and added.institution == m.kg_a
    actions.update_fields(cls, {"boys": 11}, reason="导入更正 import correction")
    changed = RecordEdit.objects.filter(model="SchoolClass", object_id=cls.pk, action="change").get()
    assert changed.reason == "导入更正 import correction"
    assert ["男 boys", "10", "11"] in changed.changes
    actions.update_fields(cls, {"boys": 11}, reason="nothing")  # no change, no entry
    assert RecordEdit.objects.filter(object_id=cls.pk, action="change").count() == 1


def test_every_domain_save_moves_the_data_version_the_caches_are_keyed_on(m):
    member = staff(m.kg_a, "李老师")
    before = current_version()
    workforce.record_training(
        member,
        level="county",
        course="保育员培训",
        hours=24,
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 3, 5),
    )
    assert current_version() > before  # workforce used to leave the indicators' cache stale


def test_a_refused_save_writes_nothing_and_keeps_the_version(m):
    cls = _class(m)
    before = current_version()
    edits = RecordEdit.objects.count()
    cls.age_group = "g10"  # a high-school grade in a kindergarten class
    with pytest.raises(ValidationError):
        save_record(cls, reason="bad")
    assert current_version() == before and RecordEdit.objects.count() == edits
    assert SchoolClass.objects.get(pk=cls.pk).age_group == "middle"


def test_the_write_scope_is_checked_for_a_user(m):
    create_user_with_role("cb", "pw-123456", Role.COUNTY_OFFICER, division=m.county_b)
    from django.contrib.auth import get_user_model

    other_county = get_user_model().objects.get(username="cb")
    cls = _class(m)
    cls.boys = 12
    with pytest.raises(PermissionDenied):
        save_record(cls, user=other_county, reason="not mine")
    assert SchoolClass.objects.get(pk=cls.pk).boys == 10
