"""URL layout: public portal at ``/``, officers' app under ``/office/``, JSON API under ``/api/``,
Django admin under ``/admin/``."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

admin.autodiscover()  # SimpleAdminConfig (settings.py): the admin modules load with the URLs
admin.site.site_header = "eduplan 教育发展行动计划管理平台"
admin.site.site_title = "eduplan 管理后台"
admin.site.index_title = "数据管理 Data management"

urlpatterns = [
    # complaints left the portal app: their admin pages moved with them; the old addresses redirect
    re_path(
        r"^admin/portal/(?P<rest>complaint.*)$",
        RedirectView.as_view(url="/admin/complaints/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("eduplan.api.urls")),
    path("office/", include("eduplan.intake.urls")),
    path("office/returns/", include("eduplan.returns.urls")),
    path("office/complaints/", include("eduplan.complaints.urls")),
    path("office/plan/", include("eduplan.plans.urls")),
    path("", include("eduplan.web.urls")),
    path("", include("eduplan.portal.urls")),
]
