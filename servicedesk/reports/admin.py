from django.contrib import admin

from servicedesk.reports.models import StatementDelivery


@admin.register(StatementDelivery)
class StatementDeliveryAdmin(admin.ModelAdmin):
    """Which monthly statements went out (read-only: the task writes them)."""

    list_display = ("organization", "month", "claimed_at", "sent_at", "recipients")
    list_filter = ("month",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
