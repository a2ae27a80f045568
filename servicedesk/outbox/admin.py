from django.contrib import admin, messages

from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from servicedesk.outbox.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What the product sent or tries to send; the failed ones with their error."""

    list_display = ("id", "status", "kind", "subject", "recipients", "attempts", "short_error", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "recipients", "last_error")
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="último erro")
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    @admin.action(description="Tentar enviar de novo as mensagens que falharam", permissions=["view"])
    def retry(self, request, queryset):
        count = outbox_retry(queryset.filter(status=OutboxStatus.FAILED).values_list("pk", flat=True))
        self.message_user(request, f"{count} mensagem(ns) voltaram para a fila de envio.", messages.SUCCESS)
