"""A mini city with staff, and one user per role, for the workforce tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry import actions as registry
from eduplan.registry.choices import Role
from eduplan.registry.identity import make_number
from eduplan.registry.models import Institution, StaffMember
from tests.factories import MiniCity, mini_city

PASSWORD = "pw-123456"
_seq = iter(range(1, 10_000))


def staff(
    inst: Institution,
    name: str,
    *,
    role: str = "teacher",
    start: dt.date = dt.date(2015, 9, 1),
    number: str | None = None,
) -> StaffMember:
    return registry.add_staff_member(
        inst,
        identity_number=number or make_number("530402", dt.date(1985, 1, 1), next(_seq)),
        name=name,
        sex="F",
        role=role,
        certificate="secondary_teacher",
        employment="establishment",
        start_date=start,
    )


@dataclass
class World:
    m: MiniCity
    teacher: StaffMember  # at hs_a (county A)
    teacher_b: StaffMember  # at kg_b (county B)
    users: dict[str, Any]


#: Every role, named by how it relates to ``World.teacher`` (a teacher of hs_a in county A).
ROLES = (
    "city",
    "county_own",
    "county_other",
    "principal_own",
    "principal_same_county",
    "principal_other_county",
    "supervisor_own",
    "viewer_city",
    "viewer_county",
    "superuser",
)


def world() -> World:
    m = mini_city()

    def user(name: str, role: str, **kw: Any) -> Any:
        return create_user_with_role(name, PASSWORD, role, **kw).user

    users = {
        "city": user("cityo", Role.CITY_OFFICER, division=m.city),
        "county_own": user("ca", Role.COUNTY_OFFICER, division=m.county_a),
        "county_other": user("cb", Role.COUNTY_OFFICER, division=m.county_b),
        "principal_own": user("ph", Role.PRINCIPAL, institution=m.hs_a),
        "principal_same_county": user("pka", Role.PRINCIPAL, institution=m.kg_a),
        "principal_other_county": user("pkb", Role.PRINCIPAL, institution=m.kg_b),
        "supervisor_own": user("sup", Role.SUPERVISOR, supervised=[m.hs_a]),
        "viewer_city": user("view", Role.VIEWER, division=m.city),
        "viewer_county": user("viewa", Role.VIEWER, division=m.county_a),
    }
    from django.contrib.auth import get_user_model

    users["superuser"] = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    return World(m=m, teacher=staff(m.hs_a, "王老师"), teacher_b=staff(m.kg_b, "赵老师"), users=users)
