"""SLA warnings of a ticket: "at risk", "breached" and "closing soon" (domain.md §7), and the
held-back reminders. Called by the sweep (`tickets.tasks`); every function is idempotent and
safe on several workers at once (row lock + unique constraints)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES, TicketStatus
from servicedesk.sla.services import (
    SLA_FIELDS,
    sla_at_risk_at,
    sla_closing_warning_at,
    sla_next_check,
    sla_recompute_for_ticket,
)
from servicedesk.tickets.counters import counters_track
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import EventKind, SlaAlert, Ticket

S = TicketStatus


def ticket_sla_alerts(*, ticket_id: int, now: datetime) -> list[str]:
    """Record SLA warnings once per clock, kind and deadline; returns the new ones.

    "at_risk" (a running clock used SLA_AT_RISK_RATIO of its target), "breached" (a deadline
    passed) and "closing_soon" (the automatic closing is 8 business hours away). Breaches and
    closing warnings are notified at once; an "at risk" reminder found outside business hours
    waits for the next opening (`sla_alert_notify_due`, run by the sweep).
    """
    created: list[str] = []
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("calendar").filter(pk=ticket_id).first()
        if ticket is None or not ticket.is_open:
            return created
        report = sla_recompute_for_ticket(ticket, now=now)
        calendar = engine_calendar(ticket.calendar)
        targets = ticket.sla_targets[report.severity]
        due: list[tuple[str, str, datetime]] = []  # (clock, kind, deadline)
        for name, clock, target in (
            ("diagnosis", report.diagnosis, targets[0]),
            ("solution", report.solution, targets[1]),
        ):
            if clock.met_at is not None or clock.due_at is None:
                continue
            if clock.state == "breached":
                due.append((name, "breached", clock.due_at))
            elif clock.state == "running" and sla_at_risk_at(calendar, clock, target) <= now:
                due.append((name, "at_risk", clock.due_at))
        if (
            ticket.status in AUTO_CLOSE_STATUSES
            and report.auto_close_at is not None
            and sla_closing_warning_at(calendar, report.auto_close_at) <= now < report.auto_close_at
        ):
            due.append(("auto_close", "closing_soon", report.auto_close_at))

        for name, kind, deadline in due:
            notify_after = now
            if kind == "at_risk" and not calendar.is_open(now):
                notify_after = calendar.next_opening(now)  # reminders wait for business hours
            try:
                with transaction.atomic():
                    alert = SlaAlert.objects.create(
                        ticket=ticket, clock=name, kind=kind, due_at=deadline, created_at=now, notify_after=notify_after
                    )
            except IntegrityError:
                continue  # another worker, or an earlier sweep, already warned about this deadline
            event = event_record(
                ticket,
                kind=_ALERT_EVENT_KINDS[kind],
                actor=None,
                at=now,
                public=kind == "closing_soon",
                data={"clock": name, "due_at": deadline.isoformat()},
            )
            alert.event = event
            if notify_after <= now:
                alert.notified_at = now
                event_notify_on_commit(event)
            alert.save(update_fields=["event", "notified_at"])
            created.append(f"{name}:{kind}")
        handled = {f"{name}:{kind}" for name, kind, _ in due if kind != "closing_soon"}
        if any(kind == "closing_soon" for _, kind, _ in due):
            handled.add("closing_soon")
        ticket.sla_check_at = sla_next_check(
            report, ticket.sla_targets, calendar, status=ticket.status, handled=handled
        )
        counters_track(ticket)
        ticket.save(update_fields=SLA_FIELDS)
    return created


_ALERT_EVENT_KINDS = {
    "at_risk": EventKind.SLA_AT_RISK,
    "breached": EventKind.SLA_BREACHED,
    "closing_soon": EventKind.CLOSING_SOON,
}


def sla_alert_notify_due(*, now: datetime) -> int:
    """Send the "at risk" reminders that waited for business hours. Each is claimed once.

    A reminder whose clock was met, or whose ticket left the open statuses, meanwhile is
    dropped (claimed without e-mail): it would only be noise.
    """
    sent = 0
    pending = SlaAlert.objects.filter(notified_at__isnull=True, notify_after__lte=now, event__isnull=False)
    for alert in pending.select_related("ticket"):
        with transaction.atomic():
            if not SlaAlert.objects.filter(pk=alert.pk, notified_at__isnull=True).update(notified_at=now):
                continue  # another sweep claimed it
            ticket = alert.ticket
            stale = (
                not ticket.is_open
                or ticket.status == S.RESOLVED
                or getattr(ticket, f"{alert.clock}_met_at", None) is not None
            )
            if not stale:
                event_notify_on_commit(alert.event)
                sent += 1
    return sent
