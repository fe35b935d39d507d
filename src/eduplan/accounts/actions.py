"""Creating users with a role (the pages to manage them come with the web app)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from eduplan.registry.models import Division, Institution

from .models import DIVISION_LEVELS, Profile
from .permissions import CAPABILITIES


def create_user_with_role(
    username: str,
    password: str,
    role: str,
    *,
    division: Division | None = None,
    institution: Institution | None = None,
    supervised: Iterable[Institution] = (),
    full_name: str = "",
) -> Profile:
    """Create a login bound to its part of the registry; refused if the binding does not fit the role."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, first_name=full_name)
        profile = Profile(user=user, role=role, division=division, institution=institution)
        profile.full_clean()
        profile.save()
        if supervised:
            profile.supervised.set(list(supervised))
    return profile


def create_user_who_may(username: str, password: str, capability: str, *, division: Division) -> Profile:
    """A login bound to ``division`` in a role granted ``capability``: for set-up scripts and tests
    that need "someone who may …" without naming a role."""
    for role in CAPABILITIES[capability]:
        if division.level in DIVISION_LEVELS.get(role, ()):
            return create_user_with_role(username, password, role, division=division)
    raise ValueError(
        f"没有绑定{division.level}级区划并可{capability}的角色 / "
        f"no role bound to a {division.level} division has {capability}"
    )
