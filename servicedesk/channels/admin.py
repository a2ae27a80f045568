from django.contrib import admin

from servicedesk.channels.models import PhoneCall, VideoCallInvitation


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = ("ticket", "staff", "contact_name", "direction", "started_at", "duration_minutes")
    list_select_related = ("ticket", "staff")
    raw_id_fields = ("ticket",)


@admin.register(VideoCallInvitation)
class VideoCallInvitationAdmin(admin.ModelAdmin):
    list_display = ("ticket", "organizer", "starts_at", "duration_minutes", "sent_at")
    list_select_related = ("ticket", "organizer")
    raw_id_fields = ("ticket",)
    readonly_fields = ("uid", "sent_at")
