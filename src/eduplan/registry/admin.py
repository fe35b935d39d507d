"""Back office for data managers (Chinese labels come from the models' verbose names).

The admin reads through the scoping function and writes through ``actions.save_validated``, so a
staff user bound to a county sees and changes only that county, as everywhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from eduplan.accounts.scoping import scope

from . import actions
from .models import (
    Births,
    Division,
    FeeStandard,
    Institution,
    InstitutionYear,
    ManagementAppointment,
    NameChange,
    Pairing,
    PopulationCount,
    SafetyRecord,
    SchoolClass,
    StaffMember,
)

if TYPE_CHECKING:  # the admin's generic parameters exist only for the type checker
    _ClassInline = admin.TabularInline[SchoolClass, Institution]
else:
    _ClassInline = admin.TabularInline


class ScopedAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return scope(request.user, super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        actions.save_validated(obj, user=request.user, reason="后台编辑 admin edit")


@admin.register(Division)
class DivisionAdmin(ScopedAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "type",
        "parent",
        "locality",
        "valid_from",
        "valid_to",
        "synthetic",
    )
    list_filter = ("level", "type", "locality", "synthetic")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    exclude = ("county", "city")


@admin.register(PopulationCount)
class PopulationAdmin(ScopedAdmin):
    list_display = ("division", "year", "age_min", "age_max", "sex", "basis", "count")
    list_filter = ("year", "basis", "sex")
    search_fields = ("division__name", "division__code")
    raw_id_fields = ("division",)


@admin.register(Births)
class BirthsAdmin(ScopedAdmin):
    list_display = ("division", "year", "basis", "count")
    list_filter = ("year", "basis")
    raw_id_fields = ("division",)


class ClassInline(_ClassInline):
    model = SchoolClass
    extra = 0
    fields = ("school_year", "name", "age_group", "is_new_intake", "boys", "girls", "age_3", "age_4", "age_5")
    show_change_link = True


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "county",
        "division",
        "ownership",
        "inclusive",
        "licence_status",
        "grade",
        "rating",
        "seats",
        "synthetic",
    )
    list_filter = (
        "kind",
        "ownership",
        "inclusive",
        "licence_status",
        "grade",
        "rating",
        "county",
        "is_county_high_school",
        "network_connected",
        "synthetic",
    )
    search_fields = ("code", "name", "address")
    raw_id_fields = ("division", "central", "group_lead")


@admin.register(InstitutionYear)
class InstitutionYearAdmin(ScopedAdmin):
    list_display = (
        "institution",
        "school_year",
        "seats",
        "entered",
        "left",
        "funding_per_student",
        "info_published",
    )
    list_filter = ("school_year", "info_published")
    raw_id_fields = ("institution",)


@admin.register(SchoolClass)
class SchoolClassAdmin(ScopedAdmin):
    list_display = ("institution", "school_year", "name", "age_group", "is_new_intake", "boys", "girls")
    list_filter = ("school_year", "age_group", "is_new_intake")
    search_fields = ("institution__name", "name")
    raw_id_fields = ("institution",)


@admin.register(StaffMember)
class StaffAdmin(ScopedAdmin):
    list_display = (
        "name",
        "institution",
        "role",
        "certificate",
        "employment",
        "masked_id",
        "start_date",
        "end_date",
    )
    list_filter = ("role", "certificate", "employment", "social_insurance")
    search_fields = ("name", "institution__name", "id_last4")
    raw_id_fields = ("institution",)
    readonly_fields = ("masked_id",)


@admin.register(FeeStandard)
class FeeAdmin(ScopedAdmin):
    list_display = ("institution", "monthly_fee", "effective_on", "filed_on")
    raw_id_fields = ("institution",)


@admin.register(SafetyRecord)
class SafetyAdmin(ScopedAdmin):
    list_display = (
        "institution",
        "checked_on",
        "full_time_guard",
        "closed_management",
        "one_key_alarm",
        "video_linked_police",
        "anti_collision",
    )
    raw_id_fields = ("institution",)


@admin.register(NameChange)
class NameChangeAdmin(ScopedAdmin):
    list_display = ("old_name", "new_name", "changed_on", "institution")
    raw_id_fields = ("institution",)


@admin.register(ManagementAppointment)
class ManagementAppointmentAdmin(ScopedAdmin):
    list_display = ("county", "post", "person_name", "is_dedicated", "start_date", "end_date")
    list_filter = ("post",)


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    list_display = (
        "kind",
        "supporter",
        "supporter_name",
        "supported",
        "start_date",
        "end_date",
        "agreement_signed",
    )
    list_filter = ("kind",)
    raw_id_fields = ("supporter", "supported")
