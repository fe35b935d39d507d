"""The reconciliation page, at ``/office/returns/reconcile/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("reconcile/", views.reconcile_page, name="returns-reconcile"),
]
