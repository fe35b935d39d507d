"""The public portal at the site root. The project's URL layout includes it last:

path("", include("eduplan.portal.urls")),
"""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("points.json", views.points, name="points"),
    path("map-layers.json", views.map_layers, name="map-layers"),
    path("kindergartens/<str:code>/", views.kindergarten, name="kindergarten"),
    path("lists/", views.lists, name="lists"),
    path("lists/<str:code>/", views.county, name="county"),
    path("lists/<str:code>/<str:which>.<str:fmt>", views.list_download, name="list-download"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/track/", views.complaint_track, name="complaint-track"),
    path("stats/", views.stats, name="stats"),
]
