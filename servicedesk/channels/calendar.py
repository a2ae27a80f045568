"""Calendar invitations (.ics, RFC 5545 with iTIP METHOD:REQUEST), made with `icalendar`.

`calendar_invitation` is the one writer of .ics files: the video-call invitations of the
channels (domain.md §9) and the advisory's appointments (§8) both go through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from servicedesk.channels.models import VideoCallInvitation

PRODID = "-//WeConnect//Service Desk//PT-BR"


def calendar_invitation(
    *,
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str,
    location: str,
    organizer_email: str,
    organizer_name: str,
    attendees: Sequence[str],
    stamp: datetime,
    url: str = "",
    sequence: int = 0,
) -> bytes:
    """A calendar with one VEVENT; every instant is written in UTC (the `Z` form)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{uid}@servicedesk.weconnect")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    if url:
        event.add("url", url)
    event.add("sequence", sequence)
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organizer_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    for email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def invitation_summary(invitation: VideoCallInvitation) -> str:
    return f"Chamado #{invitation.ticket_id} — {invitation.ticket.title}"


def invitation_ics(invitation: VideoCallInvitation, *, stamp: datetime) -> bytes:
    description = invitation.message or "Videochamada de atendimento do chamado."
    return calendar_invitation(
        uid=str(invitation.uid),
        starts_at=invitation.starts_at,
        ends_at=invitation.starts_at + timedelta(minutes=invitation.duration_minutes),
        summary=invitation_summary(invitation),
        description=f"{description}\n\nLink: {invitation.link}",
        location=invitation.link,
        url=invitation.link,
        organizer_email=invitation.organizer.email,
        organizer_name=str(invitation.organizer),
        attendees=invitation.participants,
        stamp=stamp,
    )
