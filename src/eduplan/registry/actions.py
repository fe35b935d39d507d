"""Every write to the registry that carries meaning. Views, the API, imports, the demo and tests
call these; nothing else saves registry models.

Each action saves through the one save path (``eduplan.common.saving``): ``full_clean`` (so bad
data is refused the same way everywhere), the acting user's write scope when a user is given, a
history entry with who and why (or an audit entry), and a bump of the data version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models, transaction

from eduplan.accounts.scoping import User
from eduplan.common.saving import check_write, save_record

from . import identity, timeline
from .choices import DivisionLevel, ManagementPost, PairingKind
from .models import (
    Births,
    Division,
    FeeStandard,
    Institution,
    ManagementAppointment,
    NameChange,
    Pairing,
    PopulationCount,
    SafetyRecord,
    SchoolClass,
    StaffMember,
)

M = TypeVar("M", bound=models.Model)


def save_validated(
    obj: M, *, user: User | None = None, reason: str = "", effective_from: dt.date | None = None
) -> M:
    """Validate, check the user's scope, save, and record who and why in the history: the one
    save path (:func:`eduplan.common.saving.save_record`), which also writes the audit entry and
    bumps the data version. An institution's tracked attributes (``models.states``) are also
    recorded as holding from ``effective_from`` (or the pipeline's date, or today), and a new
    institution's from its opening (:mod:`.timeline`)."""
    if not isinstance(obj, Institution):
        return save_record(obj, user=user, reason=reason)
    with transaction.atomic():
        before = timeline.stored_state(obj)
        save_record(obj, user=user, reason=reason)
        if before is None:
            timeline.record_opening(obj, user=user, reason=reason)
        else:
            timeline.record_change(obj, before, effective_from=effective_from, user=user, reason=reason)
    return obj


def update_fields(
    obj: M,
    changes: dict[str, Any],
    *,
    user: User | None = None,
    reason: str = "",
    effective_from: dt.date | None = None,
) -> M:
    """Change some fields of a record; the old values stay in its history (and, for an
    institution's tracked attributes, in force until ``effective_from``)."""
    check_write(user, obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    return save_validated(obj, user=user, reason=reason, effective_from=effective_from)


def change_institution(
    institution: Institution,
    changes: dict[str, Any],
    *,
    effective_from: dt.date,
    reason: str,
    user: User | None = None,
) -> Institution:
    """A dated change of an institution (conversion, re-grading, re-rating, licensing …): holds
    from ``effective_from``, recorded now with who and why; a date in a school year already
    reported makes it a correction of that year (``metrics.corrections``)."""
    return update_fields(institution, changes, user=user, reason=reason, effective_from=effective_from)


def create_division(
    *,
    code: str,
    name: str,
    level: str,
    parent: Division | None = None,
    user: User | None = None,
    **fields: Any,
) -> Division:
    return save_validated(Division(code=code, name=name, level=level, parent=parent, **fields), user=user)


def retire_division(
    division: Division, *, on: dt.date, successors: list[dict[str, Any]], user: User | None = None
) -> list[Division]:
    """Split or merge: the old division ends the day before ``on`` and successors start on ``on``,
    so earlier years still aggregate to the old boundary (unlike DHIS2, which rewrites history)."""
    with transaction.atomic():
        update_fields(division, {"valid_to": on}, user=user, reason="区划调整 boundary change")
        return [
            create_division(parent=division.parent, valid_from=on, user=user, **spec) for spec in successors
        ]


def create_institution(*, user: User | None = None, **fields: Any) -> Institution:
    return save_validated(Institution(**fields), user=user, reason="新建 created")


def rename_institution(
    institution: Institution, new_name: str, *, on: dt.date, reason: str = "", user: User | None = None
) -> Institution:
    """Rename and publish old → new (non-compliant names are changed and re-licensed)."""
    with transaction.atomic():
        old = institution.name
        update_fields(institution, {"name": new_name}, user=user, reason=reason or "更名 renamed")
        NameChange.objects.create(
            institution=institution, old_name=old, new_name=new_name, changed_on=on, reason=reason
        )
    return institution


def add_staff_member(
    institution: Institution, *, identity_number: str, user: User | None = None, **fields: Any
) -> StaffMember:
    """Add a staff member; the identity number is validated (GB 11643) and only its keyed hash and
    last four characters are kept."""
    member = StaffMember(
        institution=institution,
        id_hash=identity.hash_number(identity_number),
        id_last4=identity.last4(identity_number),
        **fields,
    )
    return save_validated(member, user=user, reason="新增 added")


def end_staff_appointment(
    member: StaffMember, *, on: dt.date, filed_on: dt.date | None = None, user: User | None = None
) -> StaffMember:
    return update_fields(member, {"end_date": on, "change_filed_on": filed_on}, user=user, reason="离职 left")


def record_class(institution: Institution, *, user: User | None = None, **fields: Any) -> SchoolClass:
    return save_validated(SchoolClass(institution=institution, **fields), user=user)


def set_population(
    division: Division,
    *,
    year: int,
    age_min: int,
    age_max: int | None,
    sex: str,
    basis: str,
    count: int,
    user: User | None = None,
) -> PopulationCount:
    row = PopulationCount.objects.filter(
        division=division, year=year, basis=basis, sex=sex, age_min=age_min
    ).first() or PopulationCount(division=division, year=year, basis=basis, sex=sex, age_min=age_min)
    row.age_max = age_max
    row.count = count
    return save_validated(row, user=user)


def set_births(
    division: Division, *, year: int, count: int, basis: str = "resident", user: User | None = None
) -> Births:
    row = Births.objects.filter(division=division, year=year, basis=basis).first() or Births(
        division=division, year=year, basis=basis
    )
    row.count = count
    return save_validated(row, user=user)


def record_safety_check(
    institution: Institution, *, checked_on: dt.date, user: User | None = None, **items: bool
) -> SafetyRecord:
    return save_validated(SafetyRecord(institution=institution, checked_on=checked_on, **items), user=user)


def file_fee_standard(
    institution: Institution,
    *,
    monthly_fee: Any,
    effective_on: dt.date,
    filed_on: dt.date | None,
    contracted_ceiling: bool = False,
    user: User | None = None,
) -> FeeStandard:
    fee = FeeStandard(
        institution=institution,
        monthly_fee=monthly_fee,
        effective_on=effective_on,
        filed_on=filed_on,
        contracted_ceiling=contracted_ceiling,
    )
    return save_validated(fee, user=user, reason="收费备案 fee filed")


def create_pairing(
    *,
    kind: str,
    supported: Institution,
    start_date: dt.date,
    supporter: Institution | None = None,
    supporter_name: str = "",
    user: User | None = None,
    **fields: Any,
) -> Pairing:
    if kind not in PairingKind.values:
        raise ValueError(f"未知结对类型 unknown pairing kind {kind!r}")
    pairing = Pairing(
        kind=kind,
        supported=supported,
        supporter=supporter,
        supporter_name=supporter_name,
        start_date=start_date,
        **fields,
    )
    return save_validated(pairing, user=user)


def appoint_management_post(
    county: Division,
    *,
    post: str,
    person_name: str,
    start_date: dt.date,
    user: User | None = None,
    **fields: Any,
) -> ManagementAppointment:
    """Each county names a preschool administrator and a preschool researcher."""
    if county.level != DivisionLevel.COUNTY:
        raise ValueError(f"{county} 不是县级区划 / is not a county")
    if post not in ManagementPost.values:
        raise ValueError(f"未知岗位 unknown post {post!r}")
    appointment = ManagementAppointment(
        county=county, post=post, person_name=person_name, start_date=start_date, **fields
    )
    return save_validated(appointment, user=user)
