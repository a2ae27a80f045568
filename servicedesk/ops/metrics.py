"""The gauges read when Prometheus scrapes `/metrics`: tickets open, at risk and breached (the
O(1) `QueueCounter` rows), the outbox (pending, failed, age of the oldest pending row) and the
depth of the Celery queue, and the last stored-files check (ops.storage_check)."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from servicedesk.core import clock
from servicedesk.ops import checks
from servicedesk.ops.models import StorageCheck
from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from servicedesk.tickets.models import QueueCounter

logger = logging.getLogger(__name__)
TICKET_COUNTERS = ("open", "at_risk", "breached")


class ServiceDeskCollector:
    def collect(self):
        counts = dict(QueueCounter.objects.filter(key__in=TICKET_COUNTERS).values_list("key", "count"))
        tickets = GaugeMetricFamily(
            "servicedesk_tickets", "Tickets by queue (open, at risk, breached)", labels=["queue"]
        )
        for key in TICKET_COUNTERS:
            tickets.add_metric([key], counts.get(key, 0))
        yield tickets

        rows = OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
        by_status = {OutboxStatus.PENDING: 0, OutboxStatus.FAILED: 0}
        for status in rows.values_list("status", flat=True).order_by():
            by_status[status] += 1
        outbox = GaugeMetricFamily("servicedesk_outbox_messages", "Outbox rows not sent", labels=["status"])
        for status, count in by_status.items():
            outbox.add_metric([status], count)
        yield outbox
        oldest = (
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        age = (clock.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "servicedesk_outbox_oldest_pending_age_seconds", "Age of the oldest outbox row not sent", value=age
        )

        last = StorageCheck.objects.order_by("-ran_at", "-id").first()
        files = GaugeMetricFamily(
            "servicedesk_storage_files_problems",
            "Stored-files check, last run: files without a row, rows without a file, sha256 mismatches",
            labels=["kind"],
        )
        for kind in ("orphans", "missing", "mismatched"):
            files.add_metric([kind], getattr(last, kind) if last else 0)
        yield files
        yield GaugeMetricFamily(
            "servicedesk_storage_check_age_seconds",
            "Age of the last stored-files check (-1: never ran)",
            value=(clock.now() - last.ran_at).total_seconds() if last else -1.0,
        )

        if checks.uses_celery():
            depth = GaugeMetricFamily(
                "servicedesk_task_queue_depth", "Tasks waiting in the Celery queue", labels=["queue"]
            )
            try:
                import redis

                client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
                depth.add_metric(["default"], client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
            except Exception:  # the broker down shows as no sample, and in /readyz
                logger.warning("metrics: could not read the queue depth", exc_info=True)
            yield depth


def render() -> bytes:
    """This process's (or, with PROMETHEUS_MULTIPROC_DIR, every process's) samples and the gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
        if not getattr(render, "_registered", False):
            REGISTRY.register(ServiceDeskCollector())
            render._registered = True
        return generate_latest(registry)
    registry.register(ServiceDeskCollector())
    return generate_latest(registry)
