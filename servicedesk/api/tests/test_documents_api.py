"""/api/v1/documents: the scoped list and detail, the staff's multipart upload (problem+json 422 for
a refused file or a release of another product, 403 for customers), the access-checked, logged
download (404 outside the licence, at once when a licence is removed)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from servicedesk.api.tests.conftest import API, ApiClient, make_token
from servicedesk.documents.models import Document, DocumentDownload
from servicedesk.documents.services import RELEASE_NOT_OF_PRODUCT
from servicedesk.documents.tests import conftest as world
from servicedesk.documents.tests.factories import EXE_BYTES, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def docs(db):
    world.clear_document_files()
    yield world.make_docs()
    world.clear_document_files()


def api_for(user, scope="read-write") -> ApiClient:
    return ApiClient(make_token(user, scope))


def upload(client: ApiClient, docs, file=None, **fields):
    data = {"title": "Manual da Folha", "product": docs.folha.pk, "release": docs.folha_new.pk, "kind": "manual"}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    data["file"] = file or pdf_upload()
    return client.client.post(API + "/documents", data, headers=client._headers({}))


def test_staff_upload_returns_the_document(docs):
    response = upload(api_for(docs.analyst), docs, SimpleUploadedFile("Manual.pdf", pdf_bytes("x")))
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert body["id"] == document.pk
    assert body["product"] == {"id": docs.folha.pk, "name": "Folha de Pagamento"}
    assert body["release"] == {"id": docs.folha_new.pk, "version": "12.0.1", "supported": True}
    assert (body["file_name"], body["content_type"], body["kind"]) == ("Manual.pdf", "application/pdf", "manual")
    assert body["download_url"] == f"/api/v1/documents/{document.pk}/download"


def test_a_refused_file_is_a_422_problem_and_stores_nothing(docs):
    response = upload(api_for(docs.analyst), docs, SimpleUploadedFile("manual.pdf", EXE_BYTES))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "file"
    assert not Document.objects.exists() and world.stored_document_files() == []


def test_a_release_of_another_product_is_a_422_problem(docs):
    ponto_release = docs.ponto.releases.create(version="3.0.0", released_on="2026-01-01")
    response = upload(api_for(docs.analyst), docs, release=ponto_release.pk)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "release", "reason": RELEASE_NOT_OF_PRODUCT}]
    assert not Document.objects.exists()


def test_an_unknown_product_and_a_missing_file_are_422(docs):
    client = api_for(docs.analyst)
    assert upload(client, docs, product=999_999, release=None).json()["errors"][0]["field"] == "product"
    response = client.client.post(
        API + "/documents", {"title": "x", "product": docs.folha.pk}, headers=client._headers({})
    )
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM


def test_customers_and_read_only_tokens_may_not_upload(docs):
    assert upload(api_for(docs.customer), docs).status_code == 403
    assert upload(api_for(docs.maintenance), docs).status_code == 403
    assert upload(api_for(docs.analyst, "read"), docs).status_code == 403
    assert not Document.objects.exists() and world.stored_document_files() == []


def test_the_list_is_scoped_and_filters_by_product(docs):
    folha = docs.upload("Manual da Folha")
    ponto = docs.upload("Manual do Ponto", product=docs.ponto)
    ids = lambda r: [item["id"] for item in r.json()["items"]]  # noqa: E731
    customer = api_for(docs.customer)
    assert ids(customer.get("/documents")) == [folha.pk]
    assert ids(customer.get("/documents", {"product": docs.ponto.pk})) == []
    assert ids(api_for(docs.ponto_customer).get("/documents")) == [ponto.pk]
    assert ids(api_for(docs.unlicensed).get("/documents")) == []
    staff = api_for(docs.maintenance)
    assert ids(staff.get("/documents")) == [ponto.pk, folha.pk]  # newest first
    assert ids(staff.get("/documents", {"product": docs.folha.pk})) == [folha.pk]


def test_the_list_pages_by_cursor(docs):
    made = [docs.upload(f"Manual {n}") for n in range(3)]
    client = api_for(docs.customer)
    first = client.get("/documents", {"limit": 2}).json()
    second = client.get("/documents", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in first["items"] + second["items"]] == [d.pk for d in reversed(made)]
    assert second["next_cursor"] is None


def test_detail_and_download_are_404_outside_the_licence(docs):
    document = docs.upload()
    for user in (docs.ponto_customer, docs.unlicensed):
        client = api_for(user)
        for path in (f"/documents/{document.pk}", f"/documents/{document.pk}/download"):
            response = client.get(path)
            assert response.status_code == 404, (user, path)
            assert response["Content-Type"] == PROBLEM
    assert not DocumentDownload.objects.exists()


def test_download_is_logged_once_per_download_and_sent_as_attachment(docs):
    content = pdf_bytes("Manual")
    document = docs.upload(upload=SimpleUploadedFile("Manual.pdf", content))
    client = api_for(docs.customer)
    assert client.get(f"/documents/{document.pk}")["Content-Type"] == "application/json; charset=utf-8"
    assert not DocumentDownload.objects.exists()  # reading the detail is not a download
    response = client.get(f"/documents/{document.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="Manual.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert list(DocumentDownload.objects.values_list("user", flat=True)) == [docs.customer.pk]


def test_removing_the_licence_removes_api_access_at_once(docs):
    document = docs.upload()
    client = api_for(docs.customer)
    assert client.get(f"/documents/{document.pk}/download").status_code == 200
    docs.customer.organization.licensed_products.remove(docs.folha)
    assert client.get(f"/documents/{document.pk}").status_code == 404
    assert client.get(f"/documents/{document.pk}/download").status_code == 404
    assert client.get("/documents").json()["items"] == []


def test_anonymous_callers_are_401(docs):
    assert Client().get(API + "/documents").status_code == 401


def test_the_spec_describes_the_download_as_binary_and_the_upload_as_multipart(docs):
    spec = Client().get(API + "/openapi.json").json()
    download = spec["paths"]["/api/v1/documents/{document_id}/download"]["get"]["responses"]["200"]
    assert download["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    upload_body = spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert set(upload_body["schema"]["required"]) == {"file", "title", "product"}


def test_the_list_costs_the_same_queries_for_more_documents(docs, django_assert_num_queries):
    client = api_for(docs.customer)
    docs.upload("Um", release=docs.folha_old)
    client.get("/documents")
    with CaptureQueriesContext(connection) as few:
        client.get("/documents")
    for n in range(4):
        docs.upload(f"Mais {n}", release=docs.folha_new)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get("/documents").json()["items"]) == 5
