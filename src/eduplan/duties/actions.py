"""Every write to the duty registers. Pages, the API, imports, the demo and tests call these.

Each action upserts on the register's natural key through the one save path
(``common.saving.save_record``): the acting user's write scope, ``full_clean``, history with who and
why, and a bump of the data version (the rules read these registers, their cached findings go stale).
"""

from __future__ import annotations

from typing import Any

from eduplan.accounts.scoping import User
from eduplan.common.saving import upsert_record
from eduplan.registry.models import Division, Institution

from .models import (
    ClassroomPairing,
    GuidanceVisit,
    NonProfitAccounts,
    PartyCoverage,
    PublicRegistration,
    TalentOutflow,
    TeacherPay,
    TrusteeshipFee,
)


def record_party_coverage(
    institution: Institution, *, established_on: Any, user: User | None = None, **fields: Any
) -> PartyCoverage:
    """A party organisation covering a kindergarten (党组织覆盖)."""
    return upsert_record(
        PartyCoverage,
        {"institution": institution, "established_on": established_on},
        fields,
        user=user,
        reason="党组织覆盖 party organisation coverage",
    )


def register_public_institution(
    institution: Institution, *, registered_on: Any, credit_code: str, user: User | None = None, **fields: Any
) -> PublicRegistration:
    """A township central kindergarten's public-institution registration (事业单位法人登记)."""
    return upsert_record(
        PublicRegistration,
        {"institution": institution, "registered_on": registered_on},
        {"credit_code": credit_code, **fields},
        user=user,
        reason="事业单位法人登记 public-institution registration",
    )


def record_guidance_visit(
    institution: Institution, *, on: Any, guide_kind: str, topic: str, user: User | None = None, **fields: Any
) -> GuidanceVisit:
    """A research guidance visit (教研指导) to a kindergarten."""
    return upsert_record(
        GuidanceVisit,
        {"institution": institution, "on": on, "guide_kind": guide_kind},
        {"topic": topic, **fields},
        user=user,
        reason="教研指导 research guidance",
    )


def record_nonprofit_accounts(
    institution: Institution, school_year: int, *, user: User | None = None, **fields: Any
) -> NonProfitAccounts:
    """A non-profit private kindergarten's audited accounts and filed fee account for a year."""
    return upsert_record(
        NonProfitAccounts,
        {"institution": institution, "school_year": school_year},
        fields,
        user=user,
        reason="非营利性民办园财务 non-profit accounts",
    )


def record_classroom_pairing(
    provider: Institution,
    receiver: Institution,
    *,
    mode: str,
    school_year: int,
    sessions: int,
    user: User | None = None,
) -> ClassroomPairing:
    """A school year of a "three classrooms" pairing, with the sessions held."""
    return upsert_record(
        ClassroomPairing,
        {"provider": provider, "receiver": receiver, "mode": mode, "school_year": school_year},
        {"sessions": sessions},
        user=user,
        reason="三个课堂结对 three-classrooms pairing",
    )


def record_trusteeship_fee(
    institution: Institution, *, voucher: str, user: User | None = None, **fields: Any
) -> TrusteeshipFee:
    """A payment made under a trusteeship (托管帮扶费用)."""
    return upsert_record(
        TrusteeshipFee,
        {"institution": institution, "voucher": voucher},
        fields,
        user=user,
        reason="托管帮扶费用 trusteeship fee",
    )


def record_talent_outflow(
    county: Division, year: int, *, user: User | None = None, **counts: int
) -> TalentOutflow:
    """A county's outflow of top candidates and high-school teachers for a year (counts only)."""
    return upsert_record(
        TalentOutflow,
        {"county": county, "year": year},
        counts,
        user=user,
        reason="县中生源与师资流失 outflow",
    )


def record_teacher_pay(
    institution: Institution,
    school_year: int,
    *,
    teachers: int,
    average_monthly: Any,
    user: User | None = None,
) -> TeacherPay:
    """A kindergarten's teachers' average monthly pay for a school year."""
    return upsert_record(
        TeacherPay,
        {"institution": institution, "school_year": school_year},
        {"teachers": teachers, "average_monthly": average_monthly},
        user=user,
        reason="幼儿园教师工资 teachers' pay",
    )
