from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "division", "institution")
    list_filter = ("role",)
    raw_id_fields = ("division", "institution")
    filter_horizontal = ("supervised",)
