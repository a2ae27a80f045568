"""The catalog demo (issue 10): the article the Problema form suggests for "horas extras", an
internal one it never suggests, three suggestions at different stages; loading twice adds nothing."""

import pytest

from servicedesk.demo.catalog_story import DEFLECTION_SLUG, INTERNAL_SLUG, load_catalog_story
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.search import article_search
from servicedesk.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


def test_the_demo_deflection_finds_the_article_and_never_the_internal_one(demo):
    load_catalog_story()
    load_catalog_story()
    found = article_search(demo["joana.acme"], query="Horas extras não aparecem", limit=3)
    assert [hit.article.slug for hit in found.hits] == [DEFLECTION_SLUG]
    assert [hit.article.slug for hit in article_search(demo["joana.acme"], query="horas extras").hits] == [
        DEFLECTION_SLUG
    ]
    assert INTERNAL_SLUG in {h.article.slug for h in article_search(demo["ana.analista"], query="horas extras").hits}
    assert Article.objects.count() == 2
    assert sorted(Suggestion.objects.values_list("organization__slug", "status")) == [
        ("acme", "em análise"),
        ("acme", "planejada"),
        ("horizonte", "recebida"),
    ]
