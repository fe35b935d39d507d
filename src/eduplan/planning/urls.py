"""Planning pages, included under ``/office/planning/``."""

from django.urls import path

from . import admissions_views, views

app_name = "planning"

urlpatterns = [
    path("", views.population, name="population"),
    path("seats/", views.seats, name="seats"),
    path("allocation/", views.allocation, name="allocation"),
    path("siting/", views.siting, name="siting"),
    path("admissions/", admissions_views.admissions, name="admissions"),
    path("admissions/<int:pk>/", admissions_views.admissions_run, name="admissions_run"),
    path("admissions/<int:pk>/status/", admissions_views.admissions_status, name="admissions_status"),
    path("admissions/<int:pk>/delete/", admissions_views.admissions_delete, name="admissions_delete"),
    path(
        "admissions/<int:pk>/download/<str:kind>/",
        admissions_views.admissions_download,
        name="admissions_download",
    ),
]
