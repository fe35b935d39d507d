"""One pair of endpoints per kind of registry data — ``GET /api/<kind>`` (scoped, filtered,
paginated) and ``POST /api/<kind>`` (upsert, all or nothing) — generated from the intake column
specs. A write runs through exactly the import's checks and the user's write scope, so the API can
do nothing an upload could not."""

# No ``from __future__ import annotations``: django-ninja reads these functions' annotations, which
# name schemas built at import time.

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from eduplan.intake.exporter import kind_queryset, records
from eduplan.intake.importer import ImportResult, import_rows
from eduplan.intake.kinds import KINDS, Kind
from eduplan.registry import timeline

from .auth import caller
from .schemas import (
    ImportOut,
    ProblemsOut,
    api_columns,
    filter_schema,
    item_schema,
    page_schema,
    row_schema,
    rows_schema,
)

router = Router(tags=["records 登记数据"])


def page(kind: Kind, qs: Any, limit: int, offset: int) -> dict[str, Any]:
    """One page of records, in a stable order (by id), as the API shows them."""
    columns = api_columns(kind)
    count = qs.count()
    chunk = qs.order_by("pk")[offset : offset + limit]
    rows = records(kind, chunk, style="api", sort=False, columns=columns)
    rows.sort(key=lambda r: r[0])
    keys = ["id", *(c.key for c in columns)]
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "items": [dict(zip(keys, r, strict=True)) for r in rows],
    }


def import_response(result: ImportResult) -> Status:
    batch = result.batch.pk if result.batch else None
    if result.ok:
        return Status(200, {"batch": batch, "dry_run": result.dry_run, "counts": result.counts})
    status = 403 if result.permission_denied else 422
    return Status(
        status,
        {
            "detail": f"{len(result.problems)} 个错误,未写入任何数据 / {len(result.problems)} problems, nothing was written",
            "batch": batch,
            "errors": [p.as_dict() for p in result.problems],
        },
    )


def add_routes(
    router: Router,
    kind: Kind,
    *,
    prefix: str = "",
    write: Callable[..., ImportResult] | None = None,
) -> None:
    """``GET`` and ``POST`` at ``/<prefix><kind.url_name>`` on ``router``. ``write(kind, rows,
    user=…, dry_run=…)`` stores rows all or nothing (default: the registry import); other apps'
    registers pass their own with a ``prefix`` such as ``"programmes/"``."""
    name = prefix.strip("/").replace("/", "_")
    Item = item_schema(kind)
    Page = page_schema("".join(p.capitalize() for p in (*name.split("_"), *kind.key.split("_")) if p), Item)
    Filters = filter_schema(kind)
    Upsert = rows_schema(kind, row_schema(kind))
    path = f"/{prefix}{kind.url_name}"
    op = f"{name}_{kind.key}" if name else kind.key
    store = write or (lambda kind, rows, **kw: import_rows(kind, rows, source="api", **kw))

    def list_records(request: HttpRequest, filters: Query[Filters]) -> Any:  # type: ignore[valid-type]
        f = filters.model_dump()  # type: ignore[attr-defined]
        qs = kind_queryset(
            kind,
            caller(request),
            county=f.get("county"),
            institution=f.get("institution"),
            year=f.get(kind.year_column) if kind.year_column else None,
        )
        return page(kind, qs, f["limit"], f["offset"])

    def upsert_records(request: HttpRequest, payload: Upsert) -> Any:  # type: ignore[valid-type]
        rows = [r.model_dump(exclude_unset=True) for r in payload.rows]  # type: ignore[attr-defined]
        with timeline.effective(payload.effective_from):  # type: ignore[attr-defined]
            result = store(kind, rows, user=caller(request), dry_run=payload.dry_run)  # type: ignore[attr-defined]
        return import_response(result)

    router.add_api_operation(
        path,
        ["GET"],
        list_records,
        response=Page,
        operation_id=f"list_{op}",
        summary=f"{kind.label} {kind.key}: list",
        description=kind.description,
    )
    router.add_api_operation(
        path,
        ["POST"],
        upsert_records,
        response={200: ImportOut, 403: ProblemsOut, 422: ProblemsOut},
        operation_id=f"upsert_{op}",
        summary=f"{kind.label} {kind.key}: create or update (all or nothing)",
        description=(
            "按键新增或更新,全部或全不;字段未给出则不变 "
            "rows are matched by their key and created or updated, all or nothing; "
            "fields left out keep their values. " + kind.description
        ),
    )


for _kind in KINDS.values():
    add_routes(router, _kind)
