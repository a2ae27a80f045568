from django.contrib import admin

from servicedesk.ops.models import StorageCheck


@admin.register(StorageCheck)
class StorageCheckAdmin(admin.ModelAdmin):
    """The stored-files check's reports (read-only): orphans, missing files, changed contents."""

    list_display = ("ran_at", "files", "rows", "orphans", "orphans_deleted", "missing", "mismatched")
    date_hierarchy = "ran_at"
    readonly_fields = [f.name for f in StorageCheck._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
