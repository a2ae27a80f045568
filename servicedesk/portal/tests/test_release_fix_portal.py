"""The portal's ticket page and release awareness (issue 11): "Corrigido na versão X (publicada em
dd/mm/aaaa)" once the release is published, nothing while it is only planned, the maintenance
team's internal note on the link never shown; another organization's customer gets 404 and never
finds the ticket by search."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from servicedesk.catalog.models import Product, Release
from servicedesk.tickets import services

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 3, 11, tzinfo=ZoneInfo("America/Sao_Paulo"))
SECRET = "Regressão no cálculo de horas extras desde o commit 4f2a (interno)"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Everything here happens at AT: the ticket opens then too (a ticket opened at the real time,
    later than AT, would make the fixed instants of the fixtures go back in time)."""
    from servicedesk.core import clock

    monkeypatch.setattr(clock, "now", lambda: AT)


@pytest.fixture
def fix(demo) -> Release:
    return Release.objects.create(
        product=Product.objects.get(code="weconnect-rh"), version="12.2.0", released_on=date(2026, 12, 15)
    )


@pytest.fixture
def linked(demo, acme_ticket, fix):
    maintenance = demo["marcos.manutencao"]
    services.ticket_comment_add(ticket=acme_ticket, author=maintenance, body=SECRET, internal=True, now=AT)
    services.ticket_fix_link(ticket=acme_ticket, release_id=fix.pk, actor=maintenance, now=AT)
    return acme_ticket


def test_the_planned_release_is_not_shown_to_the_customer(demo, login, linked):
    html = login(demo["joana.acme"]).get(f"/chamados/{linked.pk}/").content.decode()
    assert "12.2.0" not in html and "Correção prevista" not in html and "Corrigido na versão" not in html
    assert SECRET not in html


def test_the_published_fix_is_shown_on_the_ticket_page(demo, login, linked, fix):
    services.release_publish(release=fix, actor=demo["admin"], now=AT)
    for username in ("joana.acme", "lucia.acme"):
        html = login(demo[username]).get(f"/chamados/{linked.pk}/").content.decode()
        assert "Corrigido na versão 12.2.0 (publicada em 03/12/2026)" in html
        assert html.count("Corrigido na versão 12.2.0") == 2  # the details and the history
        assert SECRET not in html


def test_another_organizations_customer_sees_neither_the_ticket_nor_its_fix(demo, login, linked, fix):
    services.release_publish(release=fix, actor=demo["admin"], now=AT)
    client = login(demo["rafael.horizonte"])
    assert client.get(f"/chamados/{linked.pk}/").status_code == 404
    listing = client.get("/chamados/", {"q": linked.title, "estado": "todos"}).content.decode()
    assert f'href="/chamados/{linked.pk}/"' not in listing and "12.2.0" not in listing
    own = login(demo["joana.acme"]).get("/chamados/", {"q": linked.title, "estado": "todos"}).content.decode()
    assert f'href="/chamados/{linked.pk}/"' in own  # the same search finds it for its organization
