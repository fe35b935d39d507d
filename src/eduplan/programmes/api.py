"""JSON API endpoints of the programmes app, mounted under ``/api/`` by eduplan.api.api:
``GET /api/programmes/<register>`` (scoped, filtered, paginated) and ``POST`` (upsert through the
import's checks, all or nothing) for each register, plus ``GET /api/programmes/incentives``."""

# No ``from __future__ import annotations``: django-ninja reads these functions' annotations.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from eduplan.api.auth import caller
from eduplan.api.records import import_response, page
from eduplan.api.schemas import (
    ImportOut,
    ProblemsOut,
    filter_schema,
    item_schema,
    page_schema,
    row_schema,
    rows_schema,
)
from eduplan.intake.exporter import kind_queryset
from eduplan.intake.kinds import Kind

from .kinds import PROGRAMME_KINDS
from .queries import incentive_list
from .transfer import import_register_rows

router = Router(tags=["programmes 专项工作"])


def _add_routes(kind: Kind) -> None:
    Item = item_schema(kind)
    Page = page_schema("Prog" + "".join(p.capitalize() for p in kind.key.split("_")), Item)
    Filters = filter_schema(kind)
    Upsert = rows_schema(kind, row_schema(kind))
    path = f"/programmes/{kind.url_name}"

    def list_rows(request: HttpRequest, filters: Query[Filters]) -> Any:  # type: ignore[valid-type]
        f = filters.model_dump()  # type: ignore[attr-defined]
        qs = kind_queryset(
            kind,
            caller(request),
            county=f.get("county"),
            institution=f.get("institution"),
            year=f.get(kind.year_column) if kind.year_column else None,
        )
        return page(kind, qs, f["limit"], f["offset"])

    def upsert_rows(request: HttpRequest, payload: Upsert) -> Any:  # type: ignore[valid-type]
        rows = [r.model_dump(exclude_unset=True) for r in payload.rows]  # type: ignore[attr-defined]
        result = import_register_rows(kind, rows, user=caller(request), dry_run=payload.dry_run)  # type: ignore[attr-defined]
        return import_response(result)

    router.add_api_operation(
        path,
        ["GET"],
        list_rows,
        response=Page,
        operation_id=f"list_prog_{kind.key}",
        summary=f"{kind.label} {kind.key}: list",
        description=kind.description,
    )
    router.add_api_operation(
        path,
        ["POST"],
        upsert_rows,
        response={200: ImportOut, 403: ProblemsOut, 422: ProblemsOut},
        operation_id=f"upsert_prog_{kind.key}",
        summary=f"{kind.label} {kind.key}: create or update (all or nothing)",
        description=kind.description,
    )


for _kind in PROGRAMME_KINDS.values():
    _add_routes(_kind)


@router.get("/programmes/incentives", operation_id="programme_incentives", summary="PRE-5.2 incentives")
def incentives(request: HttpRequest) -> Any:
    """Counties eligible for PRE-5.2 incentives (targets met, or certified first), in the caller's scope."""
    rows = incentive_list(caller(request))
    for r in rows:
        r["certified_on"] = r["certified_on"].isoformat() if r["certified_on"] else None
    return rows
