"""The knowledge base from the console to the portal in a real browser (issue 10): an analyst turns
a resolved ticket into a draft article (problem and solution prefilled, the internal note left
out), a reviewer publishes it, the customer finds it in the portal's knowledge base; on another
ticket the analyst finds the article from the workspace and inserts its link into the reply.

Artifacts: test-artifacts/screenshots/kb-*.png (every step) and kb-last-<user>.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from servicedesk.core import clock

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"kb-{name}.png"), full_page=True)


@pytest.fixture
def people(open_people):
    """One browser context per person (tests/browser/conftest.py), with CSP violations collected."""
    return open_people(_shot)


def _open_question(demo_live, title: str, description: str):
    from servicedesk.catalog.models import Module
    from servicedesk.tickets import services

    return services.ticket_open(
        requester=demo_live["joana.acme"],
        type="Dúvida",
        severity=None,
        environment="produção",
        module=Module.objects.get(product__code="weconnect-rh", name="Férias"),
        title=title,
        description=description,
        now=clock.now(),
    )


def test_a_resolved_ticket_becomes_a_published_article_the_customer_finds(demo_live, people, live_server):
    from servicedesk.knowledge.models import Article
    from servicedesk.tickets import services

    ticket = _open_question(
        demo_live,
        "Férias coletivas com abono pecuniário",
        "Como lançar férias coletivas quando parte da equipe vende dez dias de abono?",
    )
    analyst = demo_live["ana.analista"]
    services.ticket_comment_add(
        ticket=ticket, author=analyst, body="Nota: cliente com customização antiga.", now=clock.now(), internal=True
    )
    services.ticket_resolve(
        ticket=ticket,
        actor=analyst,
        now=clock.now(),
        note="Programe as férias coletivas e marque o abono pecuniário em cada funcionário antes de calcular.",
    )

    # 1. The analyst turns the resolved ticket into a draft article.
    ana = people("ana.analista")
    ana.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    ana.click("a:has-text('Transformar em artigo')")
    body = ana.input_value("#id_body")
    assert "vende dez dias de abono" in body
    assert "marque o abono pecuniário em cada funcionário" in body
    assert "customização antiga" not in body
    ana.select_option("#id_visibility", "clientes")
    _shot(ana, "1-draft-prefilled")
    ana.click("button:has-text('Criar rascunho')")
    ana.wait_for_selector(".kb-status:has-text('Rascunho')")
    assert ana.locator("button:has-text('Publicar')").count() == 0  # analysts write, reviewers publish
    _shot(ana, "2-draft-created")
    article = Article.objects.get(source_ticket=ticket)

    # 2. The reviewer publishes it.
    gabriela = people("gabriela.gestora")
    gabriela.goto(f"{live_server.url}/console/base-de-conhecimento/?situacao=rascunho")
    gabriela.click(f"a:has-text('{article.title}')")
    gabriela.click("button:has-text('Publicar')")
    gabriela.wait_for_selector(".kb-status:has-text('Publicada')")
    _shot(gabriela, "3-published")

    # 3. The customer (Acme licenses WeConnect RH) finds it in the portal and opens it.
    joana = people("joana.acme")
    joana.goto(f"{live_server.url}/base-de-conhecimento/?q=ferias+coletivas+abono")
    joana.wait_for_selector(".kb-results")
    _shot(joana, "4-customer-search")
    joana.click(".kb-results a")
    joana.wait_for_selector("h1:has-text('Férias coletivas com abono pecuniário')")
    assert "marque o abono pecuniário em cada funcionário" in joana.inner_text(".kb-body")
    assert "customização antiga" not in joana.content()
    _shot(joana, "5-customer-article")

    # 4. On a new ticket the analyst finds the article and inserts its link into the reply.
    other = _open_question(demo_live, "Abono de férias coletivas", "Como informar o abono nas férias coletivas?")
    ana.goto(f"{live_server.url}/console/chamados/{other.pk}/")
    ana.click("summary:has-text('Buscar na base de conhecimento')")
    with ana.expect_response(lambda response: "/base-de-conhecimento/" in response.url and "kbq=abono" in response.url):
        ana.fill("#kb-q", "abono coletivas")
    ana.wait_for_selector("#kb-results:not(.htmx-settling)")
    ana.click("button.kb-insert")
    assert f"/base-de-conhecimento/{article.slug}/" in ana.input_value("#id_reply_body")
    _shot(ana, "6-link-inserted")
    assert people.problems == []
