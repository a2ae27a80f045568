"""The e-mails of the advisory (domain.md §8): who is told what at every step.

Registered with `tickets.notifications.register_event_mailer` (from `AdvisoryConfig.ready`), so
they travel like every ticket e-mail: after the commit, in the background, once per event and
recipient. Customers get the portal's link, staff the console's; the message carries the
content (terms, amounts, dates in Brasília time, the comment or the reason). An appointment's
e-mail carries its calendar invitation (.ics, the channels' writer).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string

from servicedesk.accounts.models import User
from servicedesk.accounts.permissions import is_staff_user
from servicedesk.advisory.models import ActivityReport, Appointment, Proposal
from servicedesk.channels.calendar import calendar_invitation
from servicedesk.core import clock
from servicedesk.core.timefmt import brasilia
from servicedesk.tickets.models import EventKind, TicketEvent
from servicedesk.tickets.notifications import EventMailer, Mail, one_line, register_event_mailer, ticket_url

K = EventKind
SUBJECTS = {
    "proposal_sent": "[#{n}] Proposta de assessoria aguardando aprovação: {title}",
    "proposal_accepted": "[#{n}] Proposta aceita por {who}: {title}",
    "proposal_refused": "[#{n}] Proposta recusada por {who}: {title}",
    "proposal_cancelled": "[#{n}] Proposta de assessoria cancelada: {title}",
    "scheduled": "[#{n}] Assessoria agendada para {when}: {title}",
    "report_sent": "[#{n}] Relatório de assessoria (versão {version}) aguardando validação",
    "report_validated": "[#{n}] Relatório de assessoria validado por {who}",
    "report_contested": "[#{n}] Relatório de assessoria contestado por {who}",
    "billing_exported": "[#{n}] Assessoria enviada para faturamento: {title}",
}


def _approvers(ticket) -> list[User]:
    return list(
        User.objects.filter(organization_id=ticket.organization_id, role="customer", is_approver=True, is_active=True)
    )


def _with_requester(people: list[User], ticket) -> list[User]:
    return [*people, ticket.requester] if ticket.requester.is_active else people


def _staff_of(event: TicketEvent, *extra: User | None) -> list[User]:
    ticket = event.ticket
    people = [person for person in extra if person is not None]
    if ticket.assignee_id:
        people.append(ticket.assignee)
    return people


def _proposal(event: TicketEvent) -> Proposal | None:
    pk = (event.data or {}).get("proposal_id")
    return Proposal.objects.select_related("created_by", "sent_by").filter(pk=pk).first() if pk else None


def _report(event: TicketEvent) -> ActivityReport | None:
    pk = (event.data or {}).get("report_id")
    return (
        ActivityReport.objects.select_related("sent_by", "engagement__proposal").filter(pk=pk).first() if pk else None
    )


def recipients(event: TicketEvent) -> list[tuple[str, list[User]]]:
    ticket = event.ticket
    kind = event.kind
    if kind == K.PROPOSAL_SENT:
        return [("proposal_sent", _with_requester(_approvers(ticket), ticket))]
    if kind in (K.PROPOSAL_ACCEPTED, K.PROPOSAL_REFUSED):
        proposal = _proposal(event)
        message = "proposal_accepted" if kind == K.PROPOSAL_ACCEPTED else "proposal_refused"
        staff = _staff_of(event, proposal.created_by if proposal else None, proposal.sent_by if proposal else None)
        return [(message, staff), (message, _with_requester(_approvers(ticket), ticket))]
    if kind == K.PROPOSAL_CANCELLED:
        proposal = _proposal(event)
        if proposal is None or proposal.sent_at is None:
            return []  # a draft the customer never saw
        return [("proposal_cancelled", _with_requester(_approvers(ticket), ticket))]
    if kind == K.ADVISORY_SCHEDULED:
        appointment = Appointment.objects.select_related("analyst").filter(pk=event.data.get("appointment_id")).first()
        staff = [appointment.analyst] if appointment else []
        return [("scheduled", staff), ("scheduled", _with_requester(_approvers(ticket), ticket))]
    if kind == K.REPORT_SENT:
        return [("report_sent", _with_requester(_approvers(ticket), ticket))]
    if kind in (K.REPORT_VALIDATED, K.REPORT_CONTESTED):
        report = _report(event)
        message = "report_validated" if kind == K.REPORT_VALIDATED else "report_contested"
        staff = _staff_of(event, report.sent_by if report else None)
        return [(message, staff), (message, _with_requester(_approvers(ticket), ticket))]
    if kind == K.BILLING_EXPORTED:
        return [("billing_exported", _approvers(ticket))]
    return []


def _appointment_ics(appointment: Appointment, *, ticket, stamp: datetime) -> bytes:
    analyst = appointment.analyst
    attendees = [analyst.email] if analyst.email else []
    attendees += [p.email for p in _approvers(ticket) if p.email]
    description = f"Assessoria técnica do chamado #{ticket.pk}: {ticket.title}."
    if appointment.notes:
        description += f"\n\n{appointment.notes}"
    return calendar_invitation(
        uid=f"advisory-{appointment.uid}",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=f"Assessoria WeConnect — chamado #{ticket.pk}",
        description=description + f"\n\nLocal: {appointment.location}",
        location=appointment.location,
        url=appointment.location if appointment.is_link else "",
        organizer_email=appointment.created_by.email,
        organizer_name=str(appointment.created_by),
        attendees=list(dict.fromkeys(attendees)),
        stamp=stamp,
    )


def compose(message_kind: str, event: TicketEvent, person: User) -> Mail:
    ticket = event.ticket
    data = event.data or {}
    staff = is_staff_user(person)
    proposal = _proposal(event)
    report = _report(event)
    appointment = None
    attachments: tuple[tuple[str, bytes, str], ...] = ()
    if event.kind == K.ADVISORY_SCHEDULED:
        appointment = (
            Appointment.objects.select_related("analyst", "created_by").filter(pk=data.get("appointment_id")).first()
        )
        if appointment is not None:
            attachments = (
                (
                    "assessoria.ics",
                    _appointment_ics(appointment, ticket=ticket, stamp=clock.now()),
                    "text/calendar; method=REQUEST",
                ),
            )
    if report is not None and proposal is None:
        proposal = report.engagement.proposal
    who = (event.actor.get_full_name() or event.actor.username) if event.actor else ""
    context = {
        "kind": message_kind,
        "event": event,
        "ticket": ticket,
        "person": person,
        "staff": staff,
        "is_approver": getattr(person, "is_approver", False),
        "url": ticket_url(ticket, person),
        "who": who,
        "proposal": proposal,
        "report": report,
        "appointment": appointment,
        "data": data,
        "support_phone": settings.SUPPORT_PHONE,
    }
    when = brasilia(appointment.starts_at, "%d/%m/%Y às %H:%M") if appointment else ""
    subject = one_line(
        SUBJECTS[message_kind].format(
            n=ticket.pk, title=ticket.title, who=who, when=when, version=report.version if report else ""
        )
    )
    return Mail(
        subject,
        render_to_string("emails/advisory_event.txt", context),
        render_to_string("emails/advisory_event.html", context),
        attachments,
    )


def register() -> None:
    register_event_mailer(
        [
            K.PROPOSAL_SENT,
            K.PROPOSAL_ACCEPTED,
            K.PROPOSAL_REFUSED,
            K.PROPOSAL_CANCELLED,
            K.ADVISORY_SCHEDULED,
            K.REPORT_SENT,
            K.REPORT_VALIDATED,
            K.REPORT_CONTESTED,
            K.BILLING_EXPORTED,
        ],
        EventMailer(recipients=recipients, compose=compose),
    )
