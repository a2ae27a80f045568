"""Who has looked at a ticket, and when: the console marks a ticket the customer answered since
its assignee last opened it ("cliente respondeu")."""

from __future__ import annotations

from datetime import datetime, timedelta

from servicedesk.accounts.models import User
from servicedesk.accounts.permissions import is_staff_user
from servicedesk.tickets.models import Ticket, TicketView

# A look is written again at most this often when the customer wrote nothing since the last one.
SEEN_REFRESH = timedelta(minutes=5)
_UNKNOWN = object()


def ticket_seen(*, ticket: Ticket, user: User, now: datetime, last_seen=_UNKNOWN) -> None:
    """Record that staff member `user` opened the ticket's workspace at `now` (customers: nothing).

    `last_seen`: when `user` last looked, if the caller read it with the ticket (None: never;
    `access_ticket(..., seen_by=user)`). A look that changes nothing is not written: the mark
    "cliente respondeu" compares the customer's last message with the last look, so once the
    look is later than that message, a newer look only matters after SEEN_REFRESH (the page is
    reloaded after every action on it; each reload was a write)."""
    if not is_staff_user(user):
        return
    if last_seen is not _UNKNOWN and last_seen is not None:
        customer_wrote = ticket.last_customer_interaction_at
        if (customer_wrote is None or last_seen >= customer_wrote) and now - last_seen < SEEN_REFRESH:
            return
    # One upsert (INSERT … ON CONFLICT DO UPDATE on both databases), no transaction of its own: a
    # GET of the workspace does not take SQLite's write lock for a read-then-write.
    TicketView.objects.bulk_create(
        [TicketView(ticket_id=ticket.pk, user_id=user.pk, seen_at=now)],
        update_conflicts=True,
        unique_fields=["ticket", "user"],
        update_fields=["seen_at"],
    )
