"""JSON API endpoints of the workforce app, mounted under ``/api/`` by eduplan.api.api."""

from ninja import Router

router = Router(tags=["workforce"])
