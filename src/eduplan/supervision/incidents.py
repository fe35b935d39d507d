"""Incidents: a major safety accident, a major case or a serious teacher-ethics problem in
a county bars it from applying for 普及普惠 certification for ``[assessment] incident_ban_years``
years from the day it happened. Readiness reads :func:`banned_counties`.

An incident is recorded by the county or the city and can be withdrawn (recorded in error) only by
the city, with a reason; a withdrawn incident no longer bans.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.workflow import (
    actor,
    local_day,
    now_or,
    refuse,
    require_reason,
    require_scope,
    save_with_history,
)
from eduplan.plans import standards
from eduplan.registry.models import Division, Institution

from .models import Incident, IncidentKind
from .periods import add_years


def ban_years() -> int:
    return int(standards.value("assessment", "incident_ban_years"))


def banned_until(incident: Incident) -> dt.date:
    """The first day the county may apply again: the same date ``incident_ban_years`` later."""
    return add_years(incident.occurred_on, ban_years())


@transaction.atomic
def record_incident(
    county: Division,
    *,
    kind: str,
    occurred_on: dt.date,
    title: str,
    description: str = "",
    institution: Institution | None = None,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> Incident:
    """Record an incident of in a county (its own county bureau or the city)."""
    permissions.require(
        user,
        "may_report_incidents",
        "重大事件由县、市教育体育局登记",
        "incidents are recorded by county or city officers",
    )
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": f"未知事件类型 {kind!r} / unknown kind"})
    moment = now_or(at)
    if occurred_on > local_day(moment):
        raise ValidationError({"occurred_on": "发生日期不能晚于今天 / the date cannot be in the future"})
    if user is not None and not scope(user, Division.objects.filter(pk=county.pk), write=True).exists():
        raise refuse("只能登记本辖区的事件", "you can only record incidents in your own area")
    incident = Incident(
        county=county,
        institution=institution,
        kind=kind,
        occurred_on=occurred_on,
        title=title.strip(),
        description=description.strip(),
        recorded_by=actor(user),
        recorded_at=moment,
    )
    return save_with_history(incident, user=user, reason="登记 recorded")


@transaction.atomic
def withdraw_incident(
    incident: Incident, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> Incident:
    """Withdraw an incident recorded in error (the city only, with a reason); its ban lifts."""
    permissions.require(
        user,
        "may_withdraw_incidents",
        "重大事件只能由市教育体育局撤销",
        "only the city withdraws an incident",
    )
    require_scope(user, incident, write=True)
    if incident.withdrawn:
        raise ValidationError({"withdrawn": "该事件已撤销 / already withdrawn"})
    reason = require_reason(reason)
    incident.withdrawn = True
    incident.withdrawn_reason = reason
    incident.withdrawn_by = actor(user)
    incident.withdrawn_at = now_or(at)
    return save_with_history(incident, user=user, reason="撤销 withdrawn")


def banned_counties(on: dt.date) -> dict[str, dt.date]:
    """Counties barred from applying on ``on``, as county code → the first day they may
    apply again. An incident bans from the day it happened; withdrawn incidents do not count."""
    start = add_years(on, -ban_years())
    rows = Incident.objects.filter(
        withdrawn=False, occurred_on__lte=on, occurred_on__gt=start
    ).select_related("county")
    out: dict[str, dt.date] = {}
    for inc in rows:
        until = banned_until(inc)
        if until > on and until > out.get(inc.county.code, dt.date.min):
            out[inc.county.code] = until
    return out


def incidents_for(user: User | None) -> QuerySet[Incident]:
    return scope(user, Incident.objects.select_related("county", "institution"))
