"""Writing and reading a ticket's history (`TicketEvent`, append-only).

`event_record` (and `event_record_many`, in bulk) is the one writer of history rows; `event_notify_on_commit` schedules the
e-mails of an event once the transaction commits. `event_data_for` is the one rule of what
a customer may read of an event: public events only, and of those only the keys below — a
staff member's diagnosis note or the e-mail addresses of video-call participants are internal
data and never reach customers, whatever the channel (portal, API, e-mail).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.tickets import notifications
from servicedesk.tickets.models import EventKind, Ticket, TicketEvent

# What customers may read of a public event's data, per kind (anything else is internal).
PUBLIC_DATA: dict[str, frozenset[str]] = {
    EventKind.OPENED: frozenset({"version_supported", "on_behalf_of"}),
    EventKind.STATUS_CHANGED: frozenset({"note", "comment_id"}),
    EventKind.RECLASSIFIED: frozenset(
        {"from_type", "to_type", "from_severity", "to_severity", "justification", "triggering_fact"}
    ),
    EventKind.DIAGNOSIS: frozenset(),
    EventKind.PUBLIC_REPLY: frozenset({"comment_id"}),
    EventKind.CUSTOMER_REPLY: frozenset({"comment_id"}),
    EventKind.ATTACHMENT: frozenset({"attachment_ids", "names"}),
    EventKind.REOPEN_REQUESTED: frozenset({"request_id", "reason"}),
    EventKind.REOPEN_REFUSED: frozenset({"request_id", "reason"}),
    EventKind.AUTO_CLOSED: frozenset({"reason"}),
    EventKind.CLOSING_SOON: frozenset({"clock", "due_at"}),
    EventKind.VIDEO_CALL: frozenset({"starts_at", "duration_minutes", "link"}),
    EventKind.DEADLINES_RECOMPUTED: frozenset({"calendar"}),
    EventKind.PROPOSAL_DRAFTED: frozenset({"proposal_id"}),
    EventKind.PROPOSAL_SENT: frozenset({"proposal_id", "estimated_amount", "estimated_hours"}),
    EventKind.PROPOSAL_ACCEPTED: frozenset({"proposal_id", "engagement_id"}),
    EventKind.PROPOSAL_REFUSED: frozenset({"proposal_id", "reason"}),
    EventKind.PROPOSAL_CANCELLED: frozenset({"proposal_id", "reason"}),
    EventKind.ADVISORY_SCHEDULED: frozenset({"appointment_id", "starts_at", "ends_at", "analyst", "location"}),
    EventKind.REPORT_SENT: frozenset({"report_id", "version", "amount"}),
    EventKind.REPORT_VALIDATED: frozenset({"report_id", "version", "amount"}),
    EventKind.REPORT_CONTESTED: frozenset({"report_id", "version", "comment"}),
    EventKind.BILLING_EXPORTED: frozenset({"batch_number"}),
    # FIX_LINKED is internal (a planned version is not a promise to the customer).
    EventKind.FIX_RELEASED: frozenset({"version", "product", "published_at"}),
}


def event_record(
    ticket: Ticket,
    *,
    kind: str,
    actor: User | None,
    at: datetime,
    public: bool = True,
    data: dict | None = None,
    reason: str = "",
    **sla_keys: Any,
) -> TicketEvent:
    """Append one event to `ticket`'s history. `sla_keys` are the timeline columns
    (`from_status`, `to_status`, `new_type`, `new_severity`, `diagnosis`, `customer_interaction`)."""
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, at=at, public=public, data=data or {}, reason=reason, **sla_keys
    )


def event_record_many(events: list[TicketEvent], *, notify: bool = True) -> list[TicketEvent]:
    """Append many events at once (one per ticket of a billing export…) and, after the commit,
    send their e-mails in one background task."""
    created = TicketEvent.objects.bulk_create(events, batch_size=1000)
    if notify and created:
        notifications.enqueue_many_event_notifications([event.pk for event in created])
    return created


def event_notify_on_commit(event: TicketEvent) -> None:
    """E-mail the people concerned by `event` after the transaction commits: an outbox row
    written now, in the event's transaction, and relayed after the commit (idempotent)."""
    notifications.enqueue_event_notifications(event.pk)


def event_data_for(user: User | None, event: TicketEvent) -> dict:
    """The part of `event.data` that `user` may read: all of it for staff, the public keys of a
    public event for customers, nothing of an internal event."""
    data = event.data or {}
    if permissions.is_staff_user(user):
        return data
    if not event.public:
        return {}
    allowed = PUBLIC_DATA.get(event.kind, frozenset())
    return {key: value for key, value in data.items() if key in allowed}
