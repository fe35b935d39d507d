"""Rendered parts of pages that are the same for every user with the same scope, cached per
registry data version and language.

A dashboard's cards, tiles, rankings and findings table depend only on the data, the language and
what the user may see, so they are rendered once per (page, scope, language, data version) and
shared by every worker through the cache; the per-user parts (to-do list, navigation) are rendered
on each request. A registry write bumps the data version, so no page shows stale figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language

from eduplan.accounts import permissions
from eduplan.accounts.scoping import profile_of
from eduplan.common.cache import cached


def scope_signature(user: Any) -> str:
    """Users with the same signature see the same figures and findings (see ``results``)."""
    if getattr(user, "is_superuser", False):
        return "all"
    profile = profile_of(user)
    if profile is None:
        return "none"
    division = profile.division
    if permissions.sees_whole_city(user):
        return f"city-{division.code}"
    if (county := permissions.bound_county(user)) is not None:
        return f"county-{county.code}"
    return f"user-{user.pk}"


def cached_part(user: Any, page: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``build()`` (a dict with the rendered HTML and whatever the page needs around it) once per
    page, scope, language and data version."""
    return cached(f"part:{page}:{scope_signature(user)}:{get_language()}", build)
