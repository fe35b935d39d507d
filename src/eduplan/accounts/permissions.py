"""The permission vocabulary: what a user may *do*, by name, decided in one place.

:mod:`eduplan.accounts.scoping` decides which *rows* a user reaches (county, institutions, the
``Scope.roles`` of restricted records, the ``Scope.write_roles`` of decisions of the city). This
module decides which *capabilities* a role has — to plan, to run the admission, to approve a monthly
report … — so that views, templates (through :func:`capabilities_context`), the importer, the API
and the buttons offered on a page ask a named question instead of comparing role strings. A test
(``tests/accounts/test_no_role_strings.py``) fails on a role comparison outside ``accounts/``.

Every capability is a function of a :class:`~django.contrib.auth.models.User` (and, where the
answer depends on it, a division or a record): an active superuser may do everything, an anonymous
or inactive user nothing, and any other user what :data:`CAPABILITIES` grants their role. The
actions re-check everything; a capability only says whether to offer, show or accept the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from eduplan.registry.choices import DivisionLevel, Role

from .scoping import model_scope, profile_of, scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from eduplan.registry.models import Division

    User = AbstractBaseUser | AnonymousUser

CITY: tuple[str, ...] = (Role.CITY_OFFICER,)
COUNTY: tuple[str, ...] = (Role.COUNTY_OFFICER,)
OFFICERS: tuple[str, ...] = (Role.COUNTY_OFFICER, Role.CITY_OFFICER)
#: Who sees teacher ethics records; also the ``Scope.roles`` of those records.
ETHICS_ROLES: tuple[str, ...] = (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PRINCIPAL)
#: Who inspects institutions and verifies rectifications (责任督学, county and city officers).
INSPECTORS: tuple[str, ...] = (Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.CITY_OFFICER)
#: Roles that write anything at all (viewers and supervisors only read).
WRITERS: tuple[str, ...] = (Role.CITY_OFFICER, Role.COUNTY_OFFICER, Role.PRINCIPAL)
#: Roles bound to a division (not to institutions): they see whole counties' figures.
DIVISION_ROLES: tuple[str, ...] = (Role.CITY_OFFICER, Role.COUNTY_OFFICER, Role.VIEWER)


@dataclass(frozen=True)
class Capability:
    """One named capability: the roles granted it, and why (Chinese first, English available)."""

    name: str
    roles: tuple[str, ...]
    zh: str
    en: str


_TABLE = (
    Capability("may_plan", OFFICERS, "使用规划工具", "use the planning tools"),
    Capability("may_run_admissions", CITY, "运行全市高中招生录取", "run the city's high school admission"),
    Capability("may_see_ethics", ETHICS_ROLES, "查看师德档案", "see teacher ethics records"),
    Capability(
        "may_adopt_targets", OFFICERS, "生成、修改、通过县级行动计划目标", "derive and adopt county targets"
    ),
    Capability("may_assign_tasks", CITY, "同步规划任务并下达到县", "sync the plan's tasks and assign them"),
    Capability("may_work_tasks", OFFICERS, "办理计划任务", "work on plan tasks"),
    Capability(
        "may_do_county_tasks", COUNTY, "推进本县任务", "start, progress and complete a county's tasks"
    ),
    Capability("may_import", WRITERS, "导入数据", "import data"),
    Capability("may_edit_registry", WRITERS, "修改学校与幼儿园数据", "change registry data"),
    Capability("may_submit_reports", COUNTY, "填报县级月报", "fill in and submit a county's monthly report"),
    Capability("may_approve_reports", CITY, "审核县级月报", "approve, return or unlock monthly reports"),
    Capability("may_set_deadlines", CITY, "设置月报截止日", "set monthly report deadlines"),
    Capability("may_issue_notices", CITY, "生成并印发通报", "produce and issue notices"),
    Capability("may_inspect", INSPECTORS, "开展督导检查", "inspect institutions"),
    Capability("may_verify_rectification", INSPECTORS, "复查整改", "verify or reject a rectification"),
    Capability(
        "may_report_rectification",
        (Role.PRINCIPAL, Role.COUNTY_OFFICER),
        "报送整改",
        "report a rectification",
    ),
    Capability("may_manage_orders", OFFICERS, "撤销整改单或延期", "cancel an order or extend its deadline"),
    Capability("may_escalate", CITY, "升级市级督办", "escalate to the city"),
    Capability("may_record_annual", OFFICERS, "登记和公布年检结论", "record and publish annual inspections"),
    Capability("may_report_incidents", OFFICERS, "报告重大事件", "report a major incident"),
    Capability("may_withdraw_incidents", CITY, "撤销重大事件", "withdraw a major incident"),
    Capability("may_handle_complaints", OFFICERS, "办理家长投诉", "handle parents' complaints"),
    Capability("may_certify_counties", CITY, "录入普及普惠县认定", "record county certifications"),
    Capability(
        "may_confirm_assumptions", CITY, "确认或设定规划假设", "confirm or set the plan's assumptions"
    ),
    Capability("may_see_township_sums", DIVISION_ROLES, "查看乡镇汇总", "see township sums of a county"),
)

#: Capability name → the roles granted it (an active superuser has every capability).
CAPABILITIES: dict[str, tuple[str, ...]] = {c.name: c.roles for c in _TABLE}
DESCRIPTIONS: dict[str, Capability] = {c.name: c for c in _TABLE}


def role_code(user: User | None) -> str:
    """The role an active, signed-in user acts in (``""`` for anyone else and for superusers,
    who are not bound to a role). For display and records only: decide with a capability."""
    profile = profile_of(user)
    if profile is None or not getattr(user, "is_active", False):
        return ""
    return str(profile.role)


def is_superuser(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active)


#: Capabilities that need a bound city (a deadline is the city's): a superuser has none of these.
BOUND_CAPABILITIES = frozenset({"may_set_deadlines"})


def has(user: User | None, capability: str) -> bool:
    """Whether ``user`` has the named capability (see :data:`CAPABILITIES`)."""
    roles = CAPABILITIES[capability]
    if is_superuser(user):
        return capability not in BOUND_CAPABILITIES
    return role_code(user) in roles


def _capability(name: str) -> Callable[[User | None], bool]:
    def check(user: User | None) -> bool:
        return has(user, name)

    check.__name__ = name
    check.__doc__ = f"{DESCRIPTIONS[name].zh} / {DESCRIPTIONS[name].en}."
    return check


may_run_admissions = _capability("may_run_admissions")
may_see_ethics = _capability("may_see_ethics")
may_adopt_targets = _capability("may_adopt_targets")
may_assign_tasks = _capability("may_assign_tasks")
may_work_tasks = _capability("may_work_tasks")
may_do_county_tasks = _capability("may_do_county_tasks")
may_record_annual = _capability("may_record_annual")
may_import = _capability("may_import")
may_edit_registry = _capability("may_edit_registry")
may_submit_reports = _capability("may_submit_reports")
may_approve_reports = _capability("may_approve_reports")
may_set_deadlines = _capability("may_set_deadlines")
may_issue_notices = _capability("may_issue_notices")
may_inspect = _capability("may_inspect")
may_report_rectification = _capability("may_report_rectification")
may_manage_orders = _capability("may_manage_orders")
may_escalate = _capability("may_escalate")
may_report_incidents = _capability("may_report_incidents")
may_withdraw_incidents = _capability("may_withdraw_incidents")
may_handle_complaints = _capability("may_handle_complaints")
may_certify_counties = _capability("may_certify_counties")


def may_plan(user: User | None, division: Division | None = None) -> bool:
    """City officers plan for every county of their city, county officers for their own; with a
    ``division``, it must also be in the user's scope (the one scoping function decides)."""
    if not has(user, "may_plan"):
        return False
    if division is None:
        return True
    return scope(user, type(division)._default_manager.filter(pk=division.pk)).exists()


