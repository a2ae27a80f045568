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


def test_the_sweeper_enqueues_the_housekeeping_task(settings):
    from servicedesk.api.tasks import api_housekeeping as task

    assert ("servicedesk.api.tasks.api_housekeeping", 3600) in settings.PERIODIC_TASKS
    assert task.enqueue().return_value == {"uploads": 0, "idempotency_keys": 0}
