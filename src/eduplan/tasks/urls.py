"""Pages mounted under ``/office/tasks/``."""

from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.board, name="board"),
    path("timeline/", views.timeline, name="timeline"),
    path("plans/", views.county_plans, name="plans"),
    path("<int:pk>/", views.detail, name="detail"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
