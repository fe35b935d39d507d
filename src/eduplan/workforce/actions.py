"""Every write to the workforce registers: validate (``full_clean`` and the models' constraints),
check the user through the one scoping function, save through the one save path (history with
who and why, audit entry, data version: ``eduplan.common.saving``).

Who may write: the county officer of the row's county and the city officer; the principal of the
row's own institution for the school's own records (training, performance pay, publicity, the
yearly ethics assessment — the models' ``SCOPE.principal_writes``); never supervisors or viewers.
Negative-list entries, awards and evaluation schemes are written by the bureaus only. ``user=None``
is the system (imports run by the database holder, the demo, tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.saving import save_record
from eduplan.registry.models import Division, Institution, StaffMember

from .models import (
    CareerEvent,
    EthicsAssessment,
    EvaluationCriterion,
    EvaluationScheme,
    NegativeListEntry,
    PerformancePay,
    PublicityItem,
    TrainingRecord,
)

M = TypeVar("M", bound=models.Model)


def refuse(zh: str, en: str) -> PermissionDenied:
    return PermissionDenied(f"{zh} / {en}")


def may_write(
    user: User | None, model: type[models.Model], parent: models.Model | None, obj: Any = None
) -> bool:
    """Whether ``user`` may create a ``model`` row under ``parent`` (or change ``obj``)."""
    if user is None or (getattr(user, "is_superuser", False) and user.is_active):
        return True
    if not permissions.may_create(user, model):
        return False
    if obj is not None and obj.pk is not None:
        return scope(user, model._default_manager.filter(pk=obj.pk), write=True).exists()
    if parent is None:
        return False
    return scope(user, type(parent)._default_manager.filter(pk=parent.pk)).exists()


def _require(
    user: User | None, model: type[models.Model], parent: models.Model | None, obj: Any = None
) -> None:
    if not may_write(user, model, parent, obj):
        raise refuse(
            f"无权登记或修改该{model._meta.verbose_name}",
            "you may not record or change this record (outside your area or role)",
        )


def _save(obj: M, user: User | None, reason: str) -> M:
    """The one save path; who may write was decided by :func:`_require` (the registers' own rule)."""
    return save_record(obj, user=user, reason=reason, scope_checked=True)


def _upsert(model: type[M], key: dict[str, Any], values: dict[str, Any], parent: Any, user: User | None) -> M:
    """Create the row with ``key``, or update the one that has it (re-imports change nothing)."""
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        _require(user, model, parent)
        return _save(model(**key, **values), user, "登记 recorded")
    _require(user, model, parent, obj)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return obj
    for k in changed:
        setattr(obj, k, values[k])
    return _save(obj, user, "修改 changed: " + ", ".join(changed))


@transaction.atomic
def record_training(
    staff: StaffMember,
    *,
    level: str,
    course: str,
    hours: Decimal | int | str,
    start_date: dt.date,
    end_date: dt.date,
    provider: str = "",
    user: User | None = None,
) -> TrainingRecord:
    """A course a staff member completed (its year is the end date's year)."""
    return _upsert(
        TrainingRecord,
        {"staff": staff, "course": course.strip(), "start_date": start_date},
        {
            "level": level,
            "hours": Decimal(str(hours)),
            "end_date": end_date,
            "year": end_date.year,
            "provider": provider.strip(),
        },
        staff,
        user,
    )


@transaction.atomic
def record_performance_pay(
    institution: Institution,
    year: int,
    *,
    frontline: tuple[Decimal | int | str, int],
    class_teachers: tuple[Decimal | int | str, int],
    others: tuple[Decimal | int | str, int],
    total: Decimal | int | str | None = None,
    user: User | None = None,
) -> PerformancePay:
    """A high school's performance pay for ``year``, as (amount, headcount) per group."""
    amounts = [Decimal(str(a)) for a, _ in (frontline, class_teachers, others)]
    values = {
        "frontline_amount": amounts[0],
        "frontline_count": frontline[1],
        "class_teacher_amount": amounts[1],
        "class_teacher_count": class_teachers[1],
        "other_amount": amounts[2],
        "other_count": others[1],
        "total": Decimal(str(total)) if total is not None else sum(amounts, Decimal(0)),
    }
    return _upsert(PerformancePay, {"institution": institution, "year": year}, values, institution, user)


@transaction.atomic
def record_evaluation_scheme(
    county: Division,
    year: int,
    title: str,
    *,
    target: str,
    criteria: Sequence[tuple[str, str, Decimal | int | str]],
    institution: Institution | None = None,
    issued_on: dt.date | None = None,
    admission_targets: bool = False,
    user: User | None = None,
) -> EvaluationScheme:
    """A scheme and its criteria (name, category, weight %); the criteria replace any
    earlier ones of the same scheme."""
    if not criteria:
        raise ValidationError(
            {"criteria": "评价方案至少要有一项指标 / a scheme needs at least one criterion"}
        )
    scheme = _upsert(
        EvaluationScheme,
        {"county": county, "year": year, "title": title.strip()},
        {
            "institution": institution,
            "target": target,
            "issued_on": issued_on,
            "admission_targets": admission_targets,
        },
        institution or county,
        user,
    )
    wanted = {name.strip(): (category, Decimal(str(weight))) for name, category, weight in criteria}
    for old in scheme.criteria.exclude(name__in=list(wanted)):
        old.delete()
    for name, (category, weight) in wanted.items():
        _upsert(
            EvaluationCriterion,
            {"scheme": scheme, "name": name},
            {"category": category, "weight": weight},
            scheme,
            None,  # the scheme's permission was checked above
        )
    return scheme


@transaction.atomic
def record_ethics_assessment(
    staff: StaffMember,
    year: int,
    result: str,
    *,
    assessed_on: dt.date | None = None,
    note: str = "",
    user: User | None = None,
) -> EthicsAssessment:
    """The yearly ethics assessment, made by the school (or a bureau)."""
    return _upsert(
        EthicsAssessment,
        {"staff": staff, "year": year},
        {"result": result, "assessed_on": assessed_on, "note": note.strip()},
        staff,
        user,
    )


@transaction.atomic
def record_negative_entry(
    staff: StaffMember,
    *,
    category: str,
    occurred_on: dt.date,
    decided_on: dt.date,
    consequence: str,
    ban_years: int = 0,
    serious: bool = False,
    description: str = "",
    user: User | None = None,
) -> NegativeListEntry:
    """A negative-list breach and its handling (county or city bureau only).

    A serious case also bars the county from 普及普惠 certification: the bureau records
    it as an incident of kind ``teacher_ethics`` in supervision; rule ``HS-ETHICS-INCIDENT`` flags
    serious entries without one."""
    return _upsert(
        NegativeListEntry,
        {"staff": staff, "category": category, "occurred_on": occurred_on},
        {
            "decided_on": decided_on,
            "consequence": consequence,
            "ban_years": ban_years,
            "serious": serious,
            "description": description.strip(),
        },
        staff,
        user,
    )


@transaction.atomic
def record_career_event(
    staff: StaffMember,
    *,
    kind: str,
    title: str,
    granted_on: dt.date,
    granted_by: str = "",
    user: User | None = None,
) -> CareerEvent:
    """An award or promotion (checked against negative-list bars by ``HS-ETHICS-BAR``)."""
    return _upsert(
        CareerEvent,
        {"staff": staff, "kind": kind, "title": title.strip(), "granted_on": granted_on},
        {"granted_by": granted_by.strip()},
        staff,
        user,
    )


@transaction.atomic
def record_publicity(
    institution: Institution,
    *,
    published_on: dt.date,
    channel: str,
    title: str,
    text: str = "",
    url: str = "",
    user: User | None = None,
) -> PublicityItem:
    """A school's public publicity item (scanned for hype by ``HS-HYPE``)."""
    return _upsert(
        PublicityItem,
        {"institution": institution, "published_on": published_on, "title": title.strip()},
        {"channel": channel, "text": text.strip(), "url": url.strip()},
        institution,
        user,
    )


@transaction.atomic
def delete_record(obj: models.Model, *, user: User | None = None, reason: str = "") -> None:
    """Remove a record entered in error (its history keeps it)."""
    _require(user, type(obj), None, obj)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写删除原因 / give a reason"})
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]
    obj.delete()


def visible(user: User | None, qs: models.QuerySet) -> models.QuerySet:
    """``qs`` as ``user`` may see it (the system sees everything)."""
    return qs if user is None else scope(user, qs)


def any_visible(user: User | None, models_: Iterable[type[models.Model]]) -> bool:
    return any(visible(user, m._default_manager.all()).exists() for m in models_)
