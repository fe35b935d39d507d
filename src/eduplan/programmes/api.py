"""JSON API endpoints of the programmes app, mounted under ``/api/`` by eduplan.api.api."""

from ninja import Router

router = Router(tags=["programmes"])
