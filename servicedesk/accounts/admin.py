from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy, ngettext

from servicedesk.accounts.models import (
    LoginThrottle,
    OperationalDeadline,
    Organization,
    SecurityPolicy,
    Team,
    TrainingRecord,
    User,
)
from servicedesk.accounts.services import security_policy_update, user_invitation_send
from servicedesk.core.errors import DomainError


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "organization", "is_approver", "is_active"]
    list_filter = ["role", "organization", "is_approver", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("WeConnect", {"fields": ["role", "organization", "is_approver", "phone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("WeConnect", {"fields": ["email", "first_name", "last_name", "role", "organization", "is_approver"]}),
    ]
    inlines = [TrainingInline]
    actions = ["send_invitation"]

    @admin.action(description=gettext_lazy("Enviar convite (definir senha)"), permissions=["change"])
    def send_invitation(self, request, queryset):
        """E-mail each chosen user the set-password link of an invitation (the same as an
        approver's): create users with password-based authentication disabled, then send this."""
        site_url = request.build_absolute_uri("/")
        sent = []
        for user in queryset.order_by("username"):
            try:
                user_invitation_send(user=user, actor=request.user, site_url=site_url)
            except DomainError as exc:
                self.message_user(request, f"{user.get_username()}: {exc.message}", messages.ERROR)
            else:
                sent.append(user.get_username())
        if sent:
            days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
            text = ngettext(
                "Convite enviado para %(users)s. O link para definir a senha vale por %(days)d dia.",
                "Convite enviado para %(users)s. O link para definir a senha vale por %(days)d dias.",
                days,
            ) % {"users": ", ".join(sent), "days": days}
            self.message_user(request, text, messages.SUCCESS)


class DeadlineInline(admin.TabularInline):
    model = OperationalDeadline
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "hosting_mode", "support_team", "remote_access_authorized", "is_active"]
    list_filter = ["plan", "hosting_mode", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["licensed_products"]
    inlines = [DeadlineInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email"]
    filter_horizontal = ["members", "managers"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "product", "completed_on", "expires_on"]
    list_filter = ["product"]


@admin.register(OperationalDeadline)
class OperationalDeadlineAdmin(admin.ModelAdmin):
    list_display = ["organization", "process", "day_of_month"]


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "require_staff_2fa", "updated_at"]

    def has_add_permission(self, request):
        return not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        security_policy_update(actor=request.user, require_staff_2fa=obj.require_staff_2fa)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed-login counters (login_guard.py): look, and delete a row to unlock it at once."""

    list_display = ["scope", "username", "address", "failures", "last_failure_at", "blocked_until"]
    list_filter = ["scope"]
    search_fields = ["username", "address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
