"""Django admin, for the platform operator (superuser) alone: it sees every place unscoped."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from qunfang.core.models import AccessToken, AuditEntry, Membership, OrgUnit, User


def _superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superuser_only


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "path"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]


@admin.register(User)
class QunfangUserAdmin(UserAdmin):
    fieldsets = [*UserAdmin.fieldsets, ("Qunfang", {"fields": ["full_name"]})]


admin.site.register(Membership)
admin.site.register(AccessToken)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target_label", "address"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log is append-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
