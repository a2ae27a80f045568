"""Background work (django.tasks). Tasks take ids, load, and call a service.

Timers are deferred tasks (auto-close at its instant, an SLA check at `sla_check_at`: the
next at-risk, breach or closing-warning instant) plus `sla_sweep`, an idempotent pass that catches anything a lost or unsupported
deferred task missed. Every service it calls is safe to run twice or on two workers at once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.tasks import default_task_backend, task

from servicedesk.core.clock import now as clock_now
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES
from servicedesk.tickets import notifications, timers
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.workflow import FINAL_STATUSES

logger = logging.getLogger(__name__)


@task
def auto_close_ticket(ticket_id: int) -> bool:
    return timers.ticket_auto_close(ticket_id=ticket_id, now=clock_now())


@task
def check_ticket_sla(ticket_id: int) -> list[str]:
    return timers.ticket_sla_alerts(ticket_id=ticket_id, now=clock_now())


@task
def send_event_notifications(event_id: int) -> int:
    return notifications.event_notify(event_id=event_id)


@task
def sla_sweep() -> dict[str, int]:
    return run_sla_sweep(now=clock_now())


def run_sla_sweep(*, now: datetime) -> dict[str, int]:
    """Close every idle ticket whose closing is due, raise the SLA warnings that fell due and
    send the "at risk" reminders that waited for business hours. Idempotent: running it twice,
    or on two workers at once, closes, warns and e-mails once.
    """
    closed = 0
    due_closings = Ticket.objects.filter(status__in=list(AUTO_CLOSE_STATUSES), auto_close_at__lte=now)
    for ticket_id in due_closings.order_by("auto_close_at").values_list("id", flat=True):
        closed += timers.ticket_auto_close(ticket_id=ticket_id, now=now)
    alerts = 0
    # Each open ticket stores the next instant a warning may fall due (sla_check_at, indexed).
    due_checks = Ticket.objects.exclude(status__in=list(FINAL_STATUSES)).filter(sla_check_at__lte=now)
    for ticket_id in due_checks.order_by("sla_check_at").values_list("id", flat=True):
        alerts += len(timers.ticket_sla_alerts(ticket_id=ticket_id, now=now))
    notified = timers.sla_alert_notify_due(now=now)
    return {"closed": closed, "alerts": alerts, "reminders": notified}


def _defer(task_obj, when: datetime | None, *args) -> None:
    """Enqueue `task_obj` to run at `when` when the backend can defer; the sweep covers the rest."""
    if when is None:
        return
    backend = default_task_backend
    try:
        if backend.supports_defer:
            task_obj.using(run_after=when).enqueue(*args)
    except Exception:  # a queue outage must never fail the user's action; the sweep catches up
        logger.exception("could not defer %s for %s", task_obj.name, args)


def schedule_ticket_timers(ticket: Ticket) -> None:
    """Called after commit of every ticket change: the next automatic closing and SLA check."""
    if ticket.status in AUTO_CLOSE_STATUSES:
        _defer(auto_close_ticket, ticket.auto_close_at, ticket.pk)
    if ticket.sla_check_at is not None:
        _defer(check_ticket_sla, ticket.sla_check_at, ticket.pk)


def enqueue_event_notifications(event_id: int) -> None:
    try:
        send_event_notifications.enqueue(event_id)
    except Exception:
        logger.exception("could not enqueue notifications for event %s", event_id)
