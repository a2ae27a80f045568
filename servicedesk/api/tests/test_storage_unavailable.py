"""POST /api/v1/attachments with the attachment storage not writable (issue 12): a clear
problem+json 503, and nothing half-saved — no row without its file, no file without its row."""

from __future__ import annotations

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError

from servicedesk.api.models import PendingUpload
from servicedesk.tickets.tests.factories import stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media_root")]


DETAIL = "Não foi possível guardar o arquivo agora: nada foi salvo. Tente novamente em alguns minutos."


def test_a_storage_that_refuses_the_write_answers_503_and_keeps_nothing(joana, settings, monkeypatch):
    demo_files = stored_files(settings)  # the demo tickets' attachments
    assert joana.upload().status_code == 201  # one upload already waits: it must stay as it is
    rows, files = PendingUpload.objects.count(), stored_files(settings)
    assert (rows, len(files)) == (1, len(demo_files) + 1)

    def read_only(self, name, content):
        raise OSError(errno.EROFS, "Read-only file system", name)

    monkeypatch.setattr(FileSystemStorage, "_save", read_only)
    response = joana.upload("log.png")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "15"  # as when the database does not answer
    assert response.json() == {
        "type": "/api/v1/problems/storage-unavailable",
        "title": "Serviço indisponível",
        "status": 503,
        "detail": DETAIL,
        "errors": [{"field": "file", "reason": DETAIL}],
    }
    assert PendingUpload.objects.count() == rows and stored_files(settings) == files


def test_a_media_root_that_cannot_be_written_answers_503_and_keeps_nothing(joana, settings, tmp_path):
    blocker = tmp_path / "arquivo"
    blocker.write_text("not a folder")
    before = sorted(tmp_path.rglob("*"))
    settings.MEDIA_ROOT = str(blocker / "media")  # nothing can be written under a file (even as root)
    response = joana.upload()
    assert (response.status_code, response.json()["detail"]) == (503, DETAIL)
    assert not PendingUpload.objects.exists()
    assert sorted(tmp_path.rglob("*")) == before


def test_a_row_that_does_not_make_it_takes_its_file_away(joana, settings, monkeypatch):
    files = stored_files(settings)

    def database_gone(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(PendingUpload, "save", database_gone)
    response = joana.upload()
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"
    assert not PendingUpload.objects.exists() and stored_files(settings) == files
