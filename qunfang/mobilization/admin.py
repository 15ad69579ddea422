"""The activity types are the province's shared vocabulary: the platform operator adds, renames and
retires them here (a type with records cannot be deleted, only taken out of use)."""

from django.contrib import admin

from qunfang.mobilization.models import ActivityType


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "unit", "category", "daily_limit", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["category", "active"]
