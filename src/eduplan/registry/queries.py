"""Reads of the registry that need care (the selectors). Every read for a user goes through
``eduplan.accounts.scoping.scope``."""

from __future__ import annotations

from django.db.models import QuerySet

from eduplan.accounts.scoping import User, scope

from .choices import InstitutionKind, LicenceStatus
from .models import Division, Institution, StaffMember


def institutions_for(user: User | None) -> QuerySet[Institution]:
    return scope(user, Institution.objects.select_related("division", "county"))


def staff_for(user: User | None) -> QuerySet[StaffMember]:
    return scope(user, StaffMember.objects.select_related("institution"))


def counties_for(user: User | None) -> QuerySet[Division]:
    return scope(user, Division.objects.counties())


def registry_counts() -> dict[str, int]:
    """Row counts of every registry table (the demo prints them; tests compare two runs)."""
    from django.apps import apps

    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("registry").get_models()
        if not model.__name__.startswith("Historical")
    }


#: Who the public directory lists: licensed kindergartens and approved teaching points (办园点), open today.
LISTED_LICENCES = (LicenceStatus.LICENSED, LicenceStatus.TEACHING_POINT)


def listed_kindergartens() -> QuerySet[Institution]:
    """Kindergartens the public directory lists (and complaints may name)."""
    return Institution.objects.filter(
        kind=InstitutionKind.KINDERGARTEN, licence_status__in=LISTED_LICENCES, closed_on__isnull=True
    )


def listed_counties() -> list[tuple[str, str]]:
    """(code, name) of the counties with a listed kindergarten, by code."""
    pairs = listed_kindergartens().values_list("county__code", "county__name").distinct()
    return sorted((c, n) for c, n in pairs if c)
