"""Article services: versions on every edit, who writes and who publishes, refusals change nothing."""

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core.errors import Conflict, DomainError, NotAllowed, NotFound
from servicedesk.knowledge import services
from servicedesk.knowledge.models import Article, ArticleStatus, ArticleVersion, Deflection, Visibility
from servicedesk.knowledge.rendering import markdown_html
from servicedesk.knowledge.services.articles import (
    CUSTOMERS_NEED_PRODUCT,
    RELEASE_RANGE_INVALID,
    REVIEWERS_ONLY,
    SLUG_TAKEN,
    TITLE_REQUIRED,
    WRITERS_ONLY,
)
from servicedesk.knowledge.services.feedback import CUSTOMERS_ONLY
from servicedesk.tickets.tests.factories import T0, StaffFactory

pytestmark = pytest.mark.django_db


def test_create_writes_a_draft_and_version_one(kb):
    article = services.article_create(actor=kb.analyst, title="  Cálculo  de férias ", body="Texto.", now=T0)
    assert (article.title, article.slug, article.status, article.version) == (
        "Cálculo de férias",
        "calculo-de-ferias",
        ArticleStatus.DRAFT,
        1,
    )
    (version,) = article.versions.all()
    assert (version.number, version.title, version.body, version.editor) == (
        1,
        "Cálculo de férias",
        "Texto.",
        kb.analyst,
    )
    again = services.article_create(actor=kb.analyst, title="Cálculo de férias", body="Outro.", now=T0)
    assert again.slug == "calculo-de-ferias-2"


def test_every_edit_is_a_version_and_no_change_is_none(kb):
    article = kb.article("Trocar a senha", "v1")
    services.article_update(article=article, actor=kb.analyst, now=T0, body="v2")
    services.article_update(article=article, actor=kb.manager, now=T0, title="Trocar a senha do usuário")
    services.article_update(article=article, actor=kb.manager, now=T0, title="Trocar a senha do usuário")
    article.refresh_from_db()
    assert article.version == 3 and article.slug == "trocar-a-senha"
    assert list(article.versions.order_by("number").values_list("number", "title", "body")) == [
        (1, "Trocar a senha", "v1"),
        (2, "Trocar a senha", "v2"),
        (3, "Trocar a senha do usuário", "v2"),
    ]


def test_a_stale_edit_is_a_conflict_and_changes_nothing(kb):
    article = kb.article("Trocar a senha", "v1")
    services.article_update(article=article, actor=kb.analyst, now=T0, body="v2", expected_version=1)
    with pytest.raises(Conflict):
        services.article_update(article=article, actor=kb.analyst, now=T0, body="v3", expected_version=1)
    article.refresh_from_db()
    assert (article.body, article.versions.count()) == ("v2", 2)


@pytest.mark.parametrize("role", [Role.MAINTENANCE, Role.COMMERCIAL])
def test_only_writers_write(kb, role):
    with pytest.raises(NotAllowed, match=WRITERS_ONLY):
        services.article_create(actor=StaffFactory(role=role), title="X", body="Y", now=T0)
    for user in (kb.customer, None):
        with pytest.raises(NotAllowed):
            services.article_create(actor=user, title="X", body="Y", now=T0)
    assert not Article.objects.exists()


def test_only_reviewers_publish_and_widen_a_published_article(kb):
    article = kb.article("Procedimento", "texto", visibility=Visibility.INTERNAL, publish=False)
    with pytest.raises(NotAllowed, match=REVIEWERS_ONLY):
        services.article_publish(article=article, actor=kb.analyst, now=T0)
    article.refresh_from_db()
    assert (article.status, article.reviewer, article.published_at) == (ArticleStatus.DRAFT, None, None)
    services.article_publish(article=article, actor=kb.manager, now=T0)
    article.refresh_from_db()
    assert (article.status, article.reviewer, article.published_at) == (ArticleStatus.PUBLISHED, kb.manager, T0)
    with pytest.raises(NotAllowed, match=REVIEWERS_ONLY):
        services.article_update(article=article, actor=kb.analyst, now=T0, visibility=Visibility.PUBLIC)
    article.refresh_from_db()
    assert (article.visibility, article.version) == (Visibility.INTERNAL, 1)
    with pytest.raises(Conflict):
        services.article_publish(article=article, actor=kb.manager, now=T0)
    services.article_archive(article=article, actor=kb.manager, now=T0)
    article.refresh_from_db()
    assert article.status == ArticleStatus.ARCHIVED


def test_a_customers_article_needs_a_product_to_be_published(kb):
    article = services.article_create(
        actor=kb.analyst, title="Sem produto", body="x", now=T0, visibility=Visibility.CUSTOMERS
    )
    with pytest.raises(DomainError, match=CUSTOMERS_NEED_PRODUCT):
        services.article_publish(article=article, actor=kb.manager, now=T0)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, TITLE_REQUIRED),
        ({"release_from": "12.2", "release_to": "12.1.10"}, RELEASE_RANGE_INVALID),
        ({"slug": "trocar-a-senha"}, SLUG_TAKEN),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(kb, fields, message):
    kb.article("Trocar a senha", "v1")
    values = {"title": "Novo", "body": "corpo", **fields}
    with pytest.raises(DomainError, match=message):
        services.article_create(actor=kb.analyst, now=T0, **values)
    assert Article.objects.count() == 1 and ArticleVersion.objects.count() == 1


def test_release_range_by_number_not_text(kb):
    article = services.article_create(
        actor=kb.analyst, title="Faixa", body="x", now=T0, release_from="12.1.9", release_to="12.1.10"
    )
    assert (article.release_from, article.release_to) == ("12.1.9", "12.1.10")


def test_deflection_is_recorded_for_a_customer_who_may_read_the_article(kb):
    article = kb.article("Trocar a senha", "Menu Segurança.")
    services.deflection_record(article=article, user=kb.customer, query="  não consigo   trocar a senha ", now=T0)
    (deflection,) = Deflection.objects.all()
    assert (deflection.user, deflection.article, deflection.query) == (
        kb.customer,
        article,
        "não consigo trocar a senha",
    )
    with pytest.raises(NotAllowed, match=CUSTOMERS_ONLY):
        services.deflection_record(article=article, user=kb.analyst, now=T0)
    folha = kb.article("Só Folha", "x", visibility=Visibility.CUSTOMERS, products=[kb.folha])
    with pytest.raises(NotFound):
        services.deflection_record(article=folha, user=kb.ponto_customer, now=T0)
    assert Deflection.objects.count() == 1


def test_markdown_is_rendered_and_sanitised():
    html = markdown_html(
        "# Título\n\n**negrito** <script>x</script> [a](https://exemplo.com.br) [b](javascript:alert(1))"
    )
    assert "<h1>Título</h1>" in html and "<strong>negrito</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html
    assert '<a href="https://exemplo.com.br" rel="noopener noreferrer nofollow">a</a>' in html
