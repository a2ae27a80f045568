"""Background work of the channels: the video-call invitation e-mail (through the outbox)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

from servicedesk.channels.calendar import invitation_ics, invitation_summary
from servicedesk.channels.models import VideoCallInvitation
from servicedesk.core import clock
from servicedesk.outbox.services import outbox_call

logger = logging.getLogger(__name__)


@task
def send_video_call_invitation(invitation_id: int) -> int:
    return video_call_invitation_send(invitation_id=invitation_id)


def video_call_invitation_send(*, invitation_id: int) -> int:
    """E-mail the invitation with its .ics to every participant. Sends once: `sent_at` is the guard."""
    with transaction.atomic():
        invitation = (
            VideoCallInvitation.objects.select_for_update(of=("self",))
            .select_related("ticket", "organizer")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at is not None:
            return 0
        now = clock.now()
        local_start = invitation.starts_at.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE))
        context = {
            "invitation": invitation,
            "ticket": invitation.ticket,
            # Formatted here: the template filters would convert back to the active time zone (UTC).
            "when_date": f"{local_start:%d/%m/%Y}",
            "when_time": f"{local_start:%H:%M}",
            "summary": invitation_summary(invitation),
            "site_url": settings.SITE_URL,
            "support_phone": getattr(settings, "SUPPORT_PHONE", ""),
        }
        message = EmailMultiAlternatives(
            subject=f"[#{invitation.ticket_id}] Convite: videochamada em {local_start:%d/%m/%Y às %H:%M}",
            body=render_to_string("emails/video_call.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(invitation.participants),
            reply_to=[invitation.organizer.email] if invitation.organizer.email else None,
        )
        message.attach_alternative(render_to_string("emails/video_call.html", context), "text/html")
        message.attach("convite.ics", invitation_ics(invitation, stamp=now), "text/calendar; method=REQUEST")
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])
        message.send()
        return len(invitation.participants)


def enqueue_video_call_invitation(invitation_id: int) -> None:
    """Write, in the current transaction, the outbox row that sends the invitation once it
    commits (servicedesk.outbox relays and retries it; `sent_at` makes the send happen once)."""
    outbox_call("servicedesk.channels.tasks.video_call_invitation_send", invitation_id=invitation_id)
