"""What one kindergarten's public page shows (幼儿园信息公示 — staffing, fees, quality
evaluation; annual inspection results published), assembled from public facts only.

Staffing is a summary — counts by post and the certified share of principals and teachers — read
as (role, certificate) pairs: no staff member's name, identity number or any other personal field
is ever queried here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, F, Sum
from django.utils import timezone

from eduplan.plans import standards
from eduplan.registry.choices import AgeGroup, InstitutionKind, StaffRole
from eduplan.registry.models import FeeStandard, Institution, NameChange, SchoolClass, StaffMember
from eduplan.supervision.annual import published_annual_results

from .directory import Directory, Entry

AGE_LABELS = dict(AgeGroup.choices)
ROLE_LABELS = dict(StaffRole.choices)
#: Institution kind → the prefix of its accepted certificates in ``[certificates]``.
CERTIFICATE_PREFIX: dict[str, str] = {
    InstitutionKind.KINDERGARTEN: "kindergarten",
    InstitutionKind.ATTACHED_CLASS: "attached",
}


def staffing_summary(institution: Institution, today: dt.date) -> dict[str, Any]:
    """Staff in post today by post, and the share of principals and teachers holding the
    certificate their post requires (持证上岗, ``[certificates]``; the assessment asks for 100%)."""
    cert = standards.section("certificates")
    prefix = CERTIFICATE_PREFIX.get(institution.kind, "kindergarten")
    principal_roles = set(cert["principal_roles"])
    teacher_roles = set(cert["teacher_roles"])
    accepted = {
        "principal": set(cert[f"{prefix}_principal"]),
        "teacher": set(cert[f"{prefix}_teacher"]),
    }
    pairs = list(
        StaffMember.objects.filter(institution=institution)
        .active_on(today)
        .values_list("role", "certificate")
    )
    by_role = Counter(role for role, _ in pairs)
    judged = certified = 0
    for role, certificate in pairs:
        post = "principal" if role in principal_roles else "teacher" if role in teacher_roles else None
        if post is None:
            continue
        judged += 1
        certified += certificate in accepted[post]
    return {
        "total": len(pairs),
        "by_role": [
            {"role": code, "label": str(label), "count": by_role[code]}
            for code, label in StaffRole.choices
            if by_role.get(code)
        ],
        "certified_posts": judged,
        "certified": certified,
        "certified_share": round(100 * certified / judged, 1) if judged else None,
        "standard": standards.source_of("certificates"),
    }


def classes_summary(institution: Institution, school_year: int | None) -> list[dict[str, Any]]:
    if school_year is None:
        return []
    rows = (
        SchoolClass.objects.filter(institution=institution, school_year=school_year)
        .values("age_group")
        .annotate(n=Count("id"), children=Sum(F("boys") + F("girls")))
    )
    order = [code for code, _ in AgeGroup.choices]
    return sorted(
        (
            {
                "label": str(AGE_LABELS.get(r["age_group"], r["age_group"])),
                "classes": r["n"],
                "children": r["children"] or 0,
                "code": r["age_group"],
            }
            for r in rows
        ),
        key=lambda r: order.index(r["code"]) if r["code"] in order else 99,
    )


def annual_results(institution: Institution, limit: int = 5) -> list[dict[str, Any]]:
    """Published annual inspection results, latest first; override reasons stay internal."""
    return [
        {"year": a.year, "result": a.result, "label": a.get_result_display(), "reasons": a.reasons}
        for a in published_annual_results().filter(institution=institution)[:limit]
    ]


def kindergarten_page(d: Directory, entry: Entry, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    inst = Institution.objects.select_related("county", "division").get(pk=entry.pk)
    fees = list(FeeStandard.objects.filter(institution=inst).order_by("-effective_on"))
    current_fee = next((f for f in fees if f.effective_on <= today), None)
    upcoming_fee = min(
        (f for f in fees if f.effective_on > today), key=lambda f: f.effective_on, default=None
    )
    return {
        "entry": entry,
        "inst": inst,
        "school_year": d.school_year,
        "classes": classes_summary(inst, d.school_year),
        "staffing": staffing_summary(inst, today),
        "current_fee": current_fee,
        "upcoming_fee": upcoming_fee,
        "annual": annual_results(inst),
        "renames": list(NameChange.objects.filter(institution=inst).order_by("-changed_on")),
        "today": today,
    }
