"""The one scoping function. Every read and write for a user goes through :func:`scope`.

A model says how it reaches the registry's tree with a ``SCOPE`` attribute:

- ``county``: the lookup path to the county Division (``""`` when the model *is* a county-level
  Division lookup, e.g. ``"county"`` for Institution, ``"institution__county"`` for a class);
- ``institution``: lookup paths to the institution(s) the row belongs to (``"pk"`` for
  Institution itself); rows reached through any of them are in an institution-bound user's scope;
  empty for division-level data (population, management posts), which institution-bound users see
  for the counties of their institutions;
- ``principal_writes``: whether a principal may change such rows of their own institution.

A county officer never sees another county's rows, whatever page, API call, export or report asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db.models import Model, Q, QuerySet

from eduplan.registry.choices import DivisionLevel, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    #: A signed-in user, an anonymous visitor (``None`` is the system: the daily job, the demo).
    User: TypeAlias = AbstractBaseUser | AnonymousUser
else:
    User = Any

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    county: str
    institution: tuple[str, ...] = field(default_factory=tuple)
    principal_writes: bool = False
    #: Roles that may see such rows at all (``None``: every role). Restricted records, e.g. teacher
    #: ethics, list the roles allowed; for any other role :func:`scope` returns nothing.
    roles: tuple[str, ...] | None = None
    #: Roles that may write such rows (``None``: as the role's scope allows). Decisions of the city,
    #: e.g. a county's 普及普惠 certification, list ``(Role.CITY_OFFICER,)``.
    write_roles: tuple[str, ...] | None = None


def registry_scopes() -> dict[str, Scope]:
    """How each registry model reaches a county and an institution, in one table to audit."""
    inst = ("institution",)
    return {
        "Division": Scope(county=""),
        "PopulationCount": Scope(county="division__county"),
        "Births": Scope(county="division__county"),
        "Institution": Scope(county="county", institution=("pk",)),
        "InstitutionYear": Scope(county="institution__county", institution=inst, principal_writes=True),
        "FeeStandard": Scope(county="institution__county", institution=inst, principal_writes=True),
        "SafetyRecord": Scope(county="institution__county", institution=inst, principal_writes=True),
        "NameChange": Scope(county="institution__county", institution=inst),
        # dated attribute rows (ownership, licence, grade, rating… in force from a date)
        "InstitutionState": Scope(county="institution__county", institution=inst),
        "SchoolClass": Scope(county="institution__county", institution=inst, principal_writes=True),
        "StaffMember": Scope(county="institution__county", institution=inst, principal_writes=True),
        "ManagementAppointment": Scope(county="county"),
        "Pairing": Scope(county="supported__county", institution=("supported", "supporter")),
    }


def model_scope(model: type[Model]) -> Scope:
    """A registry model's entry in :func:`registry_scopes`, or a later model's own ``SCOPE``."""
    if model._meta.app_label == "registry":
        spec = registry_scopes().get(model.__name__)
        if model.__name__ == "DataVersion":
            spec = None
    else:
        spec = getattr(model, "SCOPE", None)
    if spec is None:
        raise TypeError(f"{model.__name__} declares no scope: it cannot be shown to users")
    return spec


def profile_of(user: User | None):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "profile", None)


def scope(user: User | None, queryset: QuerySet[M], *, write: bool = False) -> QuerySet[M]:
    """Restrict ``queryset`` to what ``user`` may see (or, with ``write=True``, change)."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    profile = profile_of(user)
    if profile is None or user is None or not user.is_active:
        return queryset.none()
    spec = model_scope(queryset.model)
    role = profile.role
    if spec.roles is not None and role not in spec.roles:
        return queryset.none()
    if write and spec.write_roles is not None and role not in spec.write_roles:
        return queryset.none()
    if write and role in (Role.VIEWER, Role.SUPERVISOR):
        return queryset.none()
    if role in (Role.CITY_OFFICER, Role.COUNTY_OFFICER, Role.VIEWER):
        division = profile.division
        if division is None:
            return queryset.none()
        level_field = "city" if division.level == DivisionLevel.CITY else "county"
        prefix = f"{spec.county}__" if spec.county else ""
        return queryset.filter(**{f"{prefix}{level_field}_id": division.pk})
    if role in (Role.PRINCIPAL, Role.SUPERVISOR):
        if role == Role.PRINCIPAL:
            ids = [profile.institution_id] if profile.institution_id else []
        else:
            ids = list(profile.supervised.values_list("pk", flat=True))
        if not ids:
            return queryset.none()
        if spec.institution:
            if write and not spec.principal_writes:
                return queryset.none()
            condition = Q()
            for path in spec.institution:
                condition |= Q(**{f"{path}__in": ids})
            return queryset.filter(condition)
        if write:
            return queryset.none()
        from eduplan.registry.models import Institution

        counties = Institution.objects.filter(pk__in=ids).values("county_id")
        prefix = f"{spec.county}__" if spec.county else ""
        return queryset.filter(**{f"{prefix}county_id__in": counties})
    return queryset.none()


def can_add(user: User | None, obj: Model) -> bool:
    """May ``user`` create the unsaved row ``obj``? It must hang from a parent row the user sees
    (an institution, a division, a county), and the role must be allowed to write such rows."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return True
    profile = profile_of(user)
    if (
        profile is None
        or user is None
        or not user.is_active
        or profile.role in (Role.VIEWER, Role.SUPERVISOR)
    ):
        return False
    spec = model_scope(type(obj))
    if spec.roles is not None and profile.role not in spec.roles:
        return False
    if spec.write_roles is not None and profile.role not in spec.write_roles:
        return False
    if profile.role == Role.PRINCIPAL and not spec.principal_writes:
        return False
    link = (spec.institution[0] if spec.institution and spec.institution[0] != "pk" else "") or (
        spec.county.split("__")[0] if spec.county else "parent"
    )
    if type(obj).__name__ == "Institution":
        link = "division"
    parent = getattr(obj, link, None)
    if parent is None:
        return False
    return scope(user, type(parent)._default_manager.filter(pk=parent.pk)).exists()


def can_see(user: User | None, obj: Model) -> bool:
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_change(user: User | None, obj: Model) -> bool:
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk), write=True).exists()


def visible_county_codes(user: User) -> set[str] | None:
    """County codes whose figures (indicators, county findings) the user may see; ``None`` means
    every county of their city, an empty set none at all.

    City-level figures (aggregates) are visible to every signed-in role as a reference."""
    if getattr(user, "is_superuser", False):
        return None
    profile = profile_of(user)
    if profile is None:
        return set()
    if (
        profile.role in (Role.CITY_OFFICER, Role.VIEWER)
        and profile.division
        and (profile.division.level == DivisionLevel.CITY)
    ):
        return None
    if profile.role in (Role.COUNTY_OFFICER, Role.VIEWER) and profile.division:
        return {profile.division.code}
    if profile.role == Role.PRINCIPAL and profile.institution_id:
        return {profile.institution.county.code}
    if profile.role == Role.SUPERVISOR:
        from eduplan.registry.models import Institution

        return set(
            Institution.objects.filter(pk__in=profile.supervised.values("pk")).values_list(
                "county__code", flat=True
            )
        )
    return set()
