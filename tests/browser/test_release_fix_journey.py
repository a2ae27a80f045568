"""Release awareness in the browser (issue 11): maintenance links the demo Problema to the release
that fixes it and publishes it from the workspace; the requester then reads "Corrigido na versão"
on the portal."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_maintenance_links_and_publishes_and_the_customer_reads_the_fix(demo_live, page, login_as, live_server):
    from servicedesk.catalog.models import Product, Release
    from servicedesk.tickets.models import Ticket

    release = Release.objects.create(
        product=Product.objects.get(code="weconnect-rh"), version="12.2.0", released_on=date(2026, 12, 15)
    )
    ticket = Ticket.objects.get(organization__slug="acme", type="Problema")

    login_as("marcos.manutencao")
    page.goto(f"{live_server.url}/console/chamados/{ticket.pk}/")
    card = page.locator("#correcao")
    card.locator("select[name=release]").select_option(str(release.pk))
    card.get_by_role("button", name="Vincular versão").click()
    page.wait_for_load_state()
    assert "Correção prevista na versão 12.2.0" in page.locator("#correcao").inner_text()
    page.locator("#correcao").get_by_role("button", name="Publicar a versão 12.2.0").click()
    page.wait_for_load_state()
    assert "Corrigido na versão 12.2.0 (publicada em" in page.locator("#correcao").inner_text()

    page.context.clear_cookies()
    login_as("joana.acme")
    page.goto(f"{live_server.url}/chamados/{ticket.pk}/")
    assert "Corrigido na versão 12.2.0 (publicada em" in page.locator(".ticket-side").inner_text()
