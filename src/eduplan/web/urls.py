from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("office/", views.office, name="office"),
    path("office/login/", views.LoginView.as_view(), name="login"),
    path("office/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("office/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("office/county/<str:code>/", views.county_dashboard, name="county-dashboard"),
    path("office/mine/", views.my_institution, name="my-institution"),
    path("office/planning/", include("eduplan.planning.urls")),
    path("office/supervision/", include("eduplan.supervision.urls")),
    path("office/tasks/", include("eduplan.tasks.urls")),
    path("office/programmes/", include("eduplan.programmes.urls")),
    path("office/workforce/", include("eduplan.workforce.urls")),
    path("office/duties/", include("eduplan.duties.urls")),
    path(
        "office/indicators/<str:indicator>/<str:division>/<int:year>/",
        views.indicator_detail,
        name="indicator",
    ),
    path("office/findings/", views.findings_list, name="findings"),
    path("office/drafts/<str:key>/", views.form_draft, name="form-draft"),
    path("office/name-check/", views.name_check, name="name-check"),
    path("office/institutions/", views.institution_list, name="institution-list"),
    path("office/institutions/<str:code>/", views.institution_detail, name="institution-detail"),
    path("office/institutions/<str:code>/edit/", views.institution_edit, name="institution-edit"),
    path("office/institutions/<str:code>/rename/", views.institution_rename, name="institution-rename"),
    path("office/institutions/<str:code>/<str:kind>/add/", views.institution_record, name="record-add"),
    path(
        "office/institutions/<str:code>/<str:kind>/<int:pk>/edit/",
        views.institution_record,
        name="record-edit",
    ),
]
