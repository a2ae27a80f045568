"""Who is told what, by e-mail, for each ticket event (pt-BR templates, HTML and plain text).

`tickets.history.event_notify_on_commit` writes, in the event's transaction, an outbox row that
runs `event_notify` once the transaction commits (servicedesk.outbox relays and retries it);
`event_notify` writes each e-mail as its own outbox row (EMAIL_BACKEND is the outbox)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string

from servicedesk.accounts.models import User
from servicedesk.accounts.permissions import is_staff_user
from servicedesk.core import clock
from servicedesk.core.timefmt import brasilia
from servicedesk.outbox.services import outbox_call
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES, TicketStatus
from servicedesk.sla.services import ticket_sla_view
from servicedesk.tickets.models import Comment, EventKind, NotificationLog, TicketEvent

logger = logging.getLogger(__name__)

SUBJECTS = {
    "received": "[#{n}] Recebemos seu chamado: {title}",
    "staff_reply": "[#{n}] Nova resposta da equipe WeConnect: {title}",
    "waiting_customer": "[#{n}] Precisamos de uma informação sua: {title}",
    "resolved": "[#{n}] Chamado resolvido: confirme a solução",
    "closed": "[#{n}] Chamado encerrado: {title}",
    "new_ticket": "[#{n}] Novo chamado na equipe: {title}",
    "customer_replied": "[#{n}] O cliente respondeu: {title}",
    "at_risk": "[#{n}] SLA em risco: {title}",
    "breached": "[#{n}] SLA violado: {title}",
    "reopen_requested": "[#{n}] Pedido de reabertura: {title}",
    "reopen_refused": "[#{n}] Pedido de reabertura recusado",
    "closing_soon": "[#{n}] Seu chamado será encerrado automaticamente em {closing}",
    "cancelled": "[#{n}] Chamado cancelado: {title}",
    "confirmed": "[#{n}] O cliente confirmou a solução: {title}",
    "colleague_acted": "[#{n}] {actor} agiu no seu chamado",
    "fixed": "[#{n}] Corrigido na versão {version}: {title}",
}
# The requester is told that the ticket they opened was received (the one message to the author).
TO_THE_AUTHOR = frozenset({"received"})
# domain.md §3: when someone other than the requester acts on a ticket, the requester is told.
_CUSTOMER_ACTS = frozenset(
    {EventKind.CUSTOMER_REPLY, EventKind.ATTACHMENT, EventKind.STATUS_CHANGED, EventKind.REOPEN_REQUESTED}
)


def _customer_recipients(event: TicketEvent) -> list[User]:
    return [event.ticket.requester]


def _requester_and_approvers(event: TicketEvent) -> list[User]:
    """The requester and the active approvers of the ticket's own organization (never another's)."""
    ticket = event.ticket
    approvers = User.objects.filter(
        organization_id=ticket.organization_id, role="customer", is_approver=True, is_active=True
    ).order_by("pk")
    return [ticket.requester, *approvers]


def _staff_recipients(event: TicketEvent, *, managers: bool = False) -> list[User]:
    ticket = event.ticket
    people: list[User] = []
    if ticket.assignee_id:
        people.append(ticket.assignee)
    elif ticket.team_id:
        people.extend(ticket.team.members.filter(is_active=True))
    if managers and ticket.team_id:
        people.extend(ticket.team.managers.filter(is_active=True))
    return people


def recipients_for(event: TicketEvent) -> list[tuple[str, list[User]]]:
    """(message kind, people) pairs for an event; the author is never told about their own act."""
    kind, to_status = event.kind, event.to_status
    out: list[tuple[str, list[User]]] = []
    if kind == EventKind.OPENED:
        out.append(("received", _customer_recipients(event)))
        out.append(("new_ticket", _staff_recipients(event)))
    elif kind == EventKind.PUBLIC_REPLY:
        out.append(("staff_reply", _customer_recipients(event)))
    elif kind in (EventKind.CUSTOMER_REPLY, EventKind.ATTACHMENT) and event.customer_interaction:
        out.append(("customer_replied", _staff_recipients(event)))
    elif kind == EventKind.SLA_AT_RISK:
        out.append(("at_risk", _staff_recipients(event)))
    elif kind == EventKind.SLA_BREACHED:
        out.append(("breached", _staff_recipients(event, managers=True)))
    elif kind == EventKind.REOPEN_REQUESTED:
        out.append(("reopen_requested", _staff_recipients(event)))
    elif kind == EventKind.REOPEN_REFUSED:
        out.append(("reopen_refused", _customer_recipients(event)))
    elif kind == EventKind.CLOSING_SOON:
        out.append(("closing_soon", _customer_recipients(event)))
    elif kind == EventKind.FIX_RELEASED:
        out.append(("fixed", _requester_and_approvers(event)))
    if to_status == TicketStatus.WAITING_CUSTOMER:
        out.append(("waiting_customer", _customer_recipients(event)))
    elif to_status == TicketStatus.RESOLVED:
        out.append(("resolved", _customer_recipients(event)))
    elif to_status == TicketStatus.CLOSED:
        out.append(("closed", _customer_recipients(event)))
        if event.reason == "confirmation":
            out.append(("confirmed", _staff_recipients(event)))
    elif to_status == TicketStatus.CANCELLED:
        out.append(("cancelled", [event.ticket.requester, *_staff_recipients(event)]))
    actor = event.actor
    if (
        kind in _CUSTOMER_ACTS
        and actor is not None
        and actor.role == "customer"
        and actor.pk != event.ticket.requester_id
        and not any(event.ticket.requester in people for _, people in out)
    ):
        out.append(("colleague_acted", _customer_recipients(event)))
    return _without_author(event, out)


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (file name, content, MIME type)


@dataclass(frozen=True)
class EventMailer:
    """The e-mails of event kinds another app writes (the advisory, domain.md §8): who gets which
    message, and the message for one person. Registered from that app's `ready()`, so this module
    never imports the apps above it."""

    recipients: Callable[[TicketEvent], list[tuple[str, list[User]]]]
    compose: Callable[[str, TicketEvent, User], Mail]


EVENT_MAILERS: dict[str, EventMailer] = {}


def register_event_mailer(kinds: Iterable[str], mailer: EventMailer) -> None:
    for kind in kinds:
        EVENT_MAILERS[kind] = mailer


def _deliver_once(event: TicketEvent, person: User, build: Callable[[], Mail]) -> bool:
    """Send one message to one person for one event, at most once (NotificationLog is unique per
    event and recipient, and written in the same transaction as the send)."""
    try:
        with transaction.atomic():
            NotificationLog.objects.create(event=event, recipient=person.email, sent_at=clock.now())
            mail = build()
            message = EmailMultiAlternatives(mail.subject, mail.text, settings.DEFAULT_FROM_EMAIL, [person.email])
            message.attach_alternative(mail.html, "text/html")
            for name, content, mimetype in mail.attachments:
                message.attach(name, content, mimetype)
            message.send()
            return True
    except IntegrityError:
        return False


def _without_author(event: TicketEvent, pairs: list[tuple[str, list[User]]]) -> list[tuple[str, list[User]]]:
    return [
        (k, [p for p in people if p.email and (k in TO_THE_AUTHOR or p.pk != event.actor_id)]) for k, people in pairs
    ]


def event_notify(*, event_id: int) -> int:
    """Send the e-mails of one event; safe to run twice (NotificationLog is unique per recipient)."""
    event = (
        TicketEvent.objects.select_related(
            "ticket__requester", "ticket__assignee", "ticket__team", "ticket__organization", "ticket__calendar", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    mailer = EVENT_MAILERS.get(event.kind)
    if mailer is not None:
        pairs = _without_author(event, mailer.recipients(event))

        def build(kind, person):
            return lambda: mailer.compose(kind, event, person)
    else:
        pairs = recipients_for(event)

        def build(kind, person):
            # The deadlines as they stood when it happened (the event's instant).
            return lambda: Mail(*compose(kind, event, person, now=event.at))

    sent = 0
    for message_kind, people in pairs:
        for person in {p.email: p for p in people}.values():
            sent += _deliver_once(event, person, build(message_kind, person))
    return sent


def ticket_url(ticket, person: User) -> str:
    """Staff open the ticket in the console, customers in the portal (SITE_URL from the environment)."""
    path = f"/console/chamados/{ticket.pk}/" if is_staff_user(person) else f"/chamados/{ticket.pk}/"
    return settings.SITE_URL + path


def _message_of(event: TicketEvent, person: User) -> dict | None:
    """The words the e-mail carries: the reply, the question, the solution, the reason… with
    their author — only what `person` may read (internal notes never reach a customer)."""
    data = event.data or {}
    body = ""
    if data.get("comment_id"):
        comment = Comment.objects.filter(pk=data["comment_id"]).select_related("author").first()
        if comment is not None and (is_staff_user(person) or not comment.is_internal):
            body = comment.body
    elif data.get("names"):
        body = "Arquivos anexados: " + ", ".join(data["names"])
    body = body or data.get("note") or data.get("reason") or ""
    if event.kind == EventKind.OPENED:
        body = event.ticket.description
    if not body.strip():
        return None
    return {"body": body.strip()[:MESSAGE_MAX_CHARS], "author": event.actor, "at": event.at}


MESSAGE_MAX_CHARS = 4000


def _fix_of(event: TicketEvent) -> dict | None:
    """The published fix an announcement carries: version, product and Brasília publication date."""
    if event.kind != EventKind.FIX_RELEASED:
        return None
    data = event.data or {}
    published = datetime.fromisoformat(data["published_at"]) if data.get("published_at") else event.at
    return {
        "version": data.get("version", ""),
        "product": data.get("product", ""),
        "published_on": brasilia(published, "%d/%m/%Y"),
    }


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def compose(kind: str, event: TicketEvent, person: User, *, now) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one message for one person, in pt-BR."""
    ticket = event.ticket
    staff = is_staff_user(person)
    sla = ticket_sla_view(ticket, now=now)
    upcoming = sla.next
    closing = ticket.auto_close_at if ticket.status in AUTO_CLOSE_STATUSES else None
    context = {
        "kind": kind,
        "event": event,
        "ticket": ticket,
        "person": person,
        "staff": staff,
        "url": ticket_url(ticket, person),
        "message": _message_of(event, person),
        "who": _name(event.actor),
        "deadline": upcoming,
        "closing_at": closing,
        "support_phone": settings.SUPPORT_PHONE,
        "fix": _fix_of(event),
    }
    subject = one_line(
        SUBJECTS[kind].format(
            n=ticket.pk,
            title=ticket.title,
            actor=event.actor,
            closing=brasilia(closing or event.at, "%d/%m/%Y às %H:%M"),
            version=(event.data or {}).get("version", ""),
        )
    )
    return (
        subject,
        render_to_string("emails/ticket_event.txt", context),
        render_to_string("emails/ticket_event.html", context),
    )


def one_line(text: str) -> str:
    """A header value never carries a line break (it would be refused, or be an injection)."""
    return " ".join(str(text).split())


@task
def send_event_notifications(event_id: int) -> int:
    return event_notify(event_id=event_id)


def event_notify_many(*, event_ids: list[int]) -> int:
    return sum(event_notify(event_id=event_id) for event_id in event_ids)


def enqueue_event_notifications(event_id: int) -> None:
    """Write, in the current transaction, the outbox row that sends the e-mails of one event once
    it commits (servicedesk.outbox: the row lives or dies with the event; the relay retries)."""
    outbox_call("servicedesk.tickets.notifications.event_notify", event_id=event_id)


@task
def send_many_event_notifications(event_ids: list[int]) -> int:
    return event_notify_many(event_ids=event_ids)


def enqueue_many_event_notifications(event_ids: list[int]) -> None:
    """The same for many events at once (one outbox row, one relay)."""
    outbox_call("servicedesk.tickets.notifications.event_notify_many", event_ids=list(event_ids))
