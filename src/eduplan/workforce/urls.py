"""Pages mounted under ``/office/workforce/``."""

from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<str:key>/", views.register_list, name="register"),
]
