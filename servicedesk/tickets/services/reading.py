"""Who has looked at a ticket, and when: the console marks a ticket the customer answered since
its assignee last opened it ("cliente respondeu")."""

from __future__ import annotations

from datetime import datetime

from servicedesk.accounts.models import User
from servicedesk.accounts.permissions import is_staff_user
from servicedesk.tickets.models import Ticket, TicketView


def ticket_seen(*, ticket: Ticket, user: User, now: datetime) -> None:
    """Record that staff member `user` opened the ticket's workspace at `now` (customers: nothing)."""
    if not is_staff_user(user):
        return
    # One upsert (INSERT … ON CONFLICT DO UPDATE on both databases), no transaction of its own: a
    # GET of the workspace does not take SQLite's write lock for a read-then-write.
    TicketView.objects.bulk_create(
        [TicketView(ticket_id=ticket.pk, user_id=user.pk, seen_at=now)],
        update_conflicts=True,
        unique_fields=["ticket", "user"],
        update_fields=["seen_at"],
    )
