"""JSON API endpoints of the duty registers, mounted under ``/api/`` by eduplan.api.api:
``GET /api/duties/<register>`` (scoped, filtered, paginated) and ``POST`` (upsert through the
import's checks, all or nothing) for each register."""

# No ``from __future__ import annotations``: django-ninja reads these functions' annotations.

from ninja import Router

from eduplan.api.records import add_routes
from eduplan.duties.kinds import DUTY_KINDS
from eduplan.duties.transfer import import_duty_rows

router = Router(tags=["duties 职责落实"])


for _kind in DUTY_KINDS.values():
    add_routes(router, _kind, prefix="duties/", write=import_duty_rows)
