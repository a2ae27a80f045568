from django.contrib import admin

from servicedesk.replies.models import CannedReply


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "owner", "updated_at"]
    list_filter = ["team"]
    search_fields = ["title", "body"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
