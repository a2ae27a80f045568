"""Uploads (who, what is checked, nothing half-saved), withdrawal, deletion, the logged download."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction

from servicedesk.core.errors import DomainError, NotAllowed, NotFound
from servicedesk.documents import services
from servicedesk.documents.files import safe_filename
from servicedesk.documents.models import Document, DocumentDownload
from servicedesk.documents.tests.conftest import stored_document_files
from servicedesk.documents.tests.factories import EXE_BYTES, pdf_bytes, pdf_upload, text_upload
from servicedesk.tickets.attachments import ATTACHMENT_TYPE_REFUSED
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db


def test_an_analyst_uploads_a_manual_stored_like_an_attachment(docs):
    content = pdf_bytes("Manual da Folha 12.0.1")
    document = docs.upload(release=docs.folha_new, upload=SimpleUploadedFile("Manual Folha.pdf", content))

    document.refresh_from_db()
    assert (document.product, document.release, document.kind) == (docs.folha, docs.folha_new, "manual")
    assert document.original_name == "Manual Folha.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(content)
    assert len(document.sha256) == 64
    assert (document.uploaded_by, document.uploaded_at) == (docs.analyst, T0)
    # The stored name is the hash, never the uploaded name.
    assert document.file.name.startswith(f"documents/{docs.folha.pk}/{document.sha256[:2]}/{document.sha256}")
    with document.file.open("rb") as handle:
        assert handle.read() == content


def test_customers_and_staff_without_the_capability_may_not_upload(docs):
    for actor in (docs.customer, docs.maintenance, None):
        with pytest.raises(NotAllowed) as refused:
            services.document_upload(actor=actor, title="X", product=docs.folha, upload=pdf_upload(), now=T0)
        assert refused.value.message == services.PUBLISHERS_ONLY
    assert not Document.objects.exists()
    assert stored_document_files() == []


def test_an_executable_renamed_pdf_is_refused_by_its_content(docs):
    with pytest.raises(DomainError) as refused:
        docs.upload(upload=SimpleUploadedFile("manual.pdf", EXE_BYTES, content_type="application/pdf"))
    assert refused.value.fields == {"file": ATTACHMENT_TYPE_REFUSED.format(name="manual.pdf")}
    assert not Document.objects.exists()
    assert stored_document_files() == []


def test_html_disguised_as_text_is_refused(docs):
    with pytest.raises(DomainError) as refused:
        docs.upload(upload=SimpleUploadedFile("leiaute.txt", b"<script>alert(1)</script>"))
    assert "file" in refused.value.fields


def test_a_text_layout_is_accepted(docs):
    document = docs.upload("Leiaute S-1200", kind="leiaute", upload=text_upload())
    assert document.content_type == "text/plain"


def test_over_the_size_limit_is_refused(docs, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("grande.txt", b"a" * (1024 * 1024 + 1))
    with pytest.raises(DomainError) as refused:
        docs.upload(upload=big)
    assert refused.value.fields == {"file": "O arquivo “grande.txt” excede o limite de 1 MB."}
    assert stored_document_files() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", services.TITLE_REQUIRED),
        ({"title": "x" * 201}, "title", services.TITLE_TOO_LONG),
        ({"title": "Manual\x00"}, "title", services.TITLE_INVALID),
        ({"kind": "planilha"}, "kind", services.KIND_INVALID),
        ({"product": None}, "product", services.PRODUCT_REQUIRED),
        ({"product": 999_999}, "product", services.PRODUCT_UNKNOWN),
        ({"release": 999_999}, "release", services.RELEASE_UNKNOWN),
        ({"upload": None}, "file", services.FILE_REQUIRED),
    ],
)
def test_bad_fields_are_refused_per_field_and_store_nothing(docs, changes, field, message):
    values = {"actor": docs.analyst, "title": "Manual", "product": docs.folha, "upload": pdf_upload(), "now": T0}
    values.update(changes)
    with pytest.raises(DomainError) as refused:
        services.document_upload(**values)
    assert refused.value.fields == {field: message}
    assert not Document.objects.exists()
    assert stored_document_files() == []


def test_a_release_of_another_product_is_refused(docs):
    ponto_release = docs.ponto.releases.create(version="3.0.0", released_on=T0.date())
    with pytest.raises(DomainError) as refused:
        docs.upload(product=docs.folha, release=ponto_release)
    assert refused.value.fields == {"release": services.RELEASE_NOT_OF_PRODUCT}
    assert stored_document_files() == []


def test_a_storage_failure_leaves_no_row(docs):
    failing = mock.patch.object(FileSystemStorage, "_save", side_effect=OSError("disco cheio"))
    with failing, pytest.raises(services.StorageUnavailable) as refused:
        docs.upload()
    assert refused.value.message == services.STORAGE_FAILED
    assert refused.value.status_code == 503
    assert not Document.objects.exists()


def test_a_row_failure_removes_the_stored_file(docs):
    with mock.patch.object(Document, "save", side_effect=DatabaseError("falhou")), pytest.raises(DatabaseError):
        docs.upload()
    assert not Document.objects.exists()
    assert stored_document_files() == []


def test_two_documents_with_the_same_content_keep_their_own_files(docs, django_capture_on_commit_callbacks):
    first = docs.upload("Primeiro", upload=pdf_upload(text="igual"))
    second = docs.upload("Segundo", upload=pdf_upload(text="igual"))
    assert first.sha256 == second.sha256 and first.file.name != second.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=first, actor=docs.analyst)
    assert [p.name for p in stored_document_files()] == [second.file.name.rsplit("/", 1)[-1]]


def test_delete_removes_the_row_the_log_and_then_the_file(docs, django_capture_on_commit_callbacks):
    document = docs.upload()
    services.document_download(user=docs.customer, document_id=document.pk, address="10.0.0.1", now=T0)[1].close()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.document_delete(document=document, actor=docs.analyst)
    # Not committed yet: the file is still there.
    assert len(stored_document_files()) == 1
    for callback in callbacks:
        callback()
    assert stored_document_files() == []
    assert not Document.objects.exists() and not DocumentDownload.objects.exists()


def test_a_rolled_back_deletion_keeps_the_file(docs):
    document = docs.upload()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_delete(document=document, actor=docs.analyst)
        raise RuntimeError("desfaz")
    assert Document.objects.filter(pk=document.pk).exists()
    assert len(stored_document_files()) == 1


def test_withdraw_hides_from_customers_at_once_and_refuses_twice(docs):
    document = docs.upload()
    services.document_withdraw(document=document, actor=docs.analyst, now=T0)
    with pytest.raises(NotFound):
        services.document_download(user=docs.customer, document_id=document.pk, address=None, now=T0)
    with pytest.raises(DomainError) as refused:
        services.document_withdraw(document=document, actor=docs.analyst, now=T0)
    assert refused.value.message == services.ALREADY_WITHDRAWN
    with pytest.raises(NotAllowed):
        services.document_withdraw(document=document, actor=docs.customer, now=T0)


def test_every_download_is_logged_once_with_who_when_and_where(docs):
    document = docs.upload()
    for address in ("203.0.113.7", "not-an-address"):
        found, handle = services.document_download(user=docs.customer, document_id=document.pk, address=address, now=T0)
        handle.close()
        assert found == document
    log = list(DocumentDownload.objects.order_by("id").values_list("user", "at", "address"))
    assert log == [(docs.customer.pk, T0, "203.0.113.7"), (docs.customer.pk, T0, None)]


def test_a_refused_download_logs_nothing(docs):
    document = docs.upload()
    for user in (docs.ponto_customer, docs.unlicensed, None):
        with pytest.raises(NotFound):
            services.document_download(user=user, document_id=document.pk, address=None, now=T0)
    assert not DocumentDownload.objects.exists()


def test_a_missing_file_is_a_clear_error_and_logs_nothing(docs):
    document = docs.upload()
    document.file.storage.delete(document.file.name)
    with pytest.raises(services.StorageUnavailable) as refused:
        services.document_download(user=docs.customer, document_id=document.pk, address=None, now=T0)
    assert refused.value.message == services.FILE_UNAVAILABLE
    assert not DocumentDownload.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("manual.pdf", "manual.pdf"),
        ("C:\\Users\\ana\\manual.pdf", "manual.pdf"),
        ("../../etc/passwd", "passwd"),
        ('a"b\r\nSet-Cookie: x=1.pdf', 'a"bSet-Cookie: x=1.pdf'),
        ("<img src=x onerror=alert(1)>.pdf", "<img src=x onerror=alert(1)>.pdf"),
        ("\x00\x1f", "documento"),
        ("...", "documento"),
        ("é" * 300, "é" * 255),
    ],
)
def test_safe_filename(uploaded, stored):
    assert safe_filename(uploaded) == stored
