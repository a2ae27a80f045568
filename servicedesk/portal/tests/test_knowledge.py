"""The knowledge base in the portal (issue 10): who reads what by URL and by search, XSS,
feedback and views; every refusal changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from servicedesk.knowledge.models import Article, ArticleFeedback, Visibility
from servicedesk.knowledge.tests.conftest import kb  # noqa: F401  (the small knowledge base)

pytestmark = pytest.mark.django_db

HOME = "/base-de-conhecimento/"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(article: Article) -> str:
    return f"{HOME}{article.slug}/"


def test_a_public_article_opens_without_login_and_counts_the_view(kb):  # noqa: F811
    article = kb.article("Cálculo de férias", "As **férias** proporcionais.")
    response = client_for().get(page(article))
    assert response.status_code == 200
    assert "<strong>férias</strong>" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 1


def test_customer_articles_reach_only_licensing_organizations(kb):  # noqa: F811
    folha = kb.article("Férias na Folha", "férias", visibility=Visibility.CUSTOMERS, products=[kb.folha])
    assert client_for(kb.customer).get(page(folha)).status_code == 200
    for user in (None, kb.unlicensed, kb.ponto_customer):
        client = client_for(user)
        assert client.get(page(folha)).status_code == 404
        search = client.get(HOME, {"q": "férias"}).content.decode()
        assert "Férias na Folha" not in search and folha.slug not in search
        assert client.post(f"{page(folha)}avaliar/", {"helpful": "sim"}).status_code == 404
    folha.refresh_from_db()
    assert folha.view_count == 1 and not ArticleFeedback.objects.exists()


def test_internal_and_draft_articles_are_404_for_customers_and_visitors(kb):  # noqa: F811
    internal = kb.article("Procedimento interno", "senha mestra", visibility=Visibility.INTERNAL)
    draft = kb.article("Rascunho público", "em revisão", publish=False)
    for user in (None, kb.customer):
        for article in (internal, draft):
            assert client_for(user).get(page(article)).status_code == 404
    assert client_for(kb.analyst).get(page(internal)).status_code == 200
    assert client_for(kb.analyst).get(page(draft)).status_code == 200


def test_an_unknown_slug_is_404(kb):  # noqa: F811
    assert client_for().get(f"{HOME}nao-existe/").status_code == 404


def test_search_page_lists_hits_with_marked_snippets(kb):  # noqa: F811
    kb.article("Cálculo de férias", "Como o sistema calcula as férias proporcionais.")
    html = client_for().get(HOME, {"q": "ferias"}).content.decode()
    assert "1 artigo encontrado" in html
    assert "<mark>férias</mark>" in html


def test_stored_xss_in_title_and_body_is_neutralised(kb):  # noqa: F811
    article = kb.article(
        '<script>alert("t")</script>Férias',
        '<script>alert("b")</script> [clique](javascript:alert(1)) <img src=x onerror="alert(2)"> férias',
    )
    for html in (
        client_for().get(page(article)).content.decode(),
        client_for().get(HOME, {"q": "férias"}).content.decode(),
    ):
        assert '<script>alert("t")' not in html and '<script>alert("b")' not in html
        assert 'href="javascript' not in html and "<img src" not in html  # shown as text, never as markup
        assert "&lt;script&gt;" in html


def test_feedback_is_recorded_and_a_second_answer_replaces_the_first(kb):  # noqa: F811
    article = kb.article("Cálculo de férias", "férias")
    client = client_for(kb.customer)
    response = client.post(f"{page(article)}avaliar/", {"helpful": "sim", "comment": "Resolveu"})
    assert response.status_code == 302
    client.post(f"{page(article)}avaliar/", {"helpful": "nao"})
    (feedback,) = ArticleFeedback.objects.all()
    assert (feedback.user, feedback.helpful, feedback.comment) == (kb.customer, False, "")
    client_for().post(f"{page(article)}avaliar/", {"helpful": "sim"})  # a visitor, on a public article
    assert ArticleFeedback.objects.filter(user=None, helpful=True).count() == 1


def test_bad_feedback_is_a_clear_portuguese_error_and_changes_nothing(kb):  # noqa: F811
    article = kb.article("Cálculo de férias", "férias")
    client = client_for(kb.customer)
    response = client.post(f"{page(article)}avaliar/", {"helpful": "talvez"})
    assert response.status_code == 422
    assert "Responda se o artigo foi útil: sim ou não." in response.content.decode()
    response = client.post(f"{page(article)}avaliar/", {"helpful": "sim", "comment": "x" * 2001})
    assert response.status_code == 422
    assert "O comentário pode ter no máximo 2.000 caracteres." in response.content.decode()
    assert not ArticleFeedback.objects.exists()


def test_the_portal_nav_links_the_knowledge_base(kb):  # noqa: F811
    assert f'href="{HOME}"' in client_for(kb.customer).get("/").content.decode()
    assert f'href="{HOME}"' in client_for().get(HOME).content.decode()
