"""JSON API endpoints of the tasks app, mounted under ``/api/`` by eduplan.api.api."""

from ninja import Router

router = Router(tags=["tasks"])
