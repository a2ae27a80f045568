from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from servicedesk.accounts.models import OperationalDeadline, Organization, Team, TrainingRecord, User


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
