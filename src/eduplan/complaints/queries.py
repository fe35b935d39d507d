"""Reads of the complaint workflow: the parent's view by tracking code, the public handling
statistics per county (及时回应, made visible), the officers' scoped lists and to-dos.

Nothing here reads :class:`~.models.ComplaintContact` except :func:`contact_for_officer`, which
the officers' complaint page alone calls.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, profile_of, scope
from eduplan.common.todos import Todo

from .actions import CODE_LENGTH, normalise_code
from .models import Complaint, ComplaintCategory, ComplaintContact, ComplaintStatus


def find_by_code(text: str) -> Complaint | None:
    code = normalise_code(text)
    if len(code) != CODE_LENGTH:
        return None
    return (
        Complaint.objects.select_related("kindergarten", "kindergarten__county")
        .filter(tracking_code=code)
        .first()
    )


def answering_unit(complaint: Complaint) -> str:
    """Which bureau answered, for the parent (an officer's name is never shown)."""
    profile = profile_of(complaint.answered_by) if complaint.answered_by_id else None
    if profile is not None and profile.division is not None:
        return f"{profile.division.name}教育体育局"
    return f"{complaint.kindergarten.county.name}教育体育局"


def public_view(complaint: Complaint, today: dt.date | None = None) -> dict[str, Any]:
    """What the holder of the tracking code sees: their complaint, its status and the answer."""
    today = today or timezone.localdate()
    return {
        "reference": complaint.reference,
        "kindergarten": complaint.kindergarten,
        "category": complaint.get_category_display(),
        "description": complaint.description,
        "anonymous": complaint.anonymous,
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "received_on": complaint.received_on,
        "deadline": complaint.deadline,
        "overdue": complaint.is_overdue(today),
        "escalated": complaint.escalated,
        "converted": complaint.finding_id is not None,
        "answered_on": complaint.answered_on,
        "on_time": complaint.answered_on_time,
        "response": complaint.response,
        "unit": answering_unit(complaint) if complaint.answered_on else "",
    }


# -- public statistics ----------------------------------------------------------------------------


def complaint_statistics(
    counties: list[tuple[str, str]], *, year: int | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Per county (and in total): received, answered, answered on time, average days to answer,
    open and overdue. ``counties`` are (code, name) pairs shown even with no complaint."""
    today = today or timezone.localdate()
    qs = Complaint.objects.all()
    if year:
        qs = qs.filter(received_on__year=year)
    blank = {"received": 0, "answered": 0, "on_time": 0, "days": 0, "open": 0, "overdue": 0}
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: dict(blank))
    names = dict(counties)
    for county, county_name, status, received, deadline, answered in qs.values_list(
        "kindergarten__county__code",
        "kindergarten__county__name",
        "status",
        "received_on",
        "deadline",
        "answered_on",
    ):
        names.setdefault(county, county_name)
        r = rows[county]
        r["received"] += 1
        if status == ComplaintStatus.ANSWERED and answered is not None:
            r["answered"] += 1
            r["on_time"] += answered <= deadline
            r["days"] += (answered - received).days
        else:
            r["open"] += 1
            r["overdue"] += today > deadline

    def finish(code: str, name: str, r: Mapping[str, int]) -> dict[str, Any]:
        return {
            "code": code,
            "name": name,
            "received": r["received"],
            "answered": r["answered"],
            "on_time": r["on_time"],
            "on_time_share": round(100 * r["on_time"] / r["answered"], 1) if r["answered"] else None,
            "average_days": round(r["days"] / r["answered"], 1) if r["answered"] else None,
            "open": r["open"],
            "overdue": r["overdue"],
        }

    table = [finish(code, names[code], rows.get(code, blank)) for code in sorted(names)]
    total = dict(blank)
    for code in rows:
        for k in blank:
            total[k] += rows[code][k]
    years = sorted(
        {d.year for d in Complaint.objects.values_list("received_on", flat=True).distinct()}, reverse=True
    )
    return {"rows": table, "total": finish("", "合计 Total", total), "year": year, "years": years}


# -- officers -------------------------------------------------------------------------------------


def is_officer(user: Any) -> bool:
    return permissions.may_handle_complaints(user)


def complaints_for(user: Any) -> QuerySet[Complaint]:
    """Complaints about kindergartens of the officer's county (a city officer: the whole city)."""
    return scope(user, Complaint.objects.select_related("kindergarten", "kindergarten__county"))


def office_list(user: Any, params: Mapping[str, str], today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    qs = complaints_for(user)
    status = params.get("status", "open")
    if status == "open":
        qs = qs.filter(status=ComplaintStatus.RECEIVED)
    elif status == "answered":
        qs = qs.filter(status=ComplaintStatus.ANSWERED)
    elif status == "overdue":
        qs = qs.filter(status=ComplaintStatus.RECEIVED, deadline__lt=today)
    elif status == "escalated":
        qs = qs.filter(escalated=True)
    else:
        status = "all"
    category = params.get("category", "")
    if category in ComplaintCategory.values:
        qs = qs.filter(category=category)
    rows = list(qs.order_by("deadline", "pk")[:500]) if status != "answered" else list(qs[:500])
    return {"rows": rows, "status": status, "category": category, "today": today}


def contact_for_officer(user: Any, complaint: Complaint) -> str:
    """The complainant's contact, for the officers handling the complaint — and nobody else."""
    if not is_officer(user) or not scope(user, Complaint.objects.filter(pk=complaint.pk)).exists():
        return ""
    row = ComplaintContact.objects.filter(complaint=complaint).first()
    return row.contact if row else ""


def complaint_todos(user: User, today: dt.date | None = None) -> list[Todo]:
    """Open complaints as to-do items (registered with ``eduplan.common.todos`` by
    ``PortalConfig.ready``) for an officer's list:
    a county officer's own county's; a city officer's escalated ones."""
    from django.urls import NoReverseMatch, reverse

    today = today or timezone.localdate()
    if not permissions.may_handle_complaints(user):
        return []
    qs = complaints_for(user).filter(status=ComplaintStatus.RECEIVED)
    if not permissions.has_duty(user, "county_followup"):
        qs = qs.filter(escalated=True)
    out = []
    for c in qs.order_by("deadline", "pk")[:200]:
        try:
            url = reverse("portal_office:complaint-detail", args=[c.pk])
        except NoReverseMatch:
            url = ""
        out.append(
            Todo(
                kind="complaint",
                title_zh=f"答复家长投诉 {c.reference}:{c.kindergarten.name}({c.get_category_display().split(' ')[0]})",
                title_en=f"Answer parent complaint {c.reference}: {c.kindergarten.name}",
                due_on=c.deadline,
                days_left=(c.deadline - today).days,
                url=url,
                county=c.kindergarten.county.code,
            )
        )
    return out
