"""An article image sent from the console's editor while the storage is not writable (issue 12):
the page says so in Portuguese, and nothing is half-saved (no row, no file)."""

from __future__ import annotations

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client

from servicedesk.knowledge.models import ArticleImage
from servicedesk.tickets.tests.factories import png_bytes, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media_root")]


MESSAGE = "Não foi possível guardar o arquivo agora: nada foi salvo. Tente novamente em alguns minutos."


def _post_image(kb, article):
    client = Client()
    client.force_login(kb.analyst)
    image = SimpleUploadedFile("tela.png", png_bytes(), content_type="image/png")
    return client.post(f"/console/base-de-conhecimento/{article.pk}/imagens/", {"image": image})


def test_a_full_disk_is_said_in_portuguese_and_nothing_is_saved(kb, settings, monkeypatch):
    article = kb.article("Férias coletivas", publish=False)
    assert stored_files(settings) == []
    assert _post_image(kb, article).status_code == 302  # a first image is kept as it is
    rows, files = ArticleImage.objects.count(), stored_files(settings)
    assert (rows, len(files)) == (1, 1)

    def disk_full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device", name)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = _post_image(kb, article)
    assert response.status_code == 503  # the editor again, with the error on the image field
    assert MESSAGE in response.content.decode()
    assert ArticleImage.objects.count() == rows and stored_files(settings) == files


def test_a_row_that_does_not_make_it_takes_its_file_away(kb, settings, monkeypatch):
    article = kb.article("Férias coletivas", publish=False)
    files = stored_files(settings)
    monkeypatch.setattr(ArticleImage, "save", lambda self, *a, **k: (_ for _ in ()).throw(DatabaseError("falhou")))
    client = Client(raise_request_exception=True)
    client.force_login(kb.analyst)
    image = SimpleUploadedFile("tela.png", png_bytes(), content_type="image/png")
    with pytest.raises(DatabaseError):
        client.post(f"/console/base-de-conhecimento/{article.pk}/imagens/", {"image": image})
    assert not ArticleImage.objects.exists() and stored_files(settings) == files
