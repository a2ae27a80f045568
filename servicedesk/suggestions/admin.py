"""Back office: suggestions are read here; they change only through the services (the portal,
the console and the API), so every status change is in the history and e-mailed."""

from django.contrib import admin

from servicedesk.suggestions.models import Suggestion, SuggestionEvent


class EventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason", "notified_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "organization", "product", "status", "created_at"]
    list_filter = ["status", "product"]
    search_fields = ["title", "organization__name"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
