"""Every write to the programme registers. Views, the API, imports, the demo and tests call these.

Each action goes through the one save path (``common.saving.save_record``): ``full_clean``, the acting user's
write scope (``accounts.scoping``), a history entry with who and why, and a bump of the data
version (designations feed the plan's indicators, whose cached values must go stale).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User
from eduplan.common.saving import upsert_record
from eduplan.registry import actions as registry_actions
from eduplan.registry.models import Division, Institution

from .models import (
    CountyCertification,
    CountyEducationSpending,
    DemonstrationArea,
    Designation,
    DesignationKind,
    ParentCommittee,
    QualityEvaluation,
    ResidentialProject,
    SchoolGroup,
    SchoolGroupActivity,
    SchoolGroupMember,
    StandardisationProject,
    SubsidyDisbursement,
    SubsidyStandard,
    TeachingPointStandard,
    TrusteeshipSupport,
    VolunteerDuty,
)

# -- standardisation (一校一案) ------------------------------------------------------------------------


def record_project(
    institution: Institution, *, title: str, user: User | None = None, reason: str = "", **fields: Any
) -> StandardisationProject:
    """Create or update a high school's standardisation project (一校一案)."""
    return upsert_record(
        StandardisationProject,
        {"institution": institution, "title": title},
        fields,
        user=user,
        reason=reason or "标准化建设项目 standardisation project",
    )


def report_project_progress(
    project: StandardisationProject, *, stage: str, completion: int, user: User | None = None
) -> StandardisationProject:
    return registry_actions.update_fields(
        project, {"stage": stage, "completion": completion}, user=user, reason="进度更新 progress"
    )


# -- designations ----------------------------------------------------------------------------------


def designate(
    institution: Institution,
    kind: str,
    *,
    designated_on: dt.date,
    subject: str = "",
    user: User | None = None,
    **fields: Any,
) -> Designation:
    """Record a designation. A demonstration kindergarten is also marked on the registry record
    (``Institution.is_demonstration``), which the kindergarten indicator counts, so the two
    cannot drift apart through this action (rule PROG-DEMO-KG-SYNC catches other paths)."""
    with transaction.atomic():
        obj = upsert_record(
            Designation,
            {"institution": institution, "kind": kind, "subject": subject},
            {"designated_on": designated_on, **fields},
            user=user,
            reason="认定 designation",
        )
        if kind == DesignationKind.DEMO_KINDERGARTEN:
            _sync_demonstration_flag(institution, on=designated_on)
    return obj


def revoke_designation(designation: Designation, *, on: dt.date, user: User | None = None) -> Designation:
    with transaction.atomic():
        obj = registry_actions.update_fields(
            designation, {"revoked_on": on}, user=user, reason="撤销 revoked"
        )
        if designation.kind == DesignationKind.DEMO_KINDERGARTEN:
            _sync_demonstration_flag(designation.institution, on=on)
    return obj


def _sync_demonstration_flag(institution: Institution, *, on: dt.date) -> None:
    """Keep the registry flag in step, in force from the designation's own date (time model)."""
    in_force = Designation.objects.filter(
        institution=institution, kind=DesignationKind.DEMO_KINDERGARTEN, revoked_on__isnull=True
    ).exists()
    institution.refresh_from_db()
    if institution.is_demonstration != in_force:
        registry_actions.update_fields(
            institution,
            {"is_demonstration": in_force},
            reason="课程游戏化示范园认定 designation",
            effective_from=on,
        )


def designate_area(
    division: Division, *, designated_on: dt.date, user: User | None = None, **fields: Any
) -> DemonstrationArea:
    return upsert_record(
        DemonstrationArea,
        {"division": division},
        {"designated_on": designated_on, **fields},
        user=user,
        reason="课程游戏化示范区 demonstration area",
    )


# -- school groups (集团化办学) -------------------------------------------------------------------------


def create_group(
    lead: Institution, *, name: str, started_on: dt.date, user: User | None = None, **fields: Any
) -> SchoolGroup:
    return upsert_record(
        SchoolGroup,
        {"lead": lead},
        {"name": name, "started_on": started_on, **fields},
        user=user,
        reason="教育集团 school group",
    )


def add_group_member(
    lead: Institution, member: Institution, *, joined_on: dt.date, user: User | None = None, **fields: Any
) -> SchoolGroupMember:
    return upsert_record(
        SchoolGroupMember,
        {"lead": lead, "member": member},
        {"joined_on": joined_on, **fields},
        user=user,
        reason="集团成员 group member",
    )


# -- subsidies to inclusive private kindergartens --------------------------------------------------


def set_subsidy_standard(
    county: Division,
    school_year: int,
    per_child: Decimal | str | int,
    *,
    user: User | None = None,
    document: str = "",
) -> SubsidyStandard:
    return upsert_record(
        SubsidyStandard,
        {"county": county, "school_year": school_year},
        {"per_child": Decimal(str(per_child)), "document": document},
        user=user,
        reason="奖补标准 subsidy standard",
    )


