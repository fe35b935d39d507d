"""Import pages (at ``/office/import/``) and the export page (``/office/export/``). One line in the
project's urls.py mounts both::

    path("office/", include("eduplan.intake.urls")),
"""

from django.urls import include, path

from . import views

import_patterns = [
    path("", views.upload, name="intake-upload"),
    path("<int:pk>/", views.batch_detail, name="intake-batch"),
    path("<int:pk>/cancel/", views.batch_cancel, name="intake-batch-cancel"),
    path("<int:pk>/retry/", views.batch_retry, name="intake-batch-retry"),
    path("<int:pk>/errors.xlsx", views.batch_errors, name="intake-batch-errors"),
    path("templates/<str:kind>.xlsx", views.template, name="intake-template"),
]

export_patterns = [
    path("", views.export, name="intake-export"),
]

urlpatterns = [
    path("import/", include(import_patterns)),
    path("export/", include(export_patterns)),
]
