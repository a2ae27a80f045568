"""Permission-checked reads. A customer reaches only its organization's objects; anything else
is "not found", never "forbidden", so ids in other organizations do not leak (style.md)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import Role, User
from servicedesk.core.errors import NotFound
from servicedesk.tickets.models import Attachment, Comment, Ticket

TICKET_NOT_FOUND = gettext_noop("Chamado não encontrado.")
ATTACHMENT_NOT_FOUND = gettext_noop("Anexo não encontrado.")


def ticket_queryset_for(user: User) -> QuerySet[Ticket]:
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.role == Role.CUSTOMER:
        return Ticket.objects.filter(organization_id=user.organization_id)
    if user.is_support_staff:
        return Ticket.objects.all()
    return Ticket.objects.none()


def access_ticket(user: User, ticket_id: int, *, for_update: bool = False) -> Ticket:
    queryset = ticket_queryset_for(user).select_related(
        "organization", "calendar", "module__product", "release", "assignee", "team", "requester"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    ticket = queryset.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(TICKET_NOT_FOUND)
    return ticket


def comment_queryset_for(user: User, ticket: Ticket) -> QuerySet[Comment]:
    comments = ticket.comments.select_related("author").prefetch_related("attachments")
    if not user.is_support_staff:
        comments = comments.filter(is_internal=False)
    return comments


def access_attachment(user: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("ticket").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    if not ticket_queryset_for(user).filter(pk=attachment.ticket_id).exists():
        raise NotFound(ATTACHMENT_NOT_FOUND)
    if attachment.is_internal and not user.is_support_staff:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    return attachment