def record_disbursement(
    institution: Institution,
    school_year: int,
    *,
    children: int,
    due_on: dt.date,
    paid_amount: Decimal | str | int = 0,
    paid_on: dt.date | None = None,
    user: User | None = None,
) -> SubsidyDisbursement:
    return upsert_record(
        SubsidyDisbursement,
        {"institution": institution, "school_year": school_year},
        {
            "children": children,
            "due_on": due_on,
            "paid_amount": Decimal(str(paid_amount)),
            "paid_on": paid_on,
        },
        user=user,
        reason="奖补资金拨付 subsidy disbursement",
    )


# -- parent committees and volunteers --------------------------------------------------------------


def establish_committee(
    institution: Institution,
    *,
    established_on: dt.date,
    members: int,
    user: User | None = None,
    **fields: Any,
) -> ParentCommittee:
    return upsert_record(
        ParentCommittee,
        {"institution": institution, "established_on": established_on},
        {"members": members, **fields},
        user=user,
        reason="家长委员会 parent committee",
    )


def record_volunteer_duty(
    institution: Institution, *, on: dt.date, volunteers: int, duty: str = "gate", user: User | None = None
) -> VolunteerDuty:
    return upsert_record(
        VolunteerDuty,
        {"institution": institution, "on": on, "duty": duty},
        {"volunteers": volunteers},
        user=user,
        reason="家长志愿者值守 volunteer duty",
    )


# -- incentives ------------------------------------------------------------------------------------


def certify_county(
    county: Division,
    *,
    kind: str,
    certified_on: dt.date,
    document: str = "",
    revoked_on: dt.date | None = None,
    user: User | None = None,
) -> CountyCertification:
    """The city certifies a county: a county officer may not certify (their own) county."""
    if user is not None and not getattr(user, "is_superuser", False):
        if not permissions.may_certify_counties(user):
            raise PermissionDenied(
                "只有市级人员可以录入普及普惠县认定 / only city officers record certifications"
            )
    return upsert_record(
        CountyCertification,
        {"county": county, "kind": kind},
        {"certified_on": certified_on, "document": document, "revoked_on": revoked_on},
        user=user,
        reason="普及普惠县认定撤销 revocation" if revoked_on else "普及普惠县认定 certification",
    )


# -- county education spending (两个只增不减) ------------------------------------------------------


def record_education_spending(
    county: Division, *, year: int, user: User | None = None, reason: str = "", **fields: Any
) -> CountyEducationSpending:
    """Create or update a county's education spending of one budget year (from its 决算)."""
    return upsert_record(
        CountyEducationSpending,
        {"county": county, "year": year},
        fields,
        user=user,
        reason=reason or "县级教育经费 county education spending",
    )


def set_teaching_point_standard(
    county: Division, *, effective_on: dt.date, user: User | None = None, reason: str = "", **fields: Any
) -> TeachingPointStandard:
    """Record the county's own 办园点 standard in force from ``effective_on`` (a new date is a new
    version; the earlier one stays for the days before it)."""
    return upsert_record(
        TeachingPointStandard,
        {"county": county, "effective_on": effective_on},
        fields,
        user=user,
        reason=reason or "县级办园点标准 county teaching-point standard",
    )


def record_quality_evaluation(
    institution: Institution,
    *,
    evaluated_on: dt.date,
    user: User | None = None,
    reason: str = "",
    **fields: Any,
) -> QualityEvaluation:
    """Record a kindergarten's dated quality evaluation (保教质量评估) with its result and report."""
    return upsert_record(
        QualityEvaluation,
        {"institution": institution, "evaluated_on": evaluated_on},
        fields,
        user=user,
        reason=reason or "保教质量评估 quality evaluation",
    )


def record_group_activity(
    lead: Institution,
    member: Institution,
    *,
    held_on: dt.date,
    title: str,
    user: User | None = None,
    reason: str = "",
    **fields: Any,
) -> SchoolGroupActivity:
    """Record that a member school took part in a shared activity of the group ``lead`` leads."""
    return upsert_record(
        SchoolGroupActivity,
        {"lead": lead, "member": member, "held_on": held_on, "title": title},
        fields,
        user=user,
        reason=reason or "集团共享活动 group activity",
    )


def record_trusteeship_support(
    institution: Institution,
    *,
    channel: str,
    started_on: dt.date,
    user: User | None = None,
    reason: str = "",
    **fields: Any,
) -> TrusteeshipSupport:
    """Record a county high school's trusteeship through one of the five channels (五个一)."""
    return upsert_record(
        TrusteeshipSupport,
        {"institution": institution, "channel": channel, "started_on": started_on},
        fields,
        user=user,
        reason=reason or "托管帮扶渠道 trusteeship channel",
    )


def record_residential_project(
    institution: Institution, *, name: str, user: User | None = None, reason: str = "", **fields: Any
) -> ResidentialProject:
    """Record the housing project of a residential supporting kindergarten with its four dates."""
    return upsert_record(
        ResidentialProject,
        {"institution": institution, "name": name},
        fields,
        user=user,
        reason=reason or "小区配套项目 residential project",
    )
