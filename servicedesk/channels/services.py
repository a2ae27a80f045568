"""Writes of the phone and video channels (domain.md §9). Staff only; every call or invitation
is attached to an existing ticket and recorded in its history (TicketEvent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts.models import User
from servicedesk.channels.models import CallDirection, PhoneCall, VideoCallInvitation
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.tickets.access import ensure_ticket_capability
from servicedesk.tickets.models import EventKind, Ticket
from servicedesk.tickets.services import ticket_event_record

# Messages (pt-BR), reused by the tests.
CHANNELS_STAFF_ONLY = gettext_noop("Apenas a equipe WeConnect registra ligações e envia convites de videochamada.")
CALL_CONTACT_REQUIRED = gettext_noop("Informe com quem foi a ligação.")
CALL_DIRECTION_INVALID = gettext_noop("Informe se a ligação foi recebida ou realizada.")
CALL_IN_FUTURE = gettext_noop("A ligação não pode começar no futuro.")
CALL_DURATION_INVALID = gettext_noop("Informe a duração em minutos (de 1 a 600).")
CALL_SUMMARY_REQUIRED = gettext_noop("Resuma o que foi tratado na ligação.")
VIDEO_IN_PAST = gettext_noop("Escolha uma data e hora no futuro.")
VIDEO_TOO_FAR = gettext_noop("Escolha uma data nos próximos 2 anos.")
VIDEO_DURATION_INVALID = gettext_noop("Informe a duração em minutos (de 5 a 480).")
VIDEO_LINK_INVALID = gettext_noop("Informe um link https:// válido para a reunião.")
VIDEO_PARTICIPANTS_REQUIRED = gettext_noop("Informe pelo menos um participante.")
VIDEO_PARTICIPANT_INVALID = gettext_noop("E-mail inválido: {email}.")
VIDEO_TOO_MANY_PARTICIPANTS = gettext_noop("No máximo 30 participantes por convite.")
TICKET_NOT_OPEN = gettext_noop("Este chamado está encerrado: não é possível registrar contatos nele.")

MAX_PARTICIPANTS = 30
# How far ahead a video call may be scheduled. Beyond it the date is a typo, and near year 9999
# the UTC instant (database, .ics DTEND = start + duration) would overflow.
VIDEO_MAX_AHEAD = timedelta(days=2 * 365)


def _require_call_capability(actor: User, ticket: Ticket, now: datetime) -> None:
    try:
        ensure_ticket_capability(actor, "ticket.call", ticket, now=now)
    except NotAllowed:
        raise NotAllowed(CHANNELS_STAFF_ONLY) from None


def _minutes(value: timedelta | int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)
    return int(value)


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)


@transaction.atomic
def phone_call_log(
    *,
    ticket: Ticket,
    actor: User,
    contact_name: str,
    direction: str,
    started_at: datetime,
    duration: timedelta | int,
    summary: str,
    now: datetime,
    expected_revision: int | None = None,
) -> PhoneCall:
    """Log a phone call on a ticket (phone support only after a ticket exists, domain.md §9)."""
    _require_call_capability(actor, ticket, now)
    minutes = _minutes(duration)
    errors: dict[str, str] = {}
    if not contact_name.strip():
        errors["contact_name"] = CALL_CONTACT_REQUIRED
    if direction not in CallDirection.values:
        errors["direction"] = CALL_DIRECTION_INVALID
    if started_at is None or started_at > now:
        errors["started_at"] = CALL_IN_FUTURE
    if minutes is None or not 1 <= minutes <= 600:
        errors["duration"] = CALL_DURATION_INVALID
    if not summary.strip():
        errors["summary"] = CALL_SUMMARY_REQUIRED
    _raise_if(errors)
    call = PhoneCall.objects.create(
        ticket=ticket,
        staff=actor,
        contact_name=contact_name.strip(),
        direction=direction,
        started_at=started_at,
        duration_minutes=minutes,
        summary=summary.strip(),
        created_at=now,
    )
    ticket_event_record(
        ticket=ticket,
        kind=EventKind.PHONE_CALL,
        actor=actor,
        capability="ticket.call",
        now=now,
        public=False,
        expected_revision=expected_revision,
        data={
            "phone_call_id": call.pk,
            "contact_name": call.contact_name,
            "direction": direction,
            "started_at": started_at.isoformat(),
            "duration_minutes": minutes,
            "summary": call.summary,
        },
    )
    return call


def parse_participants(raw: str | list[str] | tuple[str, ...]) -> list[str]:
    """Split a text of e-mails (commas, semicolons, spaces or lines) into a de-duplicated list."""
    if isinstance(raw, str):
        raw = raw.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
    seen: dict[str, str] = {}
    for item in raw:
        email = item.strip()
        if email:
            seen.setdefault(email.lower(), email)
    return list(seen.values())


_validate_url = URLValidator(schemes=["https", "http"])


@transaction.atomic
def video_call_invite(
    *,
    ticket: Ticket,
    actor: User,
    starts_at: datetime,
    duration: timedelta | int,
    link: str,
    participants: list[str] | str,
    now: datetime,
    message: str = "",
    expected_revision: int | None = None,
) -> VideoCallInvitation:
    """Schedule a video call from a ticket; the participants get an e-mail with an .ics file (§9)."""
    _require_call_capability(actor, ticket, now)
    minutes = _minutes(duration)
    emails = parse_participants(participants)
    errors: dict[str, str] = {}
    if not ticket.is_open:
        errors["__all__"] = TICKET_NOT_OPEN
    if starts_at is None or starts_at <= now:
        errors["starts_at"] = VIDEO_IN_PAST
    elif starts_at - now > VIDEO_MAX_AHEAD:  # aware subtraction: no datetime is built, nothing overflows
        errors["starts_at"] = VIDEO_TOO_FAR
    if minutes is None or not 5 <= minutes <= 480:
        errors["duration"] = VIDEO_DURATION_INVALID
    try:
        _validate_url(link.strip())
    except ValidationError:
        errors["link"] = VIDEO_LINK_INVALID
    if not emails:
        errors["participants"] = VIDEO_PARTICIPANTS_REQUIRED
    elif len(emails) > MAX_PARTICIPANTS:
        errors["participants"] = VIDEO_TOO_MANY_PARTICIPANTS
    else:
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                errors["participants"] = gettext(VIDEO_PARTICIPANT_INVALID).format(email=email)
                break
    _raise_if(errors)
    invitation = VideoCallInvitation.objects.create(
        ticket=ticket,
        organizer=actor,
        starts_at=starts_at,
        duration_minutes=minutes,
        link=link.strip(),
        participants=emails,
        message=message.strip(),
        created_at=now,
    )
    ticket_event_record(
        ticket=ticket,
        kind=EventKind.VIDEO_CALL,
        actor=actor,
        capability="ticket.call",
        now=now,
        public=True,
        expected_revision=expected_revision,
        data={
            "invitation_id": invitation.pk,
            "starts_at": starts_at.isoformat(),
            "duration_minutes": minutes,
            "link": invitation.link,
            "participants": emails,
        },
    )
    from servicedesk.channels import tasks  # tasks import this module

    tasks.enqueue_video_call_invitation(invitation.pk)  # an outbox row, in this transaction
    return invitation
