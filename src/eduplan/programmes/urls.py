"""Pages mounted under ``/office/programmes/``."""

from django.urls import path  # noqa: F401

app_name = "programmes"

urlpatterns: list = []
