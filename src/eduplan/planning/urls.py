"""Planning pages, included under ``/office/planning/``."""

from django.urls import path

from .admissions import views as admissions_views
from .allocation import views as allocation_views
from .gaps import views as gaps_views
from .projection import views as projection_views
from .siting import views as siting_views

app_name = "planning"

urlpatterns = [
    path("", projection_views.population, name="population"),
    path("seats/", gaps_views.seats, name="seats"),
    path("allocation/", allocation_views.allocation, name="allocation"),
    path("allocation/adopt/", allocation_views.adopt_allocation, name="allocation-adopt"),
    path("siting/", siting_views.siting, name="siting"),
    path("admissions/", admissions_views.admissions, name="admissions"),
    path("admissions/example.zip", admissions_views.admissions_example, name="admissions_example"),
    path("admissions/template/<str:name>", admissions_views.admissions_template, name="admissions_template"),
    path("admissions/<int:pk>/", admissions_views.admissions_run, name="admissions_run"),
    path("admissions/<int:pk>/status/", admissions_views.admissions_status, name="admissions_status"),
    path("admissions/<int:pk>/delete/", admissions_views.admissions_delete, name="admissions_delete"),
    path("admissions/<int:pk>/cancel/", admissions_views.admissions_cancel, name="admissions_cancel"),
    path("admissions/<int:pk>/retry/", admissions_views.admissions_retry, name="admissions_retry"),
    path(
        "admissions/<int:pk>/download/<str:kind>/",
        admissions_views.admissions_download,
        name="admissions_download",
    ),
]
