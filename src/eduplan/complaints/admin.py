"""Back-office view of complaints: read-only. Filing, answering, converting and escalating go
through the actions (validated and logged); contacts are shown on the officers' complaint page, not
here, and deleted after the retention period."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import models


class ComplaintEventInline(admin.TabularInline):
    model = models.ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "at", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("reference", "kindergarten", "category", "status", "received_on", "deadline", "escalated")
    list_filter = ("status", "category", "escalated", "received_on")
    search_fields = ("kindergarten__name", "kindergarten__code")
    exclude = ("tracking_code",)
    readonly_fields = (
        "kindergarten",
        "category",
        "description",
        "anonymous",
        "status",
        "received_at",
        "received_on",
        "deadline",
        "answered_at",
        "answered_on",
        "answered_by",
        "response",
        "escalated",
        "escalated_at",
        "finding",
        "converted_at",
    )
    inlines = [ComplaintEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
