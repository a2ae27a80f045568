"""/healthz, /readyz, /metrics and the request id."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import OperationalError, connections
from django.test import Client

from servicedesk.core import clock
from servicedesk.outbox.models import OutboxKind, OutboxMessage
from servicedesk.tickets.models import QueueCounter


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access in the request would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_503_with_the_failing_dependency_when_the_database_is_down(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "OperationalError: connection refused"
    assert body["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_a_broker_that_does_not_answer(client, settings):
    settings.TASKS = {"default": {"BACKEND": "servicedesk.core.task_backends.CeleryBackend"}}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/14"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("ConnectionError")


@pytest.mark.django_db
def test_readyz_reports_a_storage_that_cannot_write(client, settings, tmp_path):
    blocker = tmp_path / "arquivo"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = str(blocker / "media")  # under a file: nothing can be written
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] != "ok"


@pytest.mark.django_db
def test_metrics_are_not_public(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "s3gredo-de-metricas"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer errado"}).status_code == 404


@pytest.mark.django_db
def test_metrics_show_the_ticket_counters_the_outbox_and_the_request_latency(client, settings):
    settings.METRICS_TOKEN = "s3gredo-de-metricas"
    QueueCounter.objects.update_or_create(key="open", defaults={"count": 42})
    QueueCounter.objects.update_or_create(key="at_risk", defaults={"count": 5})
    QueueCounter.objects.update_or_create(key="breached", defaults={"count": 2})
    now = clock.now()
    OutboxMessage.objects.create(
        kind=OutboxKind.EMAIL, payload={}, created_at=now - timedelta(minutes=10), next_attempt_at=now
    )
    client.get("/healthz")
    response = client.get("/metrics", headers={"Authorization": "Bearer s3gredo-de-metricas"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'servicedesk_tickets{queue="open"} 42.0' in text
    assert 'servicedesk_tickets{queue="at_risk"} 5.0' in text
    assert 'servicedesk_tickets{queue="breached"} 2.0' in text
    assert 'servicedesk_outbox_messages{status="pending"} 1.0' in text
    age = next(line for line in text.splitlines() if line.startswith("servicedesk_outbox_oldest_pending_age_seconds "))
    assert 599 <= float(age.split()[1]) <= 700
    assert 'servicedesk_http_request_duration_seconds_count{method="GET",route="healthz",status="200"}' in text


def test_every_response_carries_a_request_id_and_every_log_line_too(client, caplog, settings):
    settings.REQUEST_LOG_LEVEL = "INFO"
    logging.getLogger("servicedesk.request").setLevel(logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="servicedesk.request"):
            given = client.get("/healthz", headers={"X-Request-ID": "lb-1234"})
            made = client.get("/healthz", headers={"X-Request-ID": "não vale\n"})
    finally:
        logging.getLogger("servicedesk.request").setLevel(logging.WARNING)
    assert given["X-Request-ID"] == "lb-1234"
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "não vale"
    records = [r for r in caplog.records if r.name == "servicedesk.request"]
    assert [r.request_id for r in records] == ["lb-1234", made["X-Request-ID"]]
    assert (records[0].method, records[0].path, records[0].status) == ("GET", "/healthz", 200)


def test_the_json_log_formatter_writes_the_request_id():
    from django.conf import settings

    from servicedesk.core.requestlog import RequestIdFilter, request_id_var

    config = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(config["format"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("servicedesk.x", logging.WARNING, __file__, 1, "falhou %s", ("x",), None)
    token = request_id_var.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert (line["level"], line["logger"], line["request_id"], line["message"]) == (
        "WARNING",
        "servicedesk.x",
        "abc123",
        "falhou x",
    )


def test_a_client_without_cookies_reaches_healthz():
    assert Client().get("/healthz").status_code == 200
