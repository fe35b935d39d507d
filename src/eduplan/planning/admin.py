"""Back-office view of the officers' admission runs: read-only.

Runs are created by the admissions page and changed only by their worker, so the admin neither adds
nor changes them. Deleting one goes through :func:`.admissions.jobs.delete_run` — the same function
as the run page's button and ``eduplan admissions purge`` — so its uploaded files and results under
``MEDIA_ROOT`` go with the row, and a queued or running run is never deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from eduplan.accounts.scoping import scope

from .admissions.jobs import DELETABLE_STATUSES, RunBusyError, delete_run
from .models import AdmissionsRun


@admin.register(AdmissionsRun)
class AdmissionsRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "created_by",
        "division",
        "status",
        "candidates",
        "admitted",
        "finished_at",
    )
    list_filter = ("status",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    list_select_related = ("created_by", "division")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdmissionsRun]:
        return scope(request.user, super().get_queryset(request))

    @admin.display(description="考生 candidates")
    def candidates(self, run: AdmissionsRun) -> Any:
        return (run.totals or {}).get("candidates", "—")

    @admin.display(description="录取 admitted")
    def admitted(self, run: AdmissionsRun) -> Any:
        return (run.totals or {}).get("admitted", "—")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AdmissionsRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AdmissionsRun | None = None) -> bool:
        if obj is not None and obj.status not in DELETABLE_STATUSES:
            return False  # its worker is using the files
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: AdmissionsRun) -> None:
        try:
            delete_run(obj)
        except (RunBusyError, AdmissionsRun.DoesNotExist) as exc:
            self.message_user(request, str(exc), messages.WARNING)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AdmissionsRun]) -> None:
        for run in queryset:
            try:
                delete_run(run)
            except (RunBusyError, AdmissionsRun.DoesNotExist) as exc:
                self.message_user(request, str(exc), messages.WARNING)
