"""The project's URLs with the portal at ``/`` and the officers' complaint pages at
``/office/complaints/`` (until the project's urls.py mounts them, tests use this configuration)."""

from django.urls import include, path

from eduplan.urls import urlpatterns as project

urlpatterns = [
    path("office/complaints/", include("eduplan.complaints.urls")),
    path("", include("eduplan.portal.urls")),
    *project,
]
