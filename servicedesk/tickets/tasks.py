"""Background work of tickets (django.tasks). Tasks take ids, load, and call a service.

One timer mechanism: the sweep. Every ticket stores the instant of its automatic closing
(`auto_close_at`) and of its next possible SLA warning (`sla_check_at`), both indexed; `sla_sweep`,
enqueued every minute by `manage.py sla_sweeper`, closes what is due, raises the warnings that
fell due, sends the reminders that waited for business hours and carries calendar edits to the
open tickets. Every service it calls is safe to run twice or on two workers at once.
"""

from __future__ import annotations

from datetime import datetime

from django.tasks import task

from servicedesk.core import clock
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.workflow import FINAL_STATUSES


@task
def sla_sweep() -> dict[str, int]:
    return run_sla_sweep(now=clock.now())


def run_sla_sweep(*, now: datetime) -> dict[str, int]:
    """Close every idle ticket whose closing is due, raise the SLA warnings that fell due, send
    the "at risk" reminders that waited for business hours and recompute the open tickets of
    edited calendars. Idempotent: running it twice, or on two workers at once, closes, warns and
    e-mails once.
    """
    recomputed = services.calendar_changes_apply(now=now)
    closed = 0
    due_closings = Ticket.objects.filter(status__in=list(AUTO_CLOSE_STATUSES), auto_close_at__lte=now)
    for ticket_id in due_closings.order_by("auto_close_at").values_list("id", flat=True):
        closed += services.ticket_auto_close(ticket_id=ticket_id, now=now)
    alerts = 0
    # Each open ticket stores the next instant a warning may fall due (sla_check_at, indexed).
    due_checks = Ticket.objects.exclude(status__in=list(FINAL_STATUSES)).filter(sla_check_at__lte=now)
    for ticket_id in due_checks.order_by("sla_check_at").values_list("id", flat=True):
        alerts += len(services.ticket_sla_alerts(ticket_id=ticket_id, now=now))
    notified = services.sla_alert_notify_due(now=now)
    return {"closed": closed, "alerts": alerts, "reminders": notified, "calendars": recomputed}
