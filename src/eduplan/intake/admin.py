from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("pk", "file_name", "user", "source", "status", "rows", "error_count", "started_at")
    list_filter = ("status", "source")
    search_fields = ("file_name", "user__username")
    exclude = ("error_workbook",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "error_workbook"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
