"""The stored-files check: orphans (deleted only after the grace period), rows without a file,
files whose content changed; its report in the back office, the log and /metrics."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client

from servicedesk.api.models import PendingUpload
from servicedesk.core import clock
from servicedesk.ops import storage_check
from servicedesk.ops.models import StorageCheck
from servicedesk.tickets import services
from servicedesk.tickets.tests.conftest import world  # noqa: F401 - the fixture
from servicedesk.tickets.tests.factories import png_upload

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture(autouse=True)
def own_storage(settings, tmp_path):
    """A storage of this test alone (the session's MEDIA_ROOT keeps the files of other tests)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _stray(name: str, *, hours_old: float) -> str:
    """A file in the storage that no row names, `hours_old` hours old (its mtime)."""
    storage = storages["default"]
    name = storage.save(name, ContentFile(b"sem registro"))
    past = time.time() - hours_old * 3600
    os.utime(storage.path(name), (past, past))
    return name


@pytest.fixture
def attachment(world):  # noqa: F811
    ticket = world.open_problem()
    [added] = services.ticket_attachment_add(
        ticket=ticket, uploader=world.analyst, files=[png_upload()], now=clock.now()
    )
    return added


def test_an_orphan_older_than_the_grace_period_is_deleted_a_young_one_kept(attachment, settings):
    settings.ATTACHMENT_ORPHAN_GRACE_HOURS = 24
    old = _stray("attachments/999/ab/antigo", hours_old=25)
    young = _stray("api-uploads/cd/em-andamento", hours_old=23)  # an upload whose row is not committed yet
    storage = storages["default"]

    report = storage_check.storage_check_run(now=clock.now())

    assert (report.orphans, report.orphans_deleted, report.missing, report.mismatched) == (2, 1, 0, 0)
    assert not storage.exists(old)
    assert storage.exists(young)
    assert storage.exists(attachment.file.name)  # a file with its row is never touched
    by_name = {o["name"]: o for o in report.details["orphans"]}
    assert by_name[old]["deleted"] is True and by_name[young]["deleted"] is False
    assert 23 * 3600 - 60 <= by_name[young]["age_seconds"] <= 23 * 3600 + 60


def test_reporting_only_deletes_nothing(attachment):
    old = _stray("attachments/999/ab/antigo", hours_old=100)
    call_command("check_attachments", "--no-delete", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert storages["default"].exists(old)
    assert StorageCheck.objects.get().orphans == 1


def test_a_row_whose_file_is_missing_is_reported_and_kept(attachment):
    storages["default"].delete(attachment.file.name)
    report = storage_check.storage_check_run(now=clock.now())
    assert (report.orphans, report.missing, report.mismatched) == (0, 1, 0)
    assert report.details["missing"] == [
        {"model": "tickets.Attachment", "id": attachment.pk, "name": attachment.file.name}
    ]
    assert type(attachment).objects.filter(pk=attachment.pk).exists()


def test_a_file_whose_content_changed_is_reported(attachment, world):  # noqa: F811
    upload = PendingUpload(
        uploaded_by=world.customer, original_name="log.txt", content_type="text/plain", size=4,
        sha256="a" * 64, created_at=clock.now(),
    )  # fmt: skip
    upload.file.save("log.txt", ContentFile(b"test"), save=False)
    upload.save()
    with open(attachment.file.path, "ab") as handle:
        handle.write(b"alterado")

    report = storage_check.storage_check_run(now=clock.now())

    assert (report.orphans, report.missing, report.mismatched) == (0, 0, 2)
    assert {(m["model"], m["id"]) for m in report.details["mismatched"]} == {
        ("tickets.Attachment", attachment.pk),
        ("api.PendingUpload", upload.pk),
    }
    assert {m["actual"] for m in report.details["mismatched"] if m["model"] == "api.PendingUpload"} == {
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # sha256(b"test")
    }


def test_every_model_with_a_stored_file_is_checked():
    checked = {(model._meta.label, name) for model, name in storage_check.stored_file_fields()}
    assert checked == {
        ("tickets.Attachment", "file"),
        ("documents.Document", "file"),
        ("knowledge.ArticleImage", "file"),
        ("api.PendingUpload", "file"),
    }


def test_the_report_is_logged_shown_to_administrators_and_in_metrics(attachment, settings, caplog, demo):
    settings.METRICS_TOKEN = "s3gredo"
    storages["default"].delete(attachment.file.name)
    _stray("kb/1/ab/perdido", hours_old=1)
    with caplog.at_level(logging.INFO, logger="servicedesk.ops.storage_check"):
        storage_check.storage_check_run(now=clock.now())
    [summary] = [r for r in caplog.records if getattr(r, "event", "") == "storage_check"]
    assert (summary.levelname, summary.orphans, summary.missing, summary.mismatched) == ("WARNING", 1, 1, 0)

    text = Client().get("/metrics", headers={"Authorization": "Bearer s3gredo"}).content.decode()
    assert 'servicedesk_storage_files_problems{kind="orphans"} 1.0' in text
    assert 'servicedesk_storage_files_problems{kind="missing"} 1.0' in text
    assert 'servicedesk_storage_files_problems{kind="mismatched"} 0.0' in text

    admin = Client()
    admin.force_login(demo["admin"])
    response = admin.get("/admin/ops/storagecheck/")
    assert response.status_code == 200
    assert "verificações dos arquivos" in response.content.decode().lower()


def test_the_check_is_a_periodic_task(settings):
    assert ("servicedesk.ops.tasks.storage_check", 3600) in settings.PERIODIC_TASKS
    assert settings.CELERY_BEAT_SCHEDULE["storage_check"]["args"] == ("servicedesk.ops.tasks.storage_check", 3600)
