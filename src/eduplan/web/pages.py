"""What each page shows, assembled from queries (kept out of the views so they stay thin)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Sum

from eduplan.accounts.scoping import scope
from eduplan.registry.models import Institution, SchoolClass, StaffMember
from eduplan.rules.cached import findings_for


def institution_page(user: Any, inst: Institution) -> dict[str, Any]:
    """The record of one institution: classes of the latest school year, staff (masked identity
    numbers), safety, fees, pairings, renames (the history of changes is ``edit.page_extras``)."""
    classes = scope(user, SchoolClass.objects.filter(institution=inst))
    latest = classes.aggregate(y=Max("school_year"))["y"]
    year_classes = list(classes.filter(school_year=latest)) if latest is not None else []
    totals = classes.filter(school_year=latest).aggregate(boys=Sum("boys"), girls=Sum("girls"))
    staff = scope(user, StaffMember.objects.filter(institution=inst, end_date__isnull=True))
    return {
        "inst": inst,
        "school_year": latest,
        "classes": year_classes,
        "children": (totals["boys"] or 0) + (totals["girls"] or 0),
        "staff": list(staff.order_by("role", "name")),
        "safety": inst.safety_records.order_by("-checked_on").first(),
        "fees": list(inst.fees.order_by("-effective_on")[:10]),
        "supporting": list(inst.supporting.select_related("supported")),
        "supported_by": list(inst.supported_by.select_related("supporter")),
        "renames": list(inst.name_changes.all()),
        "years": list(inst.years.order_by("-school_year")[:6]),
        "findings": [
            f
            for f in findings_for(user)
            if f["entity_type"] == "institution" and f["entity_code"] == inst.code
        ],
    }
