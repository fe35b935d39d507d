"""Supervision pages, mounted under ``/office/supervision/`` by the project's URL layout:

path("office/supervision/", include("eduplan.supervision.urls")),
"""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/deadline/", views.report_deadline, name="report-deadline"),
    path("reports/open/<str:county>/<str:month>/", views.report_open, name="report-open"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("annual/", views.annual_list, name="annual-list"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/monthly/", views.notice_download, name="notice-download"),
]
