"""JSON API endpoints of the programmes app, mounted under ``/api/`` by eduplan.api.api:
``GET /api/programmes/<register>`` (scoped, filtered, paginated) and ``POST`` (upsert through the
import's checks, all or nothing) for each register, plus ``GET /api/programmes/incentives``."""

# No ``from __future__ import annotations``: django-ninja reads these functions' annotations.

from typing import Any

from django.http import HttpRequest
from ninja import Router

from eduplan.api.auth import caller
from eduplan.api.records import add_routes
from eduplan.programmes.kinds import PROGRAMME_KINDS
from eduplan.programmes.queries import incentive_list
from eduplan.programmes.transfer import import_register_rows

router = Router(tags=["programmes 专项工作"])


for _kind in PROGRAMME_KINDS.values():
    add_routes(router, _kind, prefix="programmes/", write=import_register_rows)


@router.get("/programmes/incentives", operation_id="programme_incentives", summary="incentives")
def incentives(request: HttpRequest) -> Any:
    """Counties eligible for incentives (targets met, or certified first), in the caller's scope."""
    rows = incentive_list(caller(request))
    for r in rows:
        r["certified_on"] = r["certified_on"].isoformat() if r["certified_on"] else None
    return rows
