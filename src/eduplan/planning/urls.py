"""Planning pages, included under ``/office/planning/`` (PRE-4.1.1)."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.population, name="population"),
    path("seats/", views.seats, name="seats"),
    path("allocation/", views.allocation, name="allocation"),
    path("siting/", views.siting, name="siting"),
]
