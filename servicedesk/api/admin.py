"""Back office for API access: tokens can be looked at and revoked, never created or edited here
(a token's secret is shown once, to its owner, at /tokens/)."""

from django.contrib import admin, messages

from servicedesk.api.models import ApiToken, IdempotencyRecord, PendingUpload
from servicedesk.api.services import api_token_revoke
from servicedesk.core import clock
from servicedesk.core.errors import DomainError


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    @admin.action(description="Revogar os tokens selecionados")
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                api_token_revoke(user=token.user, token_id=token.pk, now=clock.now())
                revoked += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, f"{revoked} token(s) revogado(s).")


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "ticket", "status_code", "created_at"]


@admin.register(PendingUpload)
class PendingUploadAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "uploaded_by", "content_type", "size", "created_at"]
    exclude = ["file"]
