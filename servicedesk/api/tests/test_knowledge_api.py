"""The knowledge-base API (issue 10): search and read (visitors: public articles only), staff
writes (every edit a version; unknown fields 422; all or nothing), feedback; isolation by
visibility inside the query (404 by id, absent from count, rank and snippets) and stored XSS."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from servicedesk.api.tests.conftest import API, ApiClient, make_token
from servicedesk.knowledge import services as kb_services
from servicedesk.knowledge.models import Article, ArticleFeedback, ArticleStatus, ArticleVersion, Visibility
from servicedesk.knowledge.tests.conftest import kb  # noqa: F401  (the small knowledge base)
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db

SITE = "https://suporte.weconnect.example"


def api(user=None, scope="read-write") -> ApiClient:
    return ApiClient(make_token(user, scope) if user is not None else None)


def patch(client: ApiClient, path: str, body: dict):
    return client.client.patch(
        API + path, data=json.dumps(body), content_type="application/json", headers=client._headers({})
    )


@pytest.fixture
def articles(kb):  # noqa: F811
    return {
        "public": kb.article("Cálculo de férias", "Como calcular as férias proporcionais."),
        "customers": kb.article(
            "Férias na Folha", "As férias dos clientes da Folha.", visibility=Visibility.CUSTOMERS, products=[kb.folha]
        ),
        "internal": kb.article(
            "Férias: rotina interna", "Procedimento interno de férias.", visibility=Visibility.INTERNAL
        ),
        "draft": kb.article("Férias em rascunho", "Ainda não publicado: férias.", publish=False),
    }


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --------------------------------------------------------------------------- search and read


def test_a_visitor_searches_public_articles_only_without_credentials(articles):
    response = api().get("/kb/articles", {"q": "ferias"})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], ids(response)) == (1, [articles["public"].pk])
    (item,) = body["items"]
    assert (item["slug"], item["title"], item["visibility"], item["rank"]) == (
        articles["public"].slug,
        "Cálculo de férias",
        "pública",
        2,
    )
    assert item["snippet"] == "Como calcular as férias proporcionais."
    assert item["snippet_html"] == "Como calcular as <mark>férias</mark> proporcionais."


def test_a_customer_of_a_licensing_organization_also_finds_the_clientes_article(kb, articles):  # noqa: F811
    response = api(kb.customer).get("/kb/articles", {"q": "ferias"})
    assert response.json()["count"] == 2
    assert set(ids(response)) == {articles["public"].pk, articles["customers"].pk}


def test_a_customer_whose_organization_does_not_license_the_product_gets_404(kb, articles):  # noqa: F811
    for user in (kb.ponto_customer, kb.unlicensed, None):
        client = api(user)
        assert client.get(f"/kb/articles/{articles['customers'].pk}").status_code == 404
        assert client.get(f"/kb/articles/{articles['internal'].pk}").status_code == 404
        assert client.get(f"/kb/articles/{articles['draft'].pk}").status_code == 404
        found = client.get("/kb/articles", {"q": "ferias"}).json()
        assert (found["count"], [i["id"] for i in found["items"]]) == (1, [articles["public"].pk])
        assert "Folha" not in json.dumps(found)


def test_internal_and_drafts_are_staff_only(kb, articles):  # noqa: F811
    assert api(kb.customer).get(f"/kb/articles/{articles['internal'].pk}").status_code == 404
    staff = api(kb.analyst)
    assert staff.get(f"/kb/articles/{articles['internal'].pk}").status_code == 200
    assert staff.get("/kb/articles", {"q": "ferias"}).json()["count"] == 4


def test_a_missing_article_is_the_same_404_problem(kb, articles):  # noqa: F811
    missing = api(kb.customer).get("/kb/articles/999999")
    hidden = api(kb.customer).get(f"/kb/articles/{articles['internal'].pk}")
    assert missing.status_code == hidden.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["detail"] == hidden.json()["detail"] == "Artigo não encontrado."


def test_the_product_filter(kb, articles):  # noqa: F811
    ponto = kb.article("Férias no Ponto", "Banco de horas e férias.", products=[kb.ponto])
    response = api().get("/kb/articles", {"q": "ferias", "product": kb.ponto.pk})
    assert ids(response) == [ponto.pk]


def test_without_a_query_the_readable_articles_are_listed_with_simple_pages(kb, articles):  # noqa: F811
    first = api().get("/kb/articles", {"limit": 1}).json()
    assert (first["count"], len(first["items"]), first["next_offset"]) == (1, 1, None)
    staff = api(kb.analyst).get("/kb/articles", {"limit": 3}).json()
    assert (staff["count"], len(staff["items"]), staff["next_offset"]) == (4, 3, 3)
    rest = api(kb.analyst).get("/kb/articles", {"limit": 3, "offset": 3}).json()
    assert (len(rest["items"]), rest["next_offset"]) == (1, None)


@override_settings(SITE_URL=SITE)
def test_reading_an_article(articles):
    body = api().get(f"/kb/articles/{articles['public'].pk}").json()
    assert body["url"] == f"{SITE}/base-de-conhecimento/{articles['public'].slug}/"
    assert (body["status"], body["version"], body["body"]) == ("publicada", 1, "Como calcular as férias proporcionais.")


def test_a_bad_token_is_401_even_on_public_reads(articles):
    response = ApiClient("wcsd_1_garbage").get("/kb/articles", {"q": "ferias"})
    assert response.status_code == 401


# --------------------------------------------------------------------------- XSS


def test_script_in_title_and_body_is_data_in_json_and_sanitised_in_html(kb):  # noqa: F811
    article = kb.article("<script>alert(1)</script> Férias", "<script>alert(2)</script>\n\n[x](javascript:alert(3))")
    body = api().get(f"/kb/articles/{article.pk}").json()
    assert body["title"] == "<script>alert(1)</script> Férias"  # raw data, as written
    assert "<script" not in body["body_html"]
    assert "javascript:" not in body["body_html"].replace("[x](javascript:alert(3))", "")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body["body_html"]
    hit = api().get("/kb/articles", {"q": "ferias"}).json()["items"][0]
    assert "<script" not in hit["snippet_html"]
    # The portal page escapes the title.
    page = ApiClient().client.get(f"/base-de-conhecimento/{article.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Férias" in page


# --------------------------------------------------------------------------- writes


def test_staff_create_a_draft_and_patch_it_into_a_new_version(kb):  # noqa: F811
    client = api(kb.analyst)
    created = client.post(
        "/kb/articles",
        {"title": "Recibo", "body": "Abra o recibo.", "visibility": "clientes", "products": [kb.folha.pk]},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["visibility"], body["products"], body["version"]) == (
        "rascunho",
        "clientes",
        [kb.folha.pk],
        1,
    )
    patched = patch(client, f"/kb/articles/{body['id']}", {"body": "Abra o recibo e imprima.", "expected_version": 1})
    assert patched.status_code == 200
    assert patched.json()["version"] == 2
    assert ArticleVersion.objects.filter(article_id=body["id"]).count() == 2


def test_unknown_fields_are_422_and_nothing_is_created(kb):  # noqa: F811
    response = api(kb.analyst).post("/kb/articles", {"title": "X", "body": "Y", "author": 1})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Article.objects.filter(title="X").exists()
    article = kb.article("Férias", "x", publish=False)
    assert patch(api(kb.analyst), f"/kb/articles/{article.pk}", {"view_count": 9}).status_code == 422


def test_an_analyst_cannot_publish_through_the_api_and_nothing_changes(kb):  # noqa: F811
    client = api(kb.analyst)
    refused = client.post("/kb/articles", {"title": "Publicar já", "body": "x", "status": "publicada"})
    assert refused.status_code == 403
    assert not Article.objects.filter(title="Publicar já").exists()
    article = kb.article("Férias", "Antes.", publish=False)
    refused = patch(client, f"/kb/articles/{article.pk}", {"body": "Depois.", "status": "publicada"})
    assert refused.status_code == 403
    article.refresh_from_db()
    assert (article.body, article.version, article.status) == ("Antes.", 1, ArticleStatus.DRAFT)


def test_a_reviewer_publishes_and_archives_through_the_api(kb):  # noqa: F811
    article = kb.article("Férias", "x", publish=False)
    client = api(kb.manager)
    assert patch(client, f"/kb/articles/{article.pk}", {"status": "publicada"}).json()["status"] == "publicada"
    assert patch(client, f"/kb/articles/{article.pk}", {"status": "arquivada"}).json()["status"] == "arquivada"
    back = patch(client, f"/kb/articles/{article.pk}", {"status": "rascunho"})
    assert back.status_code == 422


def test_customers_cannot_write(kb, articles):  # noqa: F811
    client = api(kb.customer)
    assert client.post("/kb/articles", {"title": "X", "body": "Y"}).status_code == 403
    assert patch(client, f"/kb/articles/{articles['public'].pk}", {"title": "Hackeado"}).status_code == 403
    assert patch(client, f"/kb/articles/{articles['internal'].pk}", {"title": "Hackeado"}).status_code == 404
    assert not Article.objects.filter(title="Hackeado").exists()


def test_writes_need_credentials(articles):
    assert api().post("/kb/articles", {"title": "X", "body": "Y"}).status_code == 401
    assert api().post(f"/kb/articles/{articles['public'].pk}/feedback", {"helpful": True}).status_code == 401


def test_a_stale_patch_is_a_409(kb):  # noqa: F811
    article = kb.article("Férias", "x", publish=False)
    kb_services.article_update(article=article, actor=kb.analyst, now=T0, body="y")
    response = patch(api(kb.analyst), f"/kb/articles/{article.pk}", {"body": "z", "expected_version": 1})
    assert response.status_code == 409


# --------------------------------------------------------------------------- feedback


def test_feedback_on_a_readable_article_and_404_on_another(kb, articles):  # noqa: F811
    client = api(kb.ponto_customer)
    ok = client.post(f"/kb/articles/{articles['public'].pk}/feedback", {"helpful": False, "comment": "Faltou um passo"})
    assert ok.status_code == 201
    assert (ok.json()["helpful"], ok.json()["comment"]) == (False, "Faltou um passo")
    refused = client.post(f"/kb/articles/{articles['customers'].pk}/feedback", {"helpful": True})
    assert refused.status_code == 404
    assert ArticleFeedback.objects.count() == 1


def test_a_read_only_token_cannot_send_feedback(kb, articles):  # noqa: F811
    client = api(kb.customer, scope="read")
    assert client.post(f"/kb/articles/{articles['public'].pk}/feedback", {"helpful": True}).status_code == 403
