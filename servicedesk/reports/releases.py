"""The defects fixed per release (issue 11, release awareness), read-only: the Problema tickets
linked to the release that fixes them (`Ticket.fixed_in`, written by tickets.services.fixes),
per product and release, in the reader's report scope (`selectors.report_scope`: administrators
everything, a manager the tickets of the teams she manages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from servicedesk.accounts.models import User
from servicedesk.reports.selectors import scoped_tickets
from servicedesk.sla.engine.policy import TicketType
from servicedesk.tickets.models import Ticket


@dataclass
class ReleaseFixes:
    product: str
    version: str
    published_at: datetime | None
    tickets: list[Ticket] = field(default_factory=list)


def release_fixes(user: User, *, product_id: int | None = None) -> list[ReleaseFixes]:
    """Per product (by name) and release (newest first), the Problema tickets it fixes (by number)."""
    tickets = (
        scoped_tickets(user)
        .filter(type=TicketType.PROBLEM, fixed_in__isnull=False)
        .select_related("fixed_in__product", "organization")
        .order_by("fixed_in__product__name", "-fixed_in__sort_key", "pk")
    )
    if product_id is not None:
        tickets = tickets.filter(fixed_in__product_id=product_id)
    groups: dict[int, ReleaseFixes] = {}
    for ticket in tickets:
        release = ticket.fixed_in
        group = groups.get(release.pk)
        if group is None:
            group = groups[release.pk] = ReleaseFixes(release.product.name, release.version, release.published_at)
        group.tickets.append(ticket)
    return list(groups.values())
