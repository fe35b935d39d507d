"""The project's URLs plus the planning pages, until ``eduplan/urls.py`` includes them."""

from django.urls import include, path

from eduplan.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("office/planning/", include("eduplan.planning.urls")),
    *project_urlpatterns,
]
