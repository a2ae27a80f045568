"""/documentacao/ in the portal: the organization's licensed products only, grouped by product and
release, the supported releases marked; downloads access-checked and logged at every request,
always as attachments with a safe name; stored XSS in titles and file names neutralised."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk.documents.models import DocumentDownload
from servicedesk.documents.tests import conftest as world
from servicedesk.documents.tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(db):
    world.clear_document_files()
    yield world.make_docs()
    world.clear_document_files()


XSS_TITLE = '<script>alert("título")</script>'
XSS_NAME = '<img src=x onerror=alert(1)>"; x.pdf'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_the_licensed_products_by_release_with_supported_marked(docs):
    docs.upload("Manual 12.0.1", release=docs.folha_new)
    docs.upload("Manual 11", release=docs.folha_old)
    docs.upload("Manual do Ponto", product=docs.ponto)
    page = client_for(docs.customer).get("/documentacao/").content.decode()
    assert "Manual 12.0.1" in page and "Manual 11" in page
    assert "Manual do Ponto" not in page and "Ponto Eletrônico" not in page
    assert page.count("versão suportada") == 1  # 12.0.1 only: 12.0.0 has no document, 11.0.0 is not supported
    assert page.index("Versão 12.0.1") < page.index("Versão 11.0.0")
    assert '<a href="/documentacao/" class="active">Documentação</a>' in page  # the navigation link
    assert '<a href="/" class="">Início</a>' in page


def test_an_unlicensed_organization_sees_an_empty_page(docs):
    docs.upload()
    page = client_for(docs.unlicensed).get("/documentacao/").content.decode()
    assert "Manual da Folha" not in page
    assert "Ainda não há documentos" in page


def test_staff_and_visitors_do_not_get_the_portal_page(docs):
    assert client_for(docs.analyst).get("/documentacao/").status_code == 403
    assert Client().get("/documentacao/").status_code == 302


def test_download_is_an_attachment_with_nosniff_and_logged_once(docs):
    content = pdf_bytes("Manual")
    document = docs.upload(upload=SimpleUploadedFile("Manual Folha 12.pdf", content))
    response = client_for(docs.customer).get(f"/documentacao/{document.pk}/baixar/", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Manual Folha 12.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    log = list(DocumentDownload.objects.values_list("document", "user", "address"))
    assert log == [(document.pk, docs.customer.pk, "198.51.100.4")]


def test_another_organization_and_an_unlicensed_one_get_404_and_nothing_is_logged(docs):
    document = docs.upload()
    for user in (docs.ponto_customer, docs.unlicensed):
        assert client_for(user).get(f"/documentacao/{document.pk}/baixar/").status_code == 404
    assert client_for(docs.customer).get("/documentacao/999999/baixar/").status_code == 404
    assert not DocumentDownload.objects.exists()


def test_removing_the_licence_removes_the_download_at_once(docs):
    document = docs.upload()
    client = client_for(docs.customer)
    assert client.get(f"/documentacao/{document.pk}/baixar/").status_code == 200
    docs.customer.organization.licensed_products.remove(docs.folha)
    assert client.get(f"/documentacao/{document.pk}/baixar/").status_code == 404
    assert "Manual da Folha" not in client.get("/documentacao/").content.decode()


def test_staff_download_through_the_same_view(docs):
    document = docs.upload()
    assert client_for(docs.maintenance).get(f"/documentacao/{document.pk}/baixar/").status_code == 200


def test_xss_in_titles_and_file_names_is_escaped_and_the_header_is_safe(docs):
    document = docs.upload(XSS_TITLE, upload=SimpleUploadedFile(XSS_NAME, pdf_bytes()))
    page = client_for(docs.customer).get("/documentacao/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;título&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;; x.pdf" in page
    response = client_for(docs.customer).get(f"/documentacao/{document.pk}/baixar/")
    # Quotes are escaped inside the quoted name: the header stays one parameter.
    assert response["Content-Disposition"] == 'attachment; filename="<img src=x onerror=alert(1)>\\"; x.pdf"'


def test_a_non_ascii_and_line_broken_name_is_sent_encoded(docs):
    document = docs.upload(upload=SimpleUploadedFile("Férias\r\nX-Evil: 1.pdf", pdf_bytes()))
    response = client_for(docs.customer).get(f"/documentacao/{document.pk}/baixar/")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''F%C3%A9riasX-Evil%3A%201.pdf"


def test_the_page_is_in_english_for_english_readers(docs):
    client = client_for(docs.customer)
    client.cookies["django_language"] = "en"
    page = client.get("/documentacao/").content.decode()
    assert "<h1>Documentation</h1>" in page
    assert "There are no documents of the products your organization licenses yet." in page


def test_a_missing_file_is_a_message_not_a_500(docs):
    document = docs.upload()
    document.file.storage.delete(document.file.name)
    response = client_for(docs.customer).get(f"/documentacao/{document.pk}/baixar/", follow=True)
    assert response.redirect_chain == [("/documentacao/", 302)]
    assert "O arquivo deste documento não está disponível." in response.content.decode()
    staff = client_for(docs.analyst).get(f"/documentacao/{document.pk}/baixar/")
    assert staff["Location"] == f"/console/documentos/{document.pk}/"
    assert not DocumentDownload.objects.exists()
