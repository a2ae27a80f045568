"""Drill: backup → wipe → restore gives back every row and every file (counts and checksums)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client

from servicedesk.core.backup import media_checksums, row_counts


def _world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from servicedesk.demo.data import load_demo_data

    load_demo_data()
    default_storage.save("anexos/ab/folha.pdf", ContentFile(b"%PDF-1.4 folha de novembro"))
    default_storage.save("anexos/cd/print.png", ContentFile(b"\x89PNG\r\n\x1a\n imagem"))


@pytest.mark.slow
@pytest.mark.drill
@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="pg_dump of the test database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' rows
def test_backup_wipe_restore_gives_back_every_row_and_every_file(settings, tmp_path):
    from servicedesk.accounts.models import User

    _world(settings, tmp_path)
    before_rows, before_files = row_counts(), media_checksums(tmp_path / "media")
    assert before_rows["accounts.User"] > 3 and {"anexos/ab/folha.pdf", "anexos/cd/print.png"} <= set(before_files)

    call_command("backup", "--output", str(tmp_path / "copia"), verbosity=0)
    manifest = json.loads((tmp_path / "copia" / "manifest.json").read_text())
    assert manifest["rows"] == before_rows and manifest["media"]["files"] == before_files

    # The disaster: every row and every file gone.
    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(tmp_path / "media")
    assert User.objects.count() == 0 and media_checksums(tmp_path / "media") == {}

    call_command("restore", str(tmp_path / "copia"), "--yes", verbosity=0)
    assert row_counts() == before_rows
    assert media_checksums(tmp_path / "media") == before_files
    # The application serves the restored data: a demo user logs in.
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200


@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="pg_dump of the test database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the migrations' rows
def test_a_backup_whose_files_do_not_match_the_manifest_is_refused_and_nothing_changes(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    default_storage.save("x.txt", ContentFile(b"original"))
    call_command("backup", "--output", str(tmp_path / "copia"), verbosity=0)
    with open(tmp_path / "copia" / "media.tar", "ab") as archive:
        archive.write(b"corrompido")
    default_storage.save("y.txt", ContentFile(b"depois"))
    with pytest.raises(CommandError, match="sha256 não confere"):
        call_command("restore", str(tmp_path / "copia"), "--yes", verbosity=0)
    assert sorted(media_checksums(tmp_path / "media")) == ["x.txt", "y.txt"]


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path), verbosity=0)
