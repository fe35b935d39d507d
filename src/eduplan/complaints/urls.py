"""Officers' complaint pages, mounted by the project's URL layout:

path("office/complaints/", include("eduplan.complaints.urls")),
"""

from django.urls import path

from . import views

app_name = "portal_office"

urlpatterns = [
    path("", views.complaint_list, name="complaint-list"),
    path("<int:pk>/", views.complaint_detail, name="complaint-detail"),
]
