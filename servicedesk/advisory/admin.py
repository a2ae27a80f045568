"""Back office of the advisory: the price list is edited here; everything else is read-only (it
changes only through the services, with the ticket's history and the customer's decisions)."""

from django.contrib import admin
from django.db import models

from servicedesk.advisory.models import (
    ActivityReport,
    Appointment,
    BillingBatch,
    BillingLine,
    Engagement,
    PriceItem,
    Proposal,
    TimeEntry,
)


@admin.register(PriceItem)
class PriceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "unit", "price", "valid_from", "valid_until"]
    list_filter = ["unit"]
    search_fields = ["code", "description"]
    ordering = ["code", "-valid_from"]
    # pt-BR: "1.234,50" is what people type.
    formfield_overrides = {models.DecimalField: {"localize": True}}

    def get_readonly_fields(self, request, obj=None):
        # A price some proposal was made with stays as it was: change it with a new row from a date.
        if obj is not None and obj.proposals.exists():
            return ["code", "unit", "price", "valid_from"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.proposals.exists():
            return False
        return super().has_delete_permission(request, obj)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnly):
    list_display = [
        "pk",
        "ticket",
        "organization",
        "status",
        "billing",
        "modality",
        "unit_price",
        "estimated_amount",
        "created_at",
    ]
    list_filter = ["status", "billing", "modality"]
    search_fields = ["ticket__id", "scope", "organization__name"]
    raw_id_fields = ["ticket"]


@admin.register(Engagement)
class EngagementAdmin(ReadOnly):
    list_display = ["pk", "ticket", "organization", "accepted_at", "validated_at"]


@admin.register(ActivityReport)
class ActivityReportAdmin(ReadOnly):
    list_display = ["pk", "engagement", "version", "status", "minutes", "billable_minutes", "amount", "sent_at"]
    list_filter = ["status"]
    exclude = ["pdf", "content"]


@admin.register(BillingLine)
class BillingLineAdmin(ReadOnly):
    list_display = ["pk", "date", "organization", "ticket_id", "analyst_name", "billable_minutes", "amount", "batch"]
    list_filter = ["batch"]


@admin.register(BillingBatch)
class BillingBatchAdmin(ReadOnly):
    list_display = ["number", "created_at", "created_by", "line_count", "total"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnly):
    list_display = ["pk", "engagement", "starts_at", "ends_at", "analyst", "location"]


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnly):
    list_display = ["pk", "engagement", "analyst", "started_at", "ended_at"]
    list_filter = ["analyst"]
