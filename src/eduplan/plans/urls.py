"""Plan pages, mounted under ``/office/plan/``."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("assumptions/", views.assumption_list, name="assumptions"),
    path("explain/", views.explanation, name="explain"),
]
