"""The ticket row itself: lock it (with the optimistic revision check) and save it (with its
clocks recomputed and a new revision). Every service that changes a ticket uses these two."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext_noop

from servicedesk.core.errors import Conflict
from servicedesk.sla.services import SLA_FIELDS, sla_recompute_for_ticket
from servicedesk.tickets.counters import counters_track
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.search import search_document_refresh

TICKET_CHANGED = gettext_noop(
    "Este chamado foi alterado por outra pessoa enquanto você o editava. Recarregue a página; nada do que você enviou foi perdido ou aplicado."
)


def ticket_lock(ticket: Ticket, expected_revision: int | None = None) -> Ticket:
    """Lock the row (inside the caller's transaction) and return it fresh; refuse with `Conflict`
    if someone changed it since the caller read `expected_revision`."""
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("calendar", "organization", "requester")
        .get(pk=ticket.pk)
    )
    if expected_revision is not None and locked.revision != expected_revision:
        raise Conflict(TICKET_CHANGED)
    return locked


def ticket_save(ticket: Ticket, *, now: datetime, fields: Sequence[str] = ()) -> None:
    """Recompute the clocks from the history, save the locked row with a new revision and
    rebuild its search text.

    The timers need no scheduling: the sweep (`tickets.tasks.sla_sweep`, every minute) reads
    the stored `auto_close_at` and `sla_check_at` through their indexes."""
    sla_recompute_for_ticket(ticket, now=now)
    ticket.revision += 1
    counters_track(ticket)
    ticket.save(update_fields=[*dict.fromkeys([*fields, *SLA_FIELDS, "revision", "updated_at"])])
    search_document_refresh(ticket)
