"""Satisfaction surveys (domain.md §10): ask once when a ticket closes, record one answer.

- `surveys_send_due(now)` (the periodic task, every minute): every ticket ENCERRADO in the last
  SURVEY_WINDOW (confirmed by the customer or closed automatically — not cancelled) without a
  survey gets one: the row (unique per ticket) is created in its own transaction, then the
  requester is e-mailed the link. Two workers at once: one creates the row, the other skips.
- `survey_answer(...)`: the answer (1–5, a comment), once: the row is locked and an answered
  survey refuses a second answer (Conflict). A rating of 2 or less e-mails the managers of the
  ticket's team at once.
- Who answers: the holder of the e-mail's link (the token), or, through the API, the ticket's
  requester (`survey_for_requester`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import User
from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.surveys.models import SatisfactionSurvey
from servicedesk.tickets.access import access_ticket
from servicedesk.tickets.models import Ticket

SURVEY_WINDOW = timedelta(days=7)
LOW_RATING = 2
COMMENT_MAX = 4000

SURVEY_NOT_FOUND = gettext_noop("Pesquisa não encontrada.")
SURVEY_ANSWERED = gettext_noop("Esta pesquisa já foi respondida. Obrigado!")
RATING_INVALID = gettext_noop("Escolha uma nota de 1 a 5.")
COMMENT_TOO_LONG = gettext_noop("O comentário pode ter no máximo 4000 caracteres.")
REQUESTER_ONLY = gettext_noop("Somente o solicitante do chamado responde à pesquisa de satisfação.")
NOT_CLOSED = gettext_noop("A pesquisa de satisfação é feita depois que o chamado é encerrado.")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_create(ticket: Ticket, *, now: datetime) -> tuple[SatisfactionSurvey, str] | None:
    """The ticket's survey and its link token, or None when it already has one."""
    token = secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            survey = SatisfactionSurvey.objects.create(
                ticket=ticket,
                requester_id=ticket.requester_id,
                organization_id=ticket.organization_id,
                team_id=ticket.team_id,
                analyst_id=ticket.assignee_id,
                token_hash=_hash(token),
                created_at=now,
            )
    except IntegrityError:
        return None
    return survey, token


def survey_url(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:answer", args=[token])


def _mail(to: str, subject: str, body: str) -> None:
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()


def surveys_send_due(*, now: datetime) -> int:
    """Create and e-mail the surveys of the tickets closed recently that have none."""
    tickets = (
        Ticket.objects.filter(status=TicketStatus.CLOSED, closed_at__gte=now - SURVEY_WINDOW, survey__isnull=True)
        .select_related("requester")
        .order_by("closed_at")
    )
    sent = 0
    for ticket in tickets[:500]:
        # The survey row and its e-mail (the outbox row the e-mail backend writes) in one
        # transaction: a failure leaves neither, and the next run asks again.
        with transaction.atomic():
            created = survey_create(ticket, now=now)
            if created is None or not ticket.requester.email or not ticket.requester.is_active:
                continue
            _, token = created
            _mail(
                ticket.requester.email,
                f"[#{ticket.pk}] Como foi o atendimento? {ticket.title}",
                f"Olá, {ticket.requester.first_name or ticket.requester.username},\n\n"
                f"O chamado #{ticket.pk} ({ticket.title}) foi encerrado. Conte-nos como foi o atendimento: "
                "dê uma nota de 1 a 5 e, se quiser, um comentário. Leva menos de um minuto.\n\n"
                f"{survey_url(token)}\n\n"
                "A pesquisa é respondida uma vez por chamado.\n\n"
                f"Suporte WeConnect · {settings.SUPPORT_PHONE}\n",
            )
        sent += 1
    return sent


def survey_by_token(token: str) -> SatisfactionSurvey:
    survey = (
        SatisfactionSurvey.objects.select_related("ticket", "ticket__team")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if survey is None:
        raise NotFound(SURVEY_NOT_FOUND)
    return survey


def survey_for_requester(user: User, ticket_number: int, *, now: datetime) -> SatisfactionSurvey:
    """The survey of a ticket the caller may see and requested (created now if the sweep has not
    reached it yet). Another organization's ticket: NotFound; a colleague: NotAllowed."""
    ticket = access_ticket(user, ticket_number)
    if ticket.requester_id != user.pk:
        raise NotAllowed(REQUESTER_ONLY)
    if ticket.status != TicketStatus.CLOSED:
        raise Conflict(NOT_CLOSED)
    survey_create(ticket, now=now)
    return SatisfactionSurvey.objects.select_related("ticket", "ticket__team").get(ticket=ticket)


def survey_answer(*, survey: SatisfactionSurvey, rating, comment: str, now: datetime) -> SatisfactionSurvey:
    """Record the answer once (a second answer is a Conflict and changes nothing)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise DomainError(RATING_INVALID, field="rating")
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(COMMENT_TOO_LONG, field="comment")
    with transaction.atomic():
        locked = (
            SatisfactionSurvey.objects.select_for_update(of=("self",)).select_related("ticket__team").get(pk=survey.pk)
        )
        if locked.answered_at is not None:
            raise Conflict(SURVEY_ANSWERED)
        locked.rating, locked.comment, locked.answered_at = rating, comment, now
        locked.save(update_fields=["rating", "comment", "answered_at"])
        if rating <= LOW_RATING and locked.team_id:
            # The alerts are outbox rows of this transaction (EMAIL_BACKEND is the outbox): they
            # exist if and only if the answer does, and the relay sends them after the commit.
            _low_rating_alert(locked)
    return locked


def _low_rating_alert(survey: SatisfactionSurvey) -> None:
    ticket = survey.ticket
    url = settings.SITE_URL + reverse("console:ticket", args=[ticket.pk])
    for manager in survey.team.managers.filter(is_active=True):
        if manager.email:
            _mail(
                manager.email,
                f"[#{ticket.pk}] Avaliação baixa ({survey.rating}/5): {ticket.title}",
                f"O solicitante avaliou o atendimento do chamado #{ticket.pk} com nota {survey.rating} de 5.\n\n"
                f"Comentário: {survey.comment or '(sem comentário)'}\n\n{url}\n",
            )
