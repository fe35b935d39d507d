"""Pages mounted under ``/office/programmes/``."""

from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("incentives/", views.incentives, name="incentives"),
    path("export/", views.export_all, name="export"),
    path("<str:name>/", views.register, name="register"),
]
