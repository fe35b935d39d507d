"""Pages mounted under ``/office/duties/``."""

from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export_all, name="export"),
    path("<str:name>/", views.register, name="register"),
]