def plans_for_one_county(user: User | None) -> bool:
    """A county officer's allocation is computed for the whole city but shown for their county."""
    return role_code(user) in COUNTY


def may_verify_rectification(user: User | None, order: Model | None = None) -> bool:
    """Supervisors and officers verify rectifications of orders in their scope, but never one they
    reported themselves (the action refuses it: the button is not offered either)."""
    if not has(user, "may_verify_rectification"):
        return False
    if order is None or user is None:
        return True
    if not scope(user, type(order)._default_manager.filter(pk=order.pk)).exists():
        return False
    last = order.reports.order_by("-submitted_at", "-pk").first()  # type: ignore[attr-defined]
    return last is None or last.submitted_by_id != user.pk


def may_see_township_sums(user: User | None, county: str = "", visible: set[str] | None = None) -> bool:
    """Township sums aggregate every institution of a county: only for division-bound roles
    whose ``visible`` counties (``None``: all of the city) include ``county`` (if one is given)."""
    if not has(user, "may_see_township_sums"):
        return False
    return not county or visible is None or county in visible


def may_create(user: User | None, model: type[Model]) -> bool:
    """The role's part of :func:`~eduplan.accounts.scoping.can_add`: may this role create rows of
    ``model`` anywhere at all (before asking whether the parent row is in scope)?"""
    if is_superuser(user):
        return True
    role = role_code(user)
    if role not in WRITERS:
        return False
    spec = model_scope(model)
    if spec.roles is not None and role not in spec.roles:
        return False
    if spec.write_roles is not None and role not in spec.write_roles:
        return False
    return role != Role.PRINCIPAL or spec.principal_writes


