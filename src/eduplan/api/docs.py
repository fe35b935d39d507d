"""The interactive API docs page, served entirely from this installation: Swagger UI's files come
from the django-ninja package on disk, never from a CDN (government intranets are closed)."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
ALLOWED_ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {"layout": "BaseLayout", "deepLinking": True, "url": self.get_openapi_url(api, kwargs)}
        return render(
            request,
            "api/docs.html",
            {"swagger_settings": json.dumps(settings), "api": api, "add_csrf": True},
        )


def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ALLOWED_ASSETS:
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
