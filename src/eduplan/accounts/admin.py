from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Profile

if TYPE_CHECKING:  # the admin's generic parameters exist only for the type checker
    _ProfileAdmin = admin.ModelAdmin[Profile]
else:
    _ProfileAdmin = admin.ModelAdmin


@admin.register(Profile)
class ProfileAdmin(_ProfileAdmin):
    list_display = ("user", "role", "division", "institution")
    list_filter = ("role",)
    raw_id_fields = ("division", "institution")
    filter_horizontal = ("supervised",)
