"""Abandoned uploads and old idempotency keys are forgotten after a day."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile

from servicedesk.api.models import IdempotencyRecord, PendingUpload
from servicedesk.api.services import api_housekeeping

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def _upload(user, created_at):
    upload = PendingUpload(
        uploaded_by=user,
        original_name="log.txt",
        content_type="text/plain",
        size=4,
        sha256="a" * 64,
        created_at=created_at,
    )
    upload.file.save("log.txt", ContentFile(b"test"), save=False)
    upload.save()
    return upload


def test_old_uploads_and_keys_are_removed_recent_ones_kept(demo):
    user = demo["joana.acme"]
    old, recent = _upload(user, NOW - timedelta(hours=25)), _upload(user, NOW - timedelta(hours=1))
    old_path = old.file.path
    IdempotencyRecord.objects.create(user=user, key="old", fingerprint="f", created_at=NOW - timedelta(days=2))
    IdempotencyRecord.objects.create(user=user, key="new", fingerprint="f", created_at=NOW - timedelta(minutes=5))

    assert api_housekeeping(now=NOW) == {"uploads": 1, "idempotency_keys": 1}
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert not old.file.storage.exists(old_path)
    # Twice changes nothing more.
    assert api_housekeeping(now=NOW) == {"uploads": 0, "idempotency_keys": 0}


def test_the_sweeper_enqueues_the_housekeeping_task_hourly(settings, use_tasks):
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    from servicedesk.tickets.management.commands.sla_sweeper import tick

    use_tasks({"BACKEND": "django_tasks_db.DatabaseBackend"})
    periodic = [(import_string(path), every) for path, every in settings.PERIODIC_TASKS]
    last_run: dict[int, float] = {}

    def enqueued() -> list[str]:
        return sorted(DBTaskResult.objects.values_list("task_path", flat=True))

    tick(periodic, last_run, 1000.0)
    assert enqueued() == [
        "servicedesk.accounts.tasks.login_guard_housekeeping",
        "servicedesk.api.tasks.api_housekeeping",
        "servicedesk.ops.tasks.storage_check",
        "servicedesk.outbox.tasks.outbox_purge",
        "servicedesk.outbox.tasks.outbox_sweep",
        "servicedesk.reports.tasks.statements_monthly",
        "servicedesk.surveys.tasks.surveys_send",
        "servicedesk.tickets.tasks.sla_sweep",
    ]
    tick(periodic, last_run, 1060.0)  # a minute later: only the sweep again
    assert enqueued().count("servicedesk.api.tasks.api_housekeeping") == 1
    tick(periodic, last_run, 1000.0 + 3600)  # an hour after the first: housekeeping again
    assert enqueued().count("servicedesk.api.tasks.api_housekeeping") == 2
    assert enqueued().count("servicedesk.tickets.tasks.sla_sweep") == 3
