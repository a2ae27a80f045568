"""The back office uploads through the service (content checks, nothing half-saved), shows the
download log read-only, withdraws and deletes through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk.accounts.models import Role, User
from servicedesk.documents.models import Document
from servicedesk.documents.tests.conftest import stored_document_files
from servicedesk.documents.tests.factories import EXE_BYTES, pdf_upload

pytestmark = pytest.mark.django_db

BACKENDS = ["django.contrib.auth.backends.ModelBackend", "servicedesk.accounts.admin_site.BusinessAdministratorBackend"]


@pytest.fixture
def back_office(settings, docs) -> Client:
    """A business administrator (role Administrador, not a superuser)."""
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    user = User.objects.create_user(username="beatriz.admin", password="x", role=Role.ADMIN, is_staff=True)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def _add(client, docs, upload, **changes):
    data = {"title": "Manual da Folha", "kind": "manual", "product": docs.folha.pk, "release": "", "upload": upload}
    data.update(changes)
    return client.post("/admin/documents/document/add/", data)


def test_the_back_office_uploads_through_the_service(back_office, docs):
    response = _add(back_office, docs, pdf_upload("Manual.pdf"), release=docs.folha_new.pk)
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.release, document.uploaded_by) == (
        "Manual da Folha",
        docs.folha_new,
        back_office.user,
    )
    assert document.content_type == "application/pdf" and len(stored_document_files()) == 1
    page = back_office.get(f"/admin/documents/document/{document.pk}/change/")
    assert page.status_code == 200


def test_a_refused_file_is_a_form_error_and_stores_nothing(back_office, docs):
    response = _add(back_office, docs, SimpleUploadedFile("manual.pdf", EXE_BYTES))
    assert response.status_code == 200
    assert "não é aceito" in response.content.decode()
    assert not Document.objects.exists() and stored_document_files() == []


def test_a_release_of_another_product_is_a_form_error(back_office, docs):
    ponto_release = docs.ponto.releases.create(version="3.0.0", released_on="2026-01-01")
    response = _add(back_office, docs, pdf_upload(), release=ponto_release.pk)
    assert "não é do produto" in response.content.decode()
    assert not Document.objects.exists() and stored_document_files() == []


def test_withdraw_and_delete_go_through_the_services(back_office, docs, django_capture_on_commit_callbacks):
    document = docs.upload()
    back_office.post("/admin/documents/document/", {"action": "withdraw", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert document.withdrawn_by == back_office.user
    with django_capture_on_commit_callbacks(execute=True):
        response = back_office.post(f"/admin/documents/document/{document.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.exists() and stored_document_files() == []
