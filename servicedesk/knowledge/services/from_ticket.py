"""A resolved ticket becomes a draft article (issue 10: "transformar em artigo").

The draft is prefilled from what the customer already read: the title, the problem (the ticket's
description) and the solution (the public message that resolved it). Internal notes never go into
the prefilled body — an analyst who wants one there types it. The draft is `interna` by default,
applies to the ticket's product, remembers its ticket, and waits for a reviewer to publish it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.knowledge.models import Article, Visibility
from servicedesk.knowledge.services.articles import WRITERS_ONLY, article_create
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets.models import Comment, Ticket

TICKET_NOT_RESOLVED = gettext_noop("Somente um chamado RESOLVIDO ou ENCERRADO pode virar artigo.")
CONVERTIBLE_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})
PROBLEM_HEADING = "## Problema"
SOLUTION_HEADING = "## Solução"


@dataclass(frozen=True)
class ArticleDraft:
    title: str
    body: str
    product_ids: list[int]


def _resolving_message(ticket: Ticket) -> Comment | None:
    """The public staff message that resolved the ticket: the one attached to its last move to
    RESOLVIDO, else the last public staff message before that move (never an internal note)."""
    event = ticket.events.filter(to_status=TicketStatus.RESOLVED).order_by("-at", "-id").first()
    public = Comment.objects.filter(ticket=ticket, is_internal=False, author__organization__isnull=True)
    if event is not None:
        comment_id = (event.data or {}).get("comment_id")
        if isinstance(comment_id, int) and (found := public.filter(pk=comment_id).first()):
            return found
        public = public.filter(created_at__lte=event.at)
    return public.order_by("-created_at", "-id").first()


def _ensure_convertible(ticket: Ticket, actor) -> None:
    if not permissions.can(actor, "knowledge.write"):
        raise NotAllowed(WRITERS_ONLY)
    if ticket.status not in CONVERTIBLE_STATUSES:
        raise DomainError(TICKET_NOT_RESOLVED)


def article_draft_from_ticket(*, ticket: Ticket, actor) -> ArticleDraft:
    """The prefilled title and body (Markdown) of the article a resolved ticket would become."""
    _ensure_convertible(ticket, actor)
    message = _resolving_message(ticket)
    solution = message.body.strip() if message is not None else ""
    body = f"{PROBLEM_HEADING}\n\n{ticket.description.strip()}\n\n{SOLUTION_HEADING}\n\n{solution}\n"
    return ArticleDraft(title=ticket.title, body=body, product_ids=[ticket.product_id] if ticket.product_id else [])


def article_create_from_ticket(
    *, ticket: Ticket, actor, now: datetime, title: str, body: str, visibility: str = Visibility.INTERNAL
) -> Article:
    """The draft article (version 1) of a resolved ticket, with the ticket's product."""
    _ensure_convertible(ticket, actor)
    article = article_create(
        actor=actor,
        title=title,
        body=body,
        now=now,
        visibility=visibility,
        products=[ticket.product_id] if ticket.product_id else [],
    )
    article.source_ticket = ticket
    article.save(update_fields=["source_ticket"])
    return article
