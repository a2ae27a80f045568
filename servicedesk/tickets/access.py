"""Who may see and do what on tickets: the one tenant scope and the ticket capability checks.

Reads: a customer reaches only its organization's objects; anything else is "not found", never
"forbidden", so ids in other organizations do not leak (style.md). Staff reach every ticket.
Both follow `accounts.permissions.effective_role`, the same row of the capability table that
`can()` uses.

Actions: `ticket_may` / `ensure_ticket_capability` add to the pure `can()` the rules that need
the ticket and the actor's training (domain.md §3, "Who may act on a ticket"): every user of
the organization sees its tickets; a trained user replies to and adds evidence to any of them;
only the requester or an approver cancels, confirms the solution or requests the reopening; an
untrained or expired user acts only on the training requests he opened. The services call
`ensure_ticket_capability`; the pages call `ticket_may` to show only what will be accepted.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import local_date, user_is_trained
from servicedesk.core.errors import NotAllowed, NotFound
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets import workflow
from servicedesk.tickets.models import Attachment, Comment, Ticket, TicketCategory, TicketEvent, TicketView

TICKET_NOT_FOUND = gettext_noop("Chamado não encontrado.")
ATTACHMENT_NOT_FOUND = gettext_noop("Anexo não encontrado.")
ACTION_NOT_ALLOWED = gettext_noop("Você não pode fazer isso neste chamado.")
REQUESTER_OR_APPROVER_ONLY = gettext_noop(
    "Somente quem abriu o chamado ou um aprovador da organização pode cancelá-lo, confirmar a solução ou pedir a reabertura."
)
UNTRAINED_READ_ONLY = gettext_noop(
    "Usuários sem treinamento válido acompanham os chamados da organização, mas só agem nas solicitações de treinamento que abriram."
)

S = TicketStatus
_CUSTOMER_ROLES = frozenset({permissions.CUSTOMER, permissions.APPROVER})
# domain.md §3: only the ticket's requester or an approver may do these.
REQUESTER_OR_APPROVER_CAPABILITIES = frozenset({"ticket.cancel", "ticket.confirm", "ticket.reopen_request"})


def is_customer(user: User | None) -> bool:
    return permissions.effective_role(user) in _CUSTOMER_ROLES


# --------------------------------------------------------------------------- reads


def ticket_queryset_for(user: User | None) -> QuerySet[Ticket]:
    """Every ticket `user` may see: the organization's for customers, all for staff."""
    role = permissions.effective_role(user)
    if role in _CUSTOMER_ROLES:
        return Ticket.objects.filter(organization_id=user.organization_id)
    if role in permissions.STAFF_ROLE_NAMES:
        return Ticket.objects.all()
    return Ticket.objects.none()


def access_ticket(user: User, ticket_id: int, *, for_update: bool = False, seen_by: User | None = None) -> Ticket:
    """The ticket `user` may see, with what its pages show; `seen_by`: annotate `viewer_seen_at`,
    when that user last opened it (tickets.services.ticket_seen), in the same query."""
    queryset = ticket_queryset_for(user).select_related(
        "organization", "calendar", "module__product", "release", "fixed_in__product", "assignee", "team", "requester"
    )
    if seen_by is not None:
        seen = TicketView.objects.filter(ticket=OuterRef("pk"), user_id=seen_by.pk).values("seen_at")[:1]
        queryset = queryset.annotate(viewer_seen_at=Subquery(seen))
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    # [:1] without .first()'s ORDER BY: nothing to sort in a primary-key lookup.
    ticket = next(iter(queryset.filter(pk=ticket_id).order_by()[:1]), None)
    if ticket is None:
        raise NotFound(TICKET_NOT_FOUND)
    return ticket


def comment_queryset_for(user: User, ticket: Ticket, *, with_attachments: bool = True) -> QuerySet[Comment]:
    """The conversation: internal notes only for staff (each message's files prefetched unless
    the caller reads the ticket's files itself)."""
    comments = ticket.comments.select_related("author")
    if with_attachments:
        comments = comments.prefetch_related("attachments")
    if not permissions.is_staff_user(user):
        comments = comments.filter(is_internal=False)
    return comments


