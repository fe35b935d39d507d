"""The permission matrix: every role × every registry model, read and write, through the one
scoping function. A county officer never sees another county's rows."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from eduplan.accounts.actions import create_user_with_role
from eduplan.accounts.scoping import can_change, registry_scopes, scope
from eduplan.registry import actions
from eduplan.registry.choices import Role
from eduplan.registry.models import Institution, StaffMember
from tests.factories import make_kindergarten, mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    m = mini_city()
    kg_a2 = make_kindergarten("K3", "玉兴街道第二幼儿园", m.town_a)
    for kg, n in ((m.kg_a, 1), (m.kg_b, 2), (kg_a2, 3)):
        actions.record_class(kg, school_year=2024, name="小一班", age_group="small", boys=10, girls=n)
        actions.add_staff_member(
            kg,
            identity_number=f"5304021990010100{n}" + _check(f"5304021990010100{n}"),
            name=f"教师{n}",
            sex="F",
            role="teacher",
            employment="establishment",
            start_date=dt.date(2020, 9, 1),
        )
        actions.record_safety_check(kg, checked_on=dt.date(2024, 9, 1), full_time_guard=True)
        actions.file_fee_standard(
            kg, monthly_fee=300, effective_on=dt.date(2024, 9, 1), filed_on=dt.date(2024, 7, 1)
        )
        actions.set_population(
            kg.division, year=2024, age_min=3, age_max=3, sex="M", basis="resident", count=50 + n
        )
    actions.create_pairing(
        kind="kg_support", supporter=m.kg_a, supported=m.kg_b, start_date=dt.date(2023, 1, 1)
    )
    actions.appoint_management_post(
        m.county_a, post="preschool_admin", person_name="赵", start_date=dt.date(2022, 1, 1)
    )
    actions.appoint_management_post(
        m.county_b, post="preschool_admin", person_name="钱", start_date=dt.date(2022, 1, 1)
    )
    users = {
        "city": create_user_with_role("city", "pw-123456", Role.CITY_OFFICER, division=m.city).user,
        "county_a": create_user_with_role("ca", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a).user,
        "supervisor": create_user_with_role("sv", "pw-123456", Role.SUPERVISOR, supervised=[kg_a2]).user,
        "principal": create_user_with_role("pr", "pw-123456", Role.PRINCIPAL, institution=m.kg_a).user,
        "viewer": create_user_with_role("vw", "pw-123456", Role.VIEWER, division=m.city).user,
    }
    return m, kg_a2, users


def _check(first17):
    from eduplan.registry.identity import check_digit

    return check_digit(first17)


def _county_codes(qs, path):
    from django.db.models import F

    prefix = f"{path}__" if path else ""
    return set(qs.annotate(_c=F(f"{prefix}county__code")).values_list("_c", flat=True))


def test_every_registry_model_is_in_the_matrix():
    from django.apps import apps

    models = {
        m.__name__
        for m in apps.get_app_config("registry").get_models()
        if not m.__name__.startswith("Historical") and m.__name__ != "DataVersion"  # an internal counter
    }
    assert models == set(registry_scopes())


@pytest.mark.parametrize("model_name", sorted(registry_scopes()))
def test_read_scope_by_role(world, model_name):
    from django.apps import apps

    m, kg_a2, users = world
    model = apps.get_model("registry", model_name)
    path = registry_scopes()[model_name].county
    everything = model.objects.all()
    # City officers and viewers see the whole city.
    assert scope(users["city"], everything).count() == everything.count()  # all rows lie in this city
    assert scope(users["viewer"], everything).count() == scope(users["city"], everything).count()
    # A county officer sees only their county, never the other one.
    seen = scope(users["county_a"], everything)
    assert _county_codes(seen, path) <= {"530402"}
    assert (
        seen.count() == everything.filter(**{f"{path + '__' if path else ''}county__code": "530402"}).count()
    )
    # Anonymous users see nothing.
    assert scope(AnonymousUser(), everything).count() == 0
    assert scope(None, everything).count() == 0


def test_institution_bound_roles_see_only_their_institutions(world):
    m, kg_a2, users = world
    assert set(scope(users["principal"], Institution.objects.all())) == {m.kg_a}
    assert set(scope(users["supervisor"], Institution.objects.all())) == {kg_a2}
    assert {s.institution_id for s in scope(users["principal"], StaffMember.objects.all())} == {m.kg_a.pk}
    # The principal of the supporting kindergarten sees the pairing, the supported one's too.
    from eduplan.registry.models import Pairing, PopulationCount

    assert scope(users["principal"], Pairing.objects.all()).count() == 1
    # Division-level data: the counties of their institutions only.
    assert _county_codes(scope(users["principal"], PopulationCount.objects.all()), "division") == {"530402"}


def test_write_scope(world):
    m, kg_a2, users = world
    staff_b = StaffMember.objects.get(institution=m.kg_b)
    staff_a = StaffMember.objects.get(institution=m.kg_a)
    assert can_change(users["city"], staff_b)
    assert can_change(users["county_a"], staff_a) and not can_change(users["county_a"], staff_b)
    assert can_change(users["principal"], staff_a) and not can_change(users["principal"], staff_b)
    assert not can_change(users["viewer"], staff_a)
    assert not can_change(users["supervisor"], StaffMember.objects.get(institution=kg_a2))
    # A principal keeps staff current but cannot change the institution's licence or name.
    assert not can_change(users["principal"], m.kg_a)


def test_actions_refuse_writes_outside_scope(world):
    m, kg_a2, users = world
    with pytest.raises(PermissionDenied):
        actions.update_fields(m.kg_b, {"seats": 999}, user=users["county_a"])
    with pytest.raises(PermissionDenied):
        actions.record_class(
            m.kg_b, school_year=2024, name="中一班", age_group="middle", boys=1, user=users["county_a"]
        )
    with pytest.raises(PermissionDenied):
        actions.update_fields(m.kg_a, {"seats": 1}, user=users["viewer"])
    m.kg_b.refresh_from_db()
    assert m.kg_b.seats == 180
    # Inside scope it works, and the history records who.
    actions.update_fields(m.kg_a, {"seats": 200}, user=users["county_a"], reason="扩班")
    assert m.kg_a.history.latest().history_user == users["county_a"]
    cls = actions.record_class(
        m.kg_a, school_year=2024, name="中一班", age_group="middle", boys=1, user=users["principal"]
    )
    assert cls.pk


def test_role_binding_is_validated():
    from django.core.exceptions import ValidationError

    m = mini_city()
    with pytest.raises(ValidationError):
        create_user_with_role("bad", "pw-123456", Role.COUNTY_OFFICER, division=m.city)
    with pytest.raises(ValidationError):
        create_user_with_role("bad2", "pw-123456", Role.PRINCIPAL)
