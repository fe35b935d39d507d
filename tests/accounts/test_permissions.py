"""The permission matrix of capabilities: every capability × every role (and the superuser, an
anonymous visitor, an inactive user), written out here independently of the table in
``accounts.permissions`` so that a change of who may do what is a visible change of this test."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from eduplan.accounts import permissions
from eduplan.accounts.actions import create_user_with_role
from eduplan.programmes.models import CountyCertification
from eduplan.registry.choices import Role
from eduplan.registry.models import ManagementAppointment, StaffMember
from eduplan.workforce.models import EthicsAssessment
from tests.factories import mini_city

pytestmark = pytest.mark.django_db

C, K, S, P, V = "city", "county", "supervisor", "principal", "viewer"
EVERY = {C, K, S, P, V, "superuser"}

#: capability → who has it ("superuser": an active superuser)
EXPECTED: dict[str, set[str]] = {
    "may_plan": {C, K, "superuser"},
    "may_run_admissions": {C, "superuser"},
    "may_see_ethics": {C, K, P, "superuser"},
    "may_adopt_targets": {C, K, "superuser"},
    "may_assign_tasks": {C, "superuser"},
    "may_work_tasks": {C, K, "superuser"},
    "may_do_county_tasks": {K, "superuser"},
    "may_import": {C, K, P, "superuser"},
    "may_edit_registry": {C, K, P, "superuser"},
    "may_submit_reports": {K, "superuser"},
    "may_approve_reports": {C, "superuser"},
    "may_set_deadlines": {C},  # a deadline is a bound city's: not for a superuser
    "may_issue_notices": {C, "superuser"},
    "may_inspect": {C, K, S, "superuser"},
    "may_verify_rectification": {C, K, S, "superuser"},
    "may_report_rectification": {K, P, "superuser"},
    "may_manage_orders": {C, K, "superuser"},
    "may_escalate": {C, "superuser"},
    "may_record_annual": {C, K, "superuser"},
    "may_report_incidents": {C, K, "superuser"},
    "may_withdraw_incidents": {C, "superuser"},
    "may_handle_complaints": {C, K, "superuser"},
    "may_certify_counties": {C, "superuser"},
    "may_confirm_assumptions": {C, "superuser"},
    "may_see_township_sums": {C, K, V, "superuser"},
}

DUTIES: dict[str, set[str]] = {
    "county_followup": {K},
    "city_followup": {C, "superuser"},
    "verification": {S},
    "institution_orders": {P},
}


@pytest.fixture
def people():
    m = mini_city()
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "pw-123456")
    inactive = create_user_with_role("off", "pw-123456", Role.CITY_OFFICER, division=m.city).user
    inactive.is_active = False
    inactive.save()
    users = {
        C: create_user_with_role("c", "pw-123456", Role.CITY_OFFICER, division=m.city).user,
        K: create_user_with_role("k", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a).user,
        S: create_user_with_role("s", "pw-123456", Role.SUPERVISOR, supervised=[m.kg_a]).user,
        P: create_user_with_role("p", "pw-123456", Role.PRINCIPAL, institution=m.kg_a).user,
        V: create_user_with_role("v", "pw-123456", Role.VIEWER, division=m.city).user,
        "superuser": admin,
    }
    return m, users, inactive


def test_the_matrix_covers_every_capability_and_duty():
    assert set(EXPECTED) == set(permissions.CAPABILITIES)
    assert set(DUTIES) == set(permissions.DUTIES)


def test_every_capability_by_role(people):
    for capability in sorted(EXPECTED):
        _check_capability(people, capability)


def _check_capability(people, capability):
    _, users, inactive = people
    granted = {who for who, user in users.items() if permissions.has(user, capability)}
    assert granted == EXPECTED[capability], capability
    # The named function says the same as the table, and nobody unknown has any capability.
    function = getattr(permissions, capability)
    assert {who for who, user in users.items() if function(user)} == EXPECTED[capability]
    assert not function(AnonymousUser()) and not function(None) and not function(inactive)
    # Templates see the same through the context processor.
    for who, user in users.items():
        assert permissions.capabilities(user)[capability] is (who in EXPECTED[capability])


def test_every_duty_by_role(people):
    _, users, inactive = people
    for duty in sorted(DUTIES):
        assert {who for who, u in users.items() if permissions.has_duty(u, duty)} == DUTIES[duty], duty
        assert not permissions.has_duty(inactive, duty) and not permissions.has_duty(AnonymousUser(), duty)


def test_planning_for_a_division_follows_the_scope(people):
    m, users, _ = people
    assert permissions.may_plan(users[K], m.county_a) and not permissions.may_plan(users[K], m.county_b)
    assert permissions.may_plan(users[C], m.county_b) and not permissions.may_plan(users[V], m.county_a)
    assert permissions.plans_for_one_county(users[K]) and not permissions.plans_for_one_county(users[C])


def test_who_may_create_which_rows(people):
    """The role's part of ``can_add`` (the importer and the workforce registers ask it)."""
    _, users, _ = people
    table = {
        StaffMember: {C, K, P, "superuser"},  # principals write their own staff
        ManagementAppointment: {C, K, "superuser"},  # a county's post: not a principal's
        CountyCertification: {C, "superuser"},  # the city certifies (Scope.write_roles)
        EthicsAssessment: {C, K, P, "superuser"},  # restricted records (Scope.roles)
    }
    for model, expected in table.items():
        assert {w for w, u in users.items() if permissions.may_create(u, model)} == expected, model


def test_what_figures_a_user_is_bound_to(people):
    m, users, _ = people
    assert permissions.sees_whole_city(users[C]) and permissions.sees_whole_city(users[V])
    assert not permissions.sees_whole_city(users[K]) and permissions.bound_county(users[K]) == m.county_a
    assert permissions.bound_institutions(users[P]) == [m.kg_a.pk]
    assert permissions.bound_institutions(users[S]) == [m.kg_a.pk]
    assert permissions.bound_institutions(users[C]) is None
    assert permissions.sees_county_findings(users[K]) and not permissions.sees_county_findings(users[C])
    assert set(users) == EVERY


@pytest.mark.django_db
def test_a_user_is_made_for_a_capability_at_a_division():
    m = mini_city()
    from eduplan.accounts.actions import create_user_who_may

    at_city = create_user_who_may("who-may-ethics", "pw-123456", "may_see_ethics", division=m.city).user
    assert permissions.has(at_city, "may_see_ethics")
    at_county = create_user_who_may(
        "who-may-report", "pw-123456", "may_submit_reports", division=m.county_a
    ).user
    assert permissions.has(at_county, "may_submit_reports") and not permissions.has(
        at_county, "may_approve_reports"
    )
    with pytest.raises(ValueError, match="may_approve_reports"):
        create_user_who_may("nobody", "pw-123456", "may_approve_reports", division=m.county_a)