def event_queryset_for(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    """A ticket's history: customers see public events only (read their data through
    `tickets.history.event_data_for`)."""
    events = ticket.events.select_related("actor")
    if not permissions.is_staff_user(user):
        events = events.filter(public=True)
    return events


def fix_release_for(user: User | None, ticket: Ticket):
    """The release that fixes `ticket` as `user` may read it: staff see the planned one too,
    customers only a published release (a planned version is not a promise; issue 11)."""
    release = ticket.fixed_in if ticket.fixed_in_id else None
    if release is None or not (permissions.is_staff_user(user) or release.is_published):
        return None
    return release


def access_attachment(user: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("ticket").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    if not ticket_queryset_for(user).filter(pk=attachment.ticket_id).exists():
        raise NotFound(ATTACHMENT_NOT_FOUND)
    if attachment.is_internal and not permissions.is_staff_user(user):
        raise NotFound(ATTACHMENT_NOT_FOUND)
    return attachment


# --------------------------------------------------------------------------- actions


def _customer_refusal(user: User, capability: str, ticket: Ticket, *, trained: bool) -> str | None:
    """Why domain.md §3 refuses `capability` to the customer `user` on `ticket` (None: allowed)."""
    own = ticket.requester_id == user.pk
    if not trained and not (own and ticket.category == TicketCategory.TRAINING):
        return UNTRAINED_READ_ONLY
    if capability in REQUESTER_OR_APPROVER_CAPABILITIES and not (own or user.is_approver):
        return REQUESTER_OR_APPROVER_ONLY
    return None


def ticket_may(user: User | None, capability: str, ticket: Ticket, *, trained: bool) -> bool:
    """Whether `user` may use `capability` on `ticket` (`trained`: the actor's training is valid
    today — see `actor_is_trained`). Pure: no database access."""
    if not permissions.can(user, capability, ticket):
        return False
    if is_customer(user):
        return _customer_refusal(user, capability, ticket, trained=trained) is None
    return True


def actor_is_trained(user: User | None, *, now: datetime) -> bool:
    """Customers: a valid training on the Brasília date of `now` (domain.md §4). Staff: always.

    Remembered on the user object for that date: one query per request, however many checks."""
    if not is_customer(user):
        return True
    day = local_date(now)
    memo = user.__dict__.setdefault("_trained_on", {})
    if day not in memo:
        memo[day] = user_is_trained(user, on=day)
    return memo[day]


def ensure_ticket_capability(user: User | None, capability: str, ticket: Ticket, *, now: datetime) -> None:
    """Raise `NotAllowed` unless `user` may use `capability` on `ticket` (the services' check)."""
    if not permissions.can(user, capability, ticket):
        raise NotAllowed(ACTION_NOT_ALLOWED)
    if is_customer(user):
        refusal = _customer_refusal(user, capability, ticket, trained=actor_is_trained(user, now=now))
        if refusal is not None:
            raise NotAllowed(refusal)


def ticket_customer_actions(user: User, ticket: Ticket, *, now: datetime, reopen_pending: bool) -> dict[str, bool]:
    """What the portal offers `user` on `ticket`: exactly what the services would accept (the
    transition table for the status, `ticket_may` for the person)."""
    trained = actor_is_trained(user, now=now)

    def may(capability: str) -> bool:
        return ticket_may(user, capability, ticket, trained=trained)

    is_open = ticket.status not in workflow.FINAL_STATUSES
    return {
        "reply": is_open and may("ticket.reply"),
        "confirm": workflow.is_allowed(workflow.Reason.CONFIRMATION, ticket.status, S.CLOSED) and may("ticket.confirm"),
        "cancel": workflow.is_allowed(workflow.Reason.WITHDRAWAL, ticket.status, S.CANCELLED) and may("ticket.cancel"),
        "reopen_request": ticket.status == S.CLOSED and not reopen_pending and may("ticket.reopen_request"),
        "open_linked": not is_open and trained and permissions.can(user, "ticket.open", ticket),
    }
