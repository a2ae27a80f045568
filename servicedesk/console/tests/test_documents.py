"""/console/documentos/: upload (documents.publish; refusals keep the form and store nothing),
the release menu of a product, the list with download counts, the download log, withdraw, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from servicedesk.documents.models import Document
from servicedesk.documents.tests import conftest as world
from servicedesk.documents.tests.factories import EXE_BYTES, pdf_upload
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(db):
    world.clear_document_files()
    yield world.make_docs()
    world.clear_document_files()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, docs, upload, **changes):
    data = {"product": docs.folha.pk, "release": docs.folha_new.pk, "kind": "manual", "title": "Manual", "file": upload}
    data.update(changes)
    return client.post("/console/documentos/", data)


def test_an_analyst_uploads_and_sees_it_listed(docs):
    client = client_for(docs.analyst)
    response = _post(client, docs, pdf_upload("Manual.pdf"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.release, document.uploaded_by) == ("Manual", docs.folha_new, docs.analyst)
    page = client.get("/console/documentos/").content.decode()
    assert "Manual.pdf" in page and "Enviar documento" in page


def test_an_executable_renamed_pdf_is_refused_with_the_form_kept(docs):
    response = _post(client_for(docs.analyst), docs, SimpleUploadedFile("manual.pdf", EXE_BYTES), title="Meu título")
    assert response.status_code == 400
    page = response.content.decode()
    assert "O tipo do arquivo “manual.pdf” não é aceito" in page
    assert 'value="Meu título"' in page
    assert not Document.objects.exists() and world.stored_document_files() == []


def test_a_release_of_another_product_is_refused_clearly(docs):
    ponto_release = docs.ponto.releases.create(version="3.0.0", released_on=T0.date())
    response = _post(client_for(docs.analyst), docs, pdf_upload(), release=ponto_release.pk)
    assert response.status_code == 400
    assert "A versão escolhida não é do produto do documento." in response.content.decode()
    assert not Document.objects.exists()


def test_staff_without_the_capability_see_the_list_but_may_not_upload(docs):
    client = client_for(docs.maintenance)
    page = client.get("/console/documentos/")
    assert page.status_code == 200 and "Enviar documento" not in page.content.decode()
    assert _post(client, docs, pdf_upload()).status_code == 403
    assert not Document.objects.exists()


def test_customers_get_404_on_every_console_page(docs):
    document = docs.upload()
    client = client_for(docs.customer)
    for url in (
        "/console/documentos/",
        "/console/documentos/versoes/?product=1",
        f"/console/documentos/{document.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/console/documentos/{document.pk}/retirar/", f"/console/documentos/{document.pk}/excluir/"):
        assert client.post(url).status_code == 404, url
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_the_release_menu_lists_the_products_releases_newest_first(docs):
    html = client_for(docs.analyst).get(f"/console/documentos/versoes/?product={docs.folha.pk}").content.decode()
    assert html.index("12.0.1") < html.index("12.0.0") < html.index("11.0.0")
    assert "Todas as versões" in html


def test_counts_and_the_download_log(docs):
    document = docs.upload()
    customer = client_for(docs.customer)
    for _ in range(2):
        assert customer.get(f"/documentacao/{document.pk}/baixar/", REMOTE_ADDR="192.0.2.9").status_code == 200
    client = client_for(docs.analyst)
    listing = client.get("/console/documentos/").content.decode()
    assert '<td data-label="Downloads" class="document-downloads">2</td>' in listing
    log = client.get(f"/console/documentos/{document.pk}/").content.decode()
    assert "2 downloads" in log and log.count("192.0.2.9") == 2
    assert docs.customer.organization.name in log


def test_withdraw_then_delete(docs, django_capture_on_commit_callbacks):
    document = docs.upload()
    client = client_for(docs.analyst)
    assert client.post(f"/console/documentos/{document.pk}/retirar/").status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    assert client_for(docs.customer).get(f"/documentacao/{document.pk}/baixar/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/console/documentos/{document.pk}/excluir/").status_code == 302
    assert not Document.objects.exists() and world.stored_document_files() == []


def test_titles_and_file_names_are_escaped_in_the_console(docs):
    docs.upload("<script>x()</script>", upload=SimpleUploadedFile("<b onclick=x()>n.pdf", pdf_upload().read()))
    page = client_for(docs.analyst).get("/console/documentos/").content.decode()
    assert "<script>x()" not in page and "<b onclick" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "&lt;b onclick=x()&gt;n.pdf" in page


def test_the_list_costs_the_same_queries_for_more_documents(docs, django_assert_num_queries):
    client = client_for(docs.analyst)
    docs.upload("Um")
    client.get("/console/documentos/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get("/console/documentos/")
    for n in range(4):
        docs.upload(f"Mais {n}", release=docs.folha_new)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/console/documentos/")
