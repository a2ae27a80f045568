"""Deflection (issue 10): the Problema/Dúvida form suggests the articles the customer may read
as the title is typed; "isto resolveu meu problema" records a Deflection and opens no ticket.
An article the customer may not read is never suggested, counted or snippeted."""

from __future__ import annotations

import pytest
from django.test import Client

from servicedesk.knowledge.models import Deflection, Visibility
from servicedesk.knowledge.tests.conftest import kb  # noqa: F401  (the small knowledge base)
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SUGGEST = "/chamados/abrir/artigos-sugeridos/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_suggestions_are_the_readable_articles_matching_the_title(kb):  # noqa: F811
    public = kb.article("Cálculo de férias proporcionais", "Como o sistema calcula as férias.")
    html = client_for(kb.customer).get(SUGGEST, {"title": "calculo ferias"}).content.decode()
    assert f"/base-de-conhecimento/{public.slug}/?de=chamado&amp;q=calculo%20ferias" in html
    assert "<mark>" in html


def test_a_long_title_falls_back_to_its_first_words(kb):  # noqa: F811
    article = kb.article("Horas extras no holerite", "Feche o período do ponto.")
    params = {"title": "Horas extras de novembro sumiram"}
    assert article.slug in client_for(kb.customer).get(SUGGEST, params).content.decode()
    params = {"title": "Novembro: horas extras sumiram"}  # the first words find nothing either
    assert "kb-suggest" not in client_for(kb.customer).get(SUGGEST, params).content.decode()


def test_no_suggestion_for_an_empty_or_wordless_query(kb):  # noqa: F811
    kb.article("Cálculo de férias", "x")
    for params in ({}, {"title": "  "}, {"title": "de a o"}):
        response = client_for(kb.customer).get(SUGGEST, params)
        assert response.status_code == 200 and "kb-suggest" not in response.content.decode()


def test_the_description_is_searched_when_the_title_finds_nothing(kb):  # noqa: F811
    article = kb.article("Rescisão complementar", "Como lançar a rescisão complementar.")
    html = client_for(kb.customer).get(SUGGEST, {"title": "zzz", "description": "rescisão complementar"}).content
    assert article.slug in html.decode()


def test_an_article_the_customer_may_not_read_is_never_suggested_nor_snippeted(kb):  # noqa: F811
    kb.article("Férias internas", "segredo férias", visibility=Visibility.INTERNAL)
    kb.article("Férias rascunho", "rascunho férias", publish=False)
    kb.article("Férias do Ponto", "ponto férias", visibility=Visibility.CUSTOMERS, products=[kb.ponto])
    for user in (kb.customer, kb.unlicensed):
        html = client_for(user).get(SUGGEST, {"title": "férias"}).content.decode()
        assert "kb-suggest" not in html
        assert "segredo" not in html and "rascunho" not in html and "Ponto" not in html
    licensed = client_for(kb.ponto_customer).get(SUGGEST, {"title": "férias"}).content.decode()
    assert "Férias do Ponto" in licensed.replace("<mark>", "").replace("</mark>", "")
    assert "interna" not in licensed and "rascunho" not in licensed


def test_the_suggestions_show_at_most_three(kb):  # noqa: F811
    for n in range(5):
        kb.article(f"Férias caso {n}", "férias")
    html = client_for(kb.customer).get(SUGGEST, {"title": "férias"}).content.decode()
    assert html.count("?de=chamado") == 3


def test_the_suggestion_endpoint_has_a_small_rate_limit(kb, settings):  # noqa: F811
    settings.PORTAL_ARTICLE_SUGGESTIONS_PER_MINUTE = 2
    kb.article("Férias", "férias")
    client = client_for(kb.customer)
    assert [client.get(SUGGEST, {"title": "férias"}).status_code for _ in range(3)] == [200, 200, 204]


def test_staff_and_visitors_have_no_suggestion_widget(kb):  # noqa: F811
    assert client_for(kb.analyst).get(SUGGEST, {"title": "x"}).status_code == 403
    assert Client().get(SUGGEST, {"title": "x"}).status_code == 302


def test_the_article_reached_from_a_suggestion_offers_isto_resolveu(kb):  # noqa: F811
    article = kb.article("Férias", "férias")
    client = client_for(kb.customer)
    html = client.get(f"/base-de-conhecimento/{article.slug}/", {"de": "chamado", "q": "férias <b>x</b>"}).content
    html = html.decode()
    assert "Isto resolveu meu problema" in html
    assert 'name="q" value="férias &lt;b&gt;x&lt;/b&gt;"' in html
    assert "Isto resolveu meu problema" not in client.get(f"/base-de-conhecimento/{article.slug}/").content.decode()
    assert "Isto resolveu meu problema" not in (
        Client().get(f"/base-de-conhecimento/{article.slug}/", {"de": "chamado"}).content.decode()
    )


def test_isto_resolveu_records_a_deflection_and_opens_no_ticket(kb):  # noqa: F811
    article = kb.article("Férias", "férias")
    response = client_for(kb.customer).post(
        f"/base-de-conhecimento/{article.slug}/resolveu/", {"q": "Férias não calculam"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.article, deflection.query) == (kb.customer, article, "Férias não calculam")
    assert not Ticket.objects.exists()


def test_isto_resolveu_on_an_unreadable_article_is_404_and_records_nothing(kb):  # noqa: F811
    internal = kb.article("Procedimento interno", "x", visibility=Visibility.INTERNAL)
    ponto = kb.article("Ponto", "x", visibility=Visibility.CUSTOMERS, products=[kb.ponto])
    public = kb.article("Público", "x")
    for user, article in ((kb.customer, internal), (kb.customer, ponto)):
        assert client_for(user).post(f"/base-de-conhecimento/{article.slug}/resolveu/").status_code == 404
    assert Client().post(f"/base-de-conhecimento/{public.slug}/resolveu/").status_code == 404
    assert client_for(kb.analyst).post(f"/base-de-conhecimento/{public.slug}/resolveu/").status_code == 404
    assert not Deflection.objects.exists()
