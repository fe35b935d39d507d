"""Officers' complaint pages, mounted by the project's URL layout:

path("office/complaints/", include("eduplan.portal.office_urls")),
"""

from django.urls import path

from . import office_views

app_name = "portal_office"

urlpatterns = [
    path("", office_views.complaint_list, name="complaint-list"),
    path("<int:pk>/", office_views.complaint_detail, name="complaint-detail"),
]
