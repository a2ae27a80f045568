"""The one normaliser and stemmer (knowledge.text): the tokens SQLite and PostgreSQL both index."""

import pytest

from servicedesk.knowledge.text import highlight, query_terms, snippet, term, terms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("férias", "ferias"),  # accents
        ("cálculos", "cálculo"),  # plural in -s
        ("calcular", "cálculo"),  # verb forms
        ("calculando", "calculado"),
        ("configurações", "configuração"),  # -ões → -ão (the stock stemmer keeps them apart)
        ("configuracoes", "configuração"),
        ("pães", "pão"),  # -ães → -ão
        ("cidadãos", "cidadão"),  # -ãos → -ão
        ("fiscais", "fiscal"),  # -ais → -al
        ("papéis", "papel"),  # -éis → -el
        ("itens", "item"),  # -ns → -m
        ("IMPRESSÕES", "impressão"),
    ],
)
def test_words_that_must_meet(a, b):
    assert term(a) == term(b)


def test_different_words_stay_apart():
    assert term("férias") != term("feriado") or term("férias") != term("ferro")
    assert term("senha") != term("sinal")


def test_function_words_are_dropped_from_queries_and_documents():
    assert query_terms("Como calcular as férias?") == [term("calcular"), term("férias")]
    assert terms("de a o para com") == []


def test_query_terms_are_distinct_and_bounded():
    assert query_terms("férias ferias FÉRIAS") == [term("férias")]
    assert len(query_terms(" ".join(f"palavra{n}" for n in range(20)))) == 8
    assert query_terms("\x00 ;; -- ") == []


def test_snippet_is_escaped_and_marks_the_words():
    text = "Antes <b>x</b> o cálculo das férias & do terço."
    wanted = {term("férias")}
    assert snippet(text, wanted) == "Antes &lt;b&gt;x&lt;/b&gt; o cálculo das <mark>férias</mark> &amp; do terço."
    assert highlight("<i>Férias</i>", wanted) == "&lt;i&gt;<mark>Férias</mark>&lt;/i&gt;"


def test_snippet_is_a_window_around_the_first_match():
    text = " ".join(f"w{n}" for n in range(100)) + " férias " + " ".join(f"z{n}" for n in range(100))
    result = snippet(text, {term("férias")}, width=5, before=2)
    assert result == "… w98 w99 <mark>férias</mark> z0 z1 …"