def sees_whole_city(user: User | None) -> bool:
    """Bound to a city (a city officer or a city-level viewer): figures of every county."""
    profile = profile_of(user)
    return bool(
        profile is not None
        and profile.role in (Role.CITY_OFFICER, Role.VIEWER)
        and profile.division is not None
        and profile.division.level == DivisionLevel.CITY
    )


def bound_county(user: User | None) -> Division | None:
    """The county a county officer or county-level viewer is bound to (``None`` for others)."""
    profile = profile_of(user)
    if profile is None or profile.role not in (Role.COUNTY_OFFICER, Role.VIEWER) or sees_whole_city(user):
        return None
    return profile.division  # type: ignore[no-any-return]


def sees_county_findings(user: User | None) -> bool:
    """County-level findings (not about one institution) go to county officers and viewers."""
    return role_code(user) in (Role.COUNTY_OFFICER, Role.VIEWER)


def bound_institutions(user: User | None) -> list[int] | None:
    """The institutions a principal (theirs) or a supervisor (those assigned, 挂牌督导) is bound
    to; ``None`` for roles bound to a division."""
    profile = profile_of(user)
    if profile is None:
        return None
    if profile.role == Role.PRINCIPAL:
        return [profile.institution_id] if profile.institution_id else []
    if profile.role == Role.SUPERVISOR:
        return list(profile.supervised.values_list("pk", flat=True))
    return None


#: Standing duties that fill a user's to-do list (a role's home): the county's reports, orders and
#: tasks; the city's approvals and escalations; a supervisor's verifications; an institution's orders.
DUTIES: dict[str, tuple[str, ...]] = {
    "county_followup": COUNTY,
    "city_followup": CITY,
    "verification": (Role.SUPERVISOR,),
    "institution_orders": (Role.PRINCIPAL,),
}
#: A superuser's to-do list is the city's (they are not bound to a county or an institution).
SUPERUSER_DUTIES = frozenset({"city_followup"})


def has_duty(user: User | None, duty: str) -> bool:
    """Whether the named duty (see :data:`DUTIES`) is the user's: what their to-do list holds."""
    if is_superuser(user):
        return duty in SUPERUSER_DUTIES
    return role_code(user) in DUTIES[duty]


def require(user: User | None, capability: str, zh: str, en: str) -> None:
    """Refuse (``PermissionDenied``, Chinese / English) unless ``user`` has ``capability``; the
    system (no user: imports, the demo, scheduled jobs) always may. Actions call it first."""
    if user is not None and not has(user, capability):
        raise PermissionDenied(f"{zh} / {en}")


def capabilities(user: User | None) -> dict[str, bool]:
    """Every capability of ``user`` by name, for templates and the API."""
    return {name: has(user, name) for name in CAPABILITIES}


def capabilities_context(request: Any) -> dict[str, Any]:
    """Template context processor: ``{% if can.may_plan %}`` in any template."""
    return {"can": capabilities(getattr(request, "user", None))}
