"""The returns' figures in the back office: read-only (they change only by importing a return)."""

from django.contrib import admin

from .models import ReturnAggregate


@admin.register(ReturnAggregate)
class ReturnAggregateAdmin(admin.ModelAdmin):
    list_display = (
        "institution",
        "school_year",
        "table",
        "row_code",
        "column_code",
        "value",
        "edition",
        "batch",
    )
    list_filter = ("school_year", "table", "edition")
    search_fields = ("institution__code", "institution__name")
    list_select_related = ("institution", "batch")
    readonly_fields = [f.name for f in ReturnAggregate._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
