"""The .ics file of a video-call invitation (RFC 5545 with iTIP METHOD:REQUEST), made with `icalendar`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from servicedesk.channels.models import VideoCallInvitation

PRODID = "-//WeConnect//Service Desk//PT-BR"


def invitation_summary(invitation: VideoCallInvitation) -> str:
    return f"Chamado #{invitation.ticket_id} — {invitation.ticket.title}"


def _organizer_email(invitation: VideoCallInvitation) -> str:
    return invitation.organizer.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def invitation_ics(invitation: VideoCallInvitation, *, stamp: datetime) -> bytes:
    """A calendar with one VEVENT; every instant is written in UTC (the `Z` form)."""
    start = invitation.starts_at.astimezone(UTC)
    end = start + timedelta(minutes=invitation.duration_minutes)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{invitation.uid}@servicedesk.weconnect")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", invitation_summary(invitation))
    description = invitation.message or "Videochamada de atendimento do chamado."
    event.add("description", f"{description}\n\nLink: {invitation.link}")
    event.add("location", invitation.link)
    event.add("url", invitation.link)
    event.add("sequence", 0)
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_organizer_email(invitation)}")
    organizer.params["cn"] = vText(str(invitation.organizer))
    event.add("organizer", organizer)
    for email in invitation.participants:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
