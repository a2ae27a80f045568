"""Search quality and visibility (issue 10), the same expectations on SQLite and PostgreSQL.

The expected lists were worked out by hand from CORPUS (conftest): every word must match, in the
title or the body; rank 2 = every word in the title, 1 = some, 0 = body only; then by title
(every view count is 0 here).
"""

import pytest

from servicedesk.knowledge.models import Visibility
from servicedesk.knowledge.search import article_search
from servicedesk.knowledge.services import article_update
from servicedesk.knowledge.tests.conftest import load_corpus
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db

TABLE = [
    # accents, either way
    ("férias", ["ferias", "rescisao"]),  # title of one, body of the other
    ("ferias", ["ferias", "rescisao"]),
    ("FÉRIAS", ["ferias", "rescisao"]),
    # plurals and verb forms meet the singular
    ("cálculos", ["ferias", "rescisao"]),  # "Cálculo" in a title, "cálculos" in a body
    ("calculo", ["ferias", "rescisao"]),
    ("calcular", ["ferias", "rescisao"]),  # "calcula" / "Cálculo" / "cálculos"
    ("configuração", ["configuracoes"]),  # -ões → -ão
    ("configuracoes", ["configuracoes"]),
    ("impressões", ["configuracoes"]),  # title "impressão"
    ("cidadão", ["cidadao"]),  # -ãos → -ão ("cidadãos" in the body)
    ("cidadaos", ["cidadao"]),
    ("informação fiscal", ["esocial"]),  # "informações fiscais" (-ões, -ais), body only
    ("trocando senhas", ["senha"]),  # verb form + plural, both in the title
    # several words, any order, all of them must match
    ("férias rescisão", ["rescisao"]),  # only "Rescisão…" has both (body "férias")
    ("rescisão férias", ["rescisao"]),
    ("como calcular as férias", ["ferias", "rescisao"]),  # function words dropped
    ("ESOCIAL", ["esocial"]),
    # must find nothing
    ("férias impressora", []),  # no article has both
    ("holerite", []),
    ("de a o", []),  # nothing but function words
    ("", []),
]


@pytest.mark.parametrize(("query", "expected"), TABLE)
def test_portuguese_queries(kb, query, expected):
    articles = load_corpus(kb)
    slug_to_key = {article.slug: key for key, article in articles.items()}
    result = article_search(None, query=query)
    assert [slug_to_key[hit.article.slug] for hit in result.hits] == expected
    assert result.count == len(expected)


def test_title_ranks_above_body(kb):
    body_only = kb.article("Aviso prévio", "Como lançar férias junto do aviso.")
    title = kb.article("Férias coletivas", "Período de descanso.")
    assert [hit.article for hit in article_search(None, query="férias").hits] == [title, body_only]


def test_snippet_and_title_are_highlighted_and_escaped(kb):
    kb.article("<script>alert(1)</script> Férias", "Texto <img src=x onerror=alert(1)> sobre as **férias** anuais.")
    (hit,) = article_search(None, query="ferias").hits
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Férias</mark>"
    assert "<mark>férias</mark>" in hit.snippet_html
    assert "<img" not in hit.snippet_html and "<script" not in hit.snippet_html


def test_an_edit_changes_what_is_found(kb):
    article = kb.article("Trocar a senha", "Menu Segurança.")
    article_update(article=article, actor=kb.analyst, now=T0, title="Bloqueio de usuário")
    assert article_search(None, query="senha").count == 0
    assert article_search(None, query="bloqueio").count == 1


def test_visibility_is_applied_inside_the_search(kb):
    """A customer's search never counts, ranks or snippets what it may not read."""
    public = kb.article("Férias públicas", "férias")
    folha = kb.article("Férias na Folha", "férias", visibility=Visibility.CUSTOMERS, products=[kb.folha])
    ponto = kb.article("Férias no Ponto", "férias", visibility=Visibility.CUSTOMERS, products=[kb.ponto])
    internal = kb.article("Férias internas", "férias", visibility=Visibility.INTERNAL)
    draft = kb.article("Férias rascunho", "férias", publish=False)

    def found(user):
        result = article_search(user, query="férias")
        assert result.count == len(result.hits)
        return {hit.article for hit in result.hits}

    assert found(None) == {public}
    assert found(kb.unlicensed) == {public}
    assert found(kb.customer) == {public, folha}
    assert found(kb.ponto_customer) == {public, ponto}
    assert found(kb.analyst) == {public, folha, ponto, internal, draft}


def test_product_filter(kb):
    kb.article("Férias na Folha", "férias", products=[kb.folha])
    ponto = kb.article("Férias no Ponto", "férias", products=[kb.ponto])
    assert [hit.article for hit in article_search(None, query="férias", product_id=kb.ponto.pk).hits] == [ponto]
