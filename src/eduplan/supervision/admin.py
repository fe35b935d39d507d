"""Back-office views of the supervision records. Read-mostly: state changes go through the
actions (so they are validated and logged); the admin shows the records and their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ReadOnlyStateMixin:
    """State and audit fields are changed by the workflow actions only."""

    readonly_fields: tuple[str, ...] = ("state",)


class TaskInline(admin.TabularInline):
    model = models.TaskProgress
    extra = 0


class ReportEventInline(admin.TabularInline):
    model = models.ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_state", "to_state", "actor", "at", "reason")


@admin.register(models.MonthlyReport)
class MonthlyReportAdmin(ReadOnlyStateMixin, SimpleHistoryAdmin):
    list_display = ("county", "period", "plan", "state", "first_submitted_at", "approved_at")
    list_filter = ("state", "period")
    raw_id_fields = ("county", "submitted_by", "approved_by", "created_by")
    readonly_fields = (
        "state",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
    )
    inlines = [TaskInline, ReportEventInline]


@admin.register(models.ReportingDeadline)
class ReportingDeadlineAdmin(admin.ModelAdmin):
    list_display = ("city", "period", "due_on", "reason")
    raw_id_fields = ("city", "set_by")


class ChecklistInline(admin.TabularInline):
    model = models.ChecklistItem
    extra = 0


@admin.register(models.Inspection)
class InspectionAdmin(ReadOnlyStateMixin, SimpleHistoryAdmin):
    list_display = ("institution", "inspected_on", "kind", "state", "inspector")
    list_filter = ("state", "kind")
    raw_id_fields = ("institution", "inspector")
    inlines = [ChecklistInline]


@admin.register(models.Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("entity_name", "category", "severity", "source", "rule", "clause", "recorded_at")
    list_filter = ("category", "severity", "source")
    raw_id_fields = ("inspection", "checklist_item", "county", "institution", "recorded_by")


class OrderEventInline(admin.TabularInline):
    model = models.OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_state", "to_state", "level", "actor", "at", "note")


@admin.register(models.RectificationOrder)
class RectificationOrderAdmin(SimpleHistoryAdmin):
    list_display = ("code", "institution", "county", "deadline", "state", "level")
    list_filter = ("state", "level")
    raw_id_fields = ("finding", "county", "institution", "issued_by", "verified_by")
    readonly_fields = ("state", "level", "escalated_at", "closed_at", "verified_by")
    inlines = [OrderEventInline]


@admin.register(models.AnnualInspection)
class AnnualInspectionAdmin(ReadOnlyStateMixin, SimpleHistoryAdmin):
    list_display = ("institution", "year", "result", "abuse_found", "state")
    list_filter = ("year", "result", "state")
    raw_id_fields = ("institution", "decided_by", "published_by")


@admin.register(models.Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ("county", "occurred_on", "kind", "title", "withdrawn")
    list_filter = ("kind", "withdrawn")
    raw_id_fields = ("county", "institution", "recorded_by", "withdrawn_by")


@admin.register(models.Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "period", "issued_at")
    raw_id_fields = ("city", "issued_by")
