"""The JSON API under /api/ (see ``api.py``), and the docs page's own static files."""

from django.urls import path

from .api import api
from .docs import asset

urlpatterns = [
    path("docs/assets/<str:name>", asset, name="api-docs-asset"),
    path("", api.urls),
]
