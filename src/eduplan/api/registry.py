"""Endpoints across kinds: every institution whatever its kind, one institution or division by
code, and who the caller is. Outside the caller's scope a record does not exist (404)."""

# No ``from __future__ import annotations`` (see records.py).

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from eduplan.accounts import permissions
from eduplan.accounts.scoping import profile_of, scope
from eduplan.intake.kinds import DIVISIONS, INSTITUTION_KINDS, Column, Kind, field_column
from eduplan.registry.choices import DivisionLevel, InstitutionKind, Ownership
from eduplan.registry.models import Division, Institution

from .auth import caller
from .records import page
from .schemas import CodeStr, MeOut, api_columns, item_schema, page_schema, safe_text


def _union_columns() -> tuple[Column, ...]:
    seen: dict[str, Column] = {}
    for kind in INSTITUTION_KINDS:
        for col in kind.columns:
            seen.setdefault(col.key, col)
    kind_col = field_column(Institution, "kind", required=False)
    county = field_column(Institution, "county", "county_code", label="所属县代码", required=False)
    cols = list(seen.values())
    cols[2:2] = [kind_col] if "kind" not in seen else []
    if "kind" in seen:
        cols[[c.key for c in cols].index("kind")] = kind_col
    cols.insert([c.key for c in cols].index("division_code") + 1, county)
    return tuple(cols)


# Every institution, kindergarten or school, with all institution fields (the other kinds' empty).
INSTITUTIONS = Kind(
    key="institutions",
    label="学校与幼儿园",
    model=Institution,
    columns=_union_columns(),
    natural_key=("code",),
    link="division_code",
    order=2,
    description="全部机构 every institution",
    export_order=("code",),
)

router = Router(tags=["registry 机构与区划"])

InstitutionOut = item_schema(INSTITUTIONS)
InstitutionPage = page_schema("Institution", InstitutionOut)
DivisionOut = item_schema(DIVISIONS)

CodePath = Path(..., max_length=32, pattern=r"^[^\s\x00-\x1f\x7f]+$")


class InstitutionFilters(Schema):
    kind: Literal[tuple(InstitutionKind.values)] | None = None  # type: ignore[valid-type]
    county: CodeStr | None = Field(None, description="县代码 county code")  # type: ignore[valid-type]
    division: CodeStr | None = Field(None, description="乡镇代码 township code")  # type: ignore[valid-type]
    ownership: Literal[tuple(Ownership.values)] | None = None  # type: ignore[valid-type]
    q: safe_text(50) | None = Field(None, description="名称包含 name contains")  # type: ignore[valid-type]
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/institutions", response=InstitutionPage, operation_id="list_institutions")
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilters]) -> Any:
    """学校与幼儿园 every institution the caller may see, whatever its kind."""
    qs = scope(caller(request), Institution.objects.all())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.county:
        qs = qs.filter(county__code=filters.county)
    if filters.division:
        qs = qs.filter(division__code=filters.division)
    if filters.ownership:
        qs = qs.filter(ownership=filters.ownership)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return page(INSTITUTIONS, qs, filters.limit, filters.offset)


@router.get("/institutions/{code}", response=InstitutionOut, operation_id="get_institution")
def get_institution(request: HttpRequest, code: str = CodePath) -> Any:
    """一个机构 one institution by code (404 outside the caller's scope)."""
    qs = scope(caller(request), Institution.objects.filter(code=code))
    items = page(INSTITUTIONS, qs, 1, 0)["items"]
    if not items:
        raise Http404("没有这个机构,或您无权查看 / no such institution in your scope")
    return items[0]


@router.get("/divisions/{code}", response=DivisionOut, operation_id="get_division")
def get_division(request: HttpRequest, code: str = CodePath) -> Any:
    """一个区划 one division by code (404 outside the caller's scope)."""
    qs = scope(caller(request), Division.objects.filter(code=code))
    items = page(DIVISIONS, qs, 1, 0)["items"]
    if not items:
        raise Http404("没有这个区划,或您无权查看 / no such division in your scope")
    return items[0]


@router.get("/me", response=MeOut, operation_id="me")
def me(request: HttpRequest) -> Any:
    """当前用户 who the caller is, and the part of the registry they are bound to."""
    user = caller(request)
    profile = profile_of(user)
    return {
        "username": user.get_username(),
        "role": profile.role if profile else None,
        "division_code": profile.division.code if profile and profile.division_id else None,
        "institution_code": profile.institution.code if profile and profile.institution_id else None,
        "superuser": bool(user.is_superuser),
        "capabilities": permissions.capabilities(user),
    }


__all__ = ["INSTITUTIONS", "DivisionLevel", "api_columns", "router"]
