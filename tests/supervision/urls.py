"""The project's URLs plus the supervision pages at /office/supervision/ (until the project's
urls.py mounts them, tests use this URL configuration)."""

from django.urls import include, path

from eduplan.urls import urlpatterns as project

urlpatterns = [path("office/supervision/", include("eduplan.supervision.urls")), *project]
