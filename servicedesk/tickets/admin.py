"""Back office view of tickets. Status and SLA fields are read-only here: every change goes
through `tickets.services` (the console and API), never a raw admin save."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy

from servicedesk.catalog.models import Release
from servicedesk.core import clock
from servicedesk.core.errors import DomainError
from servicedesk.tickets.models import (
    Attachment,
    Comment,
    FixAnnouncement,
    NotificationLog,
    QueueCounter,
    ReopenRequest,
    SlaAlert,
    Ticket,
    TicketEvent,
    TicketSearch,
    TicketView,
)
from servicedesk.tickets.services import release_publish


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "from_status", "to_status", "new_type", "new_severity", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "organization", "type", "severity", "status", "assignee", "next_due_at", "breached"]
    list_filter = ["status", "type", "severity", "environment", "plan_code", "breached", "at_risk"]
    search_fields = ["title", "description"]
    inlines = [EventInline]
    readonly_fields = [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "at", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in TicketEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """The conversation is evidence of what was said to whom and when: the back office reads it,
    never rewrites, republishes or deletes it (an internal note made public here would reach
    the customer with no trace in the ticket's history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "author", "is_internal", "created_at"]
    list_filter = ["is_internal"]
    readonly_fields = [f.name for f in Comment._meta.fields]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "created_at"]
    readonly_fields = [f.name for f in Attachment._meta.fields]


@admin.register(ReopenRequest)
class ReopenRequestAdmin(ReadOnlyAdmin):
    """Decided in the console (tickets.services.reopening), never here."""

    list_display = ["ticket", "requested_by", "status", "requested_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ReopenRequest._meta.fields]


admin.site.register(SlaAlert)
admin.site.register(NotificationLog)


@admin.register(FixAnnouncement)
class FixAnnouncementAdmin(ReadOnlyAdmin):
    """Which customers were told that a release fixes their ticket (written by the services)."""

    list_display = ["ticket", "release", "announced_at"]
    readonly_fields = [f.name for f in FixAnnouncement._meta.fields]


@admin.register(TicketSearch)
class TicketSearchAdmin(ReadOnlyAdmin):
    """What each ticket is found by (rebuilt by the services; shown for support, never edited)."""

    list_display = ["ticket"]
    readonly_fields = ["ticket", "public_text", "internal_text"]


@admin.register(QueueCounter)
class QueueCounterAdmin(ReadOnlyAdmin):
    """The exact queue counters (kept by the services; `manage.py queue_counters_rebuild` recounts)."""

    list_display = ["key", "count"]


@admin.register(TicketView)
class TicketViewAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "user", "seen_at"]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """The catalog's releases (registered here for the publish action: see catalog/admin.py)."""

    list_display = ["product", "version", "released_on", "published_at"]
    list_filter = ["product"]
    exclude = ["sort_key"]
    readonly_fields = ["published_at", "published_by"]
    actions = ["publish"]

    @admin.action(
        description=gettext_lazy("Publicar e avisar os clientes dos chamados corrigidos"), permissions=["change"]
    )
    def publish(self, request, queryset):
        for release in queryset.select_related("product").order_by("pk"):
            try:
                release_publish(release=release, actor=request.user, now=clock.now())
            except DomainError as exc:
                self.message_user(request, f"{release}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{release}: publicada.", messages.SUCCESS)
