"""Portal replies and ticket openings are limited per user (portal/urls.py, core/ratelimit.py):
over the limit a Portuguese 429 page, and nothing is written or mailed."""

import pytest
from django.core import mail
from django.test import override_settings

from servicedesk.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db


def question(folha, n: int) -> dict:
    return {
        "type": "Dúvida",
        "environment": "produção",
        "module": folha.pk,
        "title": f"Dúvida {n}",
        "description": "Como programar férias coletivas?",
    }


@override_settings(PORTAL_TICKETS_PER_HOUR=2)
def test_opening_tickets_is_limited_per_user(demo, login, folha):
    joana = login(demo["joana.acme"])
    assert [joana.post("/chamados/novo/", question(folha, n)).status_code for n in range(2)] == [302, 302]
    before, mails = Ticket.objects.count(), len(mail.outbox)
    refused = joana.post("/chamados/novo/", question(folha, 3))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    body = refused.content.decode()
    assert "Você fez muitas solicitações em pouco tempo. Nada foi alterado" in body
    assert Ticket.objects.count() == before and len(mail.outbox) == mails
    assert joana.get("/chamados/novo/").status_code == 200  # the form still opens
    # Another customer has their own count.
    rafael = login(demo["rafael.horizonte"])
    assert rafael.post("/chamados/novo/", question(folha, 4)).status_code == 302


@override_settings(PORTAL_REPLIES_PER_HOUR=2)
def test_replies_are_limited_per_user(demo, login, acme_ticket):
    joana = login(demo["joana.acme"])
    for n in range(2):
        acme_ticket.refresh_from_db()
        response = joana.post(
            f"/chamados/{acme_ticket.pk}/responder/",
            {"body": f"Mensagem {n}", "expected_revision": acme_ticket.revision},
        )
        assert response.status_code == 302
    acme_ticket.refresh_from_db()
    before, mails = Comment.objects.count(), len(mail.outbox)
    refused = joana.post(
        f"/chamados/{acme_ticket.pk}/responder/", {"body": "Mais uma", "expected_revision": acme_ticket.revision}
    )
    assert refused.status_code == 429
    assert "Nada foi alterado" in refused.content.decode()
    assert Comment.objects.count() == before and len(mail.outbox) == mails
    assert not Comment.objects.filter(body="Mais uma").exists()
