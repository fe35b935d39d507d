"""The project's URLs plus the intake pages, mounted as the project will mount them."""

from django.urls import include, path

from eduplan.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("office/", include("eduplan.intake.urls")), *project_urlpatterns]
