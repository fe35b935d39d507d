"""Every write to the duty registers. Pages, the API, imports, the demo and tests call these.

Each action upserts on the register's natural key through the one save path
(``common.saving.save_record``): the acting user's write scope, ``full_clean``, history with who and
why, and a bump of the data version (the rules read these registers, their cached findings go stale).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from eduplan.common.saving import save_record
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


def _upsert(
    model: type[models.Model], key: dict[str, Any], fields: dict[str, Any], *, user: Any, reason: str
) -> Any:
    obj = model._default_manager.filter(**key).first() or model(**key)
    for name, value in fields.items():
        setattr(obj, name, value)
    return save_record(obj, user=user, reason=reason)


def record_party_coverage(
    institution: Institution, *, established_on: Any, user: Any = None, **fields: Any
) -> PartyCoverage:
    """A party organisation covering a kindergarten (党组织覆盖)."""
    return _upsert(
        PartyCoverage,
        {"institution": institution, "established_on": established_on},
        fields,
        user=user,
        reason="党组织覆盖 party organisation coverage",
    )


def register_public_institution(
    institution: Institution, *, registered_on: Any, credit_code: str, user: Any = None, **fields: Any
) -> PublicRegistration:
    """A township central kindergarten's public-institution registration (事业单位法人登记)."""
    return _upsert(
        PublicRegistration,
        {"institution": institution, "registered_on": registered_on},
        {"credit_code": credit_code, **fields},
        user=user,
        reason="事业单位法人登记 public-institution registration",
    )


def record_guidance_visit(
    institution: Institution, *, on: Any, guide_kind: str, topic: str, user: Any = None, **fields: Any
) -> GuidanceVisit:
    """A research guidance visit (教研指导) to a kindergarten."""
    return _upsert(
        GuidanceVisit,
        {"institution": institution, "on": on, "guide_kind": guide_kind},
        {"topic": topic, **fields},
        user=user,
        reason="教研指导 research guidance",
    )


def record_nonprofit_accounts(
    institution: Institution, school_year: int, *, user: Any = None, **fields: Any
) -> NonProfitAccounts:
    """A non-profit private kindergarten's audited accounts and filed fee account for a year."""
    return _upsert(
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
    user: Any = None,
) -> ClassroomPairing:
    """A school year of a "three classrooms" pairing, with the sessions held."""
    return _upsert(
        ClassroomPairing,
        {"provider": provider, "receiver": receiver, "mode": mode, "school_year": school_year},
        {"sessions": sessions},
        user=user,
        reason="三个课堂结对 three-classrooms pairing",
    )


def record_trusteeship_fee(
    institution: Institution, *, voucher: str, user: Any = None, **fields: Any
) -> TrusteeshipFee:
    """A payment made under a trusteeship (托管帮扶费用)."""
    return _upsert(
        TrusteeshipFee,
        {"institution": institution, "voucher": voucher},
        fields,
        user=user,
        reason="托管帮扶费用 trusteeship fee",
    )


def record_talent_outflow(county: Division, year: int, *, user: Any = None, **counts: int) -> TalentOutflow:
    """A county's outflow of top candidates and high-school teachers for a year (counts only)."""
    return _upsert(
        TalentOutflow,
        {"county": county, "year": year},
        counts,
        user=user,
        reason="县中生源与师资流失 outflow",
    )


def record_teacher_pay(
    institution: Institution, school_year: int, *, teachers: int, average_monthly: Any, user: Any = None
) -> TeacherPay:
    """A kindergarten's teachers' average monthly pay for a school year."""
    return _upsert(
        TeacherPay,
        {"institution": institution, "school_year": school_year},
        {"teachers": teachers, "average_monthly": average_monthly},
        user=user,
        reason="幼儿园教师工资 teachers' pay",
    )
