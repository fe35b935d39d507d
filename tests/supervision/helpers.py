"""A mini city with one user per role, for the supervision tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from tests.factories import MiniCity, mini_city

PASSWORD = "pw-123456"


@dataclass
class World:
    m: MiniCity
    county_a: Any  # county officer of county A (红塔区)
    county_a2: Any  # a second county officer of county A
    county_b: Any  # county officer of county B (江川区)
    city: Any  # city officer
    city2: Any  # a second city officer
    supervisor: Any  # assigned to kg_a
    principal: Any  # principal of kg_a
    principal_b: Any  # principal of kg_b
    viewer: Any


def world() -> World:
    m = mini_city()

    def user(name: str, role: str, **kw: Any) -> Any:
        return create_user_with_role(name, PASSWORD, role, **kw).user

    return World(
        m=m,
        county_a=user("ca", Role.COUNTY_OFFICER, division=m.county_a),
        county_a2=user("ca2", Role.COUNTY_OFFICER, division=m.county_a),
        county_b=user("cb", Role.COUNTY_OFFICER, division=m.county_b),
        city=user("cityo", Role.CITY_OFFICER, division=m.city),
        city2=user("cityo2", Role.CITY_OFFICER, division=m.city),
        supervisor=user("sup", Role.SUPERVISOR, supervised=[m.kg_a]),
        principal=user("pa", Role.PRINCIPAL, institution=m.kg_a),
        principal_b=user("pb", Role.PRINCIPAL, institution=m.kg_b),
        viewer=user("view", Role.VIEWER, division=m.city),
    )


GOOD_VALUES = {
    "children_enrolled": "1200",
    "children_public": "700",
    "children_inclusive": "1000",
    "new_seats_ytd": "90",
    "kindergartens_under_construction": "2",
    "unlicensed_remaining": "3",
    "hs_students": "5000",
    "hs_students_first_level": "3500",
    "hs_big_classes": "4",
}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on ``day`` in the project's time zone."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))
