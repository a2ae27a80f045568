"""Background work of the outbox (django.tasks): the relay of one row, and the sweep that hands
the stuck ones to a relay again (every minute: PERIODIC_TASKS / celery beat), and the purge
of old sent rows (hourly)."""

from __future__ import annotations

from django.tasks import task

from servicedesk.core import clock
from servicedesk.outbox import services


@task
def relay_outbox_message(message_id: int) -> bool:
    return services.outbox_deliver(message_id)


@task
def outbox_sweep() -> int:
    return services.outbox_sweep(now=clock.now())


@task
def outbox_purge() -> int:
    return services.outbox_purge(now=clock.now())
