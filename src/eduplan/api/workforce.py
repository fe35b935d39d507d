"""JSON API endpoints of the workforce app, mounted under ``/api/`` by eduplan.api.api.

Everything is cut to the caller's scope (``accounts.scoping.scope``); the ethics registers answer
403 to roles that may not see them. Writes go through ``workforce.actions``.
"""

# No ``from __future__ import annotations`` (ninja reads the annotations at import time).

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from eduplan.api.auth import caller
from eduplan.registry.models import Institution, StaffMember
from eduplan.workforce import actions, registers, training
from eduplan.workforce.models import TrainingLevel

router = Router(tags=["workforce 教师队伍"])

RegisterName = Literal[tuple(registers.REGISTERS)]  # type: ignore[valid-type]


class CoverageFilters(Schema):
    as_of: dt.date | None = Field(None, description="核查日期 judge on this day (default today)")
    county: str | None = Field(None, max_length=12, description="县或市代码 county or city code")


class ListFilters(Schema):
    county: str | None = Field(None, max_length=12)
    limit: int = Field(200, ge=1, le=5000)
    offset: int = Field(0, ge=0)


class TrainingIn(Schema):
    institution_code: str = Field(..., max_length=32)
    id_hash: str = Field(..., min_length=64, max_length=64, description="人员标识(导出文件中) staff id_hash")
    level: Literal[tuple(TrainingLevel.values)]  # type: ignore[valid-type]
    course: str = Field(..., min_length=1, max_length=120)
    hours: Decimal = Field(..., gt=0, le=2000)
    start_date: dt.date
    end_date: dt.date
    provider: str = Field("", max_length=120)


@router.get("/workforce/coverage", operation_id="workforce_coverage")
def coverage(request: HttpRequest, filters: Query[CoverageFilters]) -> Any:
    """轮训覆盖率 rotation training coverage by county and institution."""
    cov = training.coverage(filters.as_of or dt.date.today(), caller(request), county=filters.county)
    return {
        "cycle": cov.cycle.label,
        "judged_on": cov.cycle.judged_on,
        "counties": [t.as_dict() for t in cov.counties],
        "institutions": [t.as_dict() for t in cov.institutions],
    }


@router.post("/workforce/training", operation_id="workforce_add_training")
def add_training(request: HttpRequest, data: TrainingIn) -> Any:
    """登记培训记录 record a course a staff member completed."""
    user = caller(request)
    inst = actions.visible(user, Institution.objects.filter(code=data.institution_code)).first()
    person = (
        actions.visible(user, StaffMember.objects.filter(institution=inst, id_hash=data.id_hash))
        .order_by("-start_date")
        .first()
        if inst
        else None
    )
    if person is None:
        raise Http404("没有该教职工,或不在您的范围内 / no such staff member in your scope")
    rec = actions.record_training(
        person,
        level=data.level,
        course=data.course,
        hours=data.hours,
        start_date=data.start_date,
        end_date=data.end_date,
        provider=data.provider,
        user=user,
    )
    return {"id": rec.pk, "year": rec.year, "hours": rec.hours}


@router.get("/workforce/{name}", operation_id="workforce_register")
def register_rows(request: HttpRequest, name: RegisterName, filters: Query[ListFilters]) -> Any:  # type: ignore[valid-type]
    """名册 a workforce register's rows, as its export writes them (identity numbers masked)."""
    reg, rows = registers.export_rows(name, caller(request), filters.county)
    return {
        "register": reg.key,
        "count": len(rows),
        "items": rows[filters.offset : filters.offset + filters.limit],
    }
