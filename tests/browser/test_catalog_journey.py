"""The service catalog end to end in a real browser (issue 10): a customer opens "Abrir
chamado", picks Problema, types a title, sees the suggested article (htmx, after the typing
stops), opens it, marks it solved — a Deflection is recorded and no ticket is created; then she
asks for a license key from its card, which opens a Solicitação for the commercial team.

Artifacts: test-artifacts/screenshots/catalog-*.png, one per step.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"catalog-{name}.png"), full_page=True)


def test_a_suggested_article_spares_the_ticket_and_a_license_key_is_requested(demo_live, login_as, live_server):
    from servicedesk.demo.catalog_story import DEFLECTION_SLUG, DEFLECTION_TITLE, INTERNAL_TITLE, load_catalog_story
    from servicedesk.knowledge.models import Deflection
    from servicedesk.tickets.models import Ticket, TicketCategory

    load_catalog_story()
    tickets_before = Ticket.objects.count()
    page = login_as("joana.acme")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.click("nav.mainnav >> text=Abrir chamado")
    page.wait_for_url(f"{live_server.url}/chamados/abrir/")
    _shot(page, "1-catalog")
    page.click(".catalog-card >> text=Problema")
    page.wait_for_url(f"{live_server.url}/chamados/abrir/problema/")

    page.type("#id_title", "Horas extras não aparecem", delay=30)
    # The list answering the whole title (a pause while typing may have shown an earlier one).
    suggestion = page.locator(
        '#kb-suggestions a[href*="q=Horas%20extras%20n%C3%A3o%20aparecem"]', has_text="Horas extras"
    )
    suggestion.wait_for()
    assert INTERNAL_TITLE not in page.inner_text("#kb-suggestions")
    _shot(page, "2-suggested-article")

    with page.context.expect_page() as opened:
        suggestion.click()
    article = opened.value
    article.wait_for_load_state()
    assert f"/base-de-conhecimento/{DEFLECTION_SLUG}/" in article.url
    assert article.locator("h1", has_text=DEFLECTION_TITLE).is_visible()
    _shot(article, "3-article")
    article.click("#kb-solved")
    article.wait_for_url(f"{live_server.url}/")
    assert "Nenhum chamado foi aberto" in article.inner_text(".messages")
    _shot(article, "4-solved")

    deflection = Deflection.objects.get()
    assert (deflection.user.username, deflection.article.slug, deflection.query) == (
        "joana.acme",
        DEFLECTION_SLUG,
        "Horas extras não aparecem",
    )
    assert Ticket.objects.count() == tickets_before
    article.close()

    # A license key from its card.
    page.goto(f"{live_server.url}/chamados/abrir/")
    page.click(".catalog-card >> text=Chave de licença")
    page.click("#catalog-form button[type=submit]")  # empty: Portuguese errors, nothing written
    assert "Escolha o produto da licença." in page.inner_text("#catalog-form")
    assert "Informe a identificação do servidor" in page.inner_text("#catalog-form")
    _shot(page, "5-license-key-errors")
    page.select_option("#id_product", label="WeConnect RH")
    page.check("input[name=environment][value='homologação']")
    page.fill("#id_server_identification", "SRV-HML-01 (10.0.0.21)")
    page.click("#catalog-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/chamados/\d+/$"))
    _shot(page, "6-license-key-opened")
    ticket = Ticket.objects.get(category=TicketCategory.LICENSE_KEY)
    assert ticket.environment == "homologação" and ticket.team.kind == "commercial"
    assert "Identificação do servidor: SRV-HML-01 (10.0.0.21)" in page.inner_text("body")
    assert errors == []
