"""Improvement suggestions in the portal (domain.md §10): a customer sends one, the
organization's list and page; another organization's suggestion is 404; XSS is escaped; the
staff note of a move never reaches the customer."""

from __future__ import annotations

import pytest
from django.core import mail

from servicedesk.catalog.models import Product
from servicedesk.core import clock
from servicedesk.suggestions import services
from servicedesk.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def make(demo, who="joana.acme", title="Exportar a folha em CSV", description="Para o BI."):
    return services.suggestion_create(
        author=demo[who],
        product=Product.objects.get(code="weconnect-rh"),
        title=title,
        description=description,
        now=clock.now(),
    )


def test_a_customer_sends_a_suggestion_from_the_catalog(demo, login, folha, acme_ticket):
    client = login(demo["pedro.acme"])  # untrained: a suggestion is not a ticket
    product = Product.objects.get(code="weconnect-rh")
    response = client.post(
        "/sugestoes/nova/",
        {
            "product": product.pk,
            "module": folha.pk,
            "title": "Exportar em CSV",
            "description": "Para o BI.",
            "ticket_numbers": f"#{acme_ticket.pk}",
        },
    )
    suggestion = Suggestion.objects.get()
    assert response["Location"] == f"/sugestoes/{suggestion.pk}/"
    assert list(suggestion.tickets.all()) == [acme_ticket]
    html = client.get(f"/sugestoes/{suggestion.pk}/").content.decode()
    assert "Exportar em CSV" in html and "Recebida" in html and f"#{acme_ticket.pk}" in html


def test_a_refused_suggestion_form_shows_portuguese_errors_and_writes_nothing(demo, login, horizonte_ticket):
    client = login(demo["joana.acme"])
    html = client.post("/sugestoes/nova/", {"product": "", "title": "", "description": ""}).content.decode()
    assert services.PRODUCT_REQUIRED in html and services.TITLE_REQUIRED in html
    assert services.DESCRIPTION_REQUIRED in html
    product = Product.objects.get(code="weconnect-rh")
    html = client.post(
        "/sugestoes/nova/",
        {"product": product.pk, "title": "A", "description": "B", "ticket_numbers": str(horizonte_ticket.pk)},
    ).content.decode()
    assert "Chamado não encontrado na sua organização." in html
    html = client.post(
        "/sugestoes/nova/", {"product": product.pk, "title": "A", "description": "B", "ticket_numbers": "abc"}
    ).content.decode()
    assert "Informe apenas números de chamados" in html
    assert not Suggestion.objects.exists()


def test_the_list_shows_the_organization_s_suggestions_only(demo, login):
    ours = make(demo, title="Sugestão da Acme")
    theirs = make(demo, who="rafael.horizonte", title="Sugestão do Horizonte")
    html = login(demo["lucia.acme"]).get("/sugestoes/").content.decode()
    assert ours.title in html and theirs.title not in html
    assert login(demo["lucia.acme"]).get(f"/sugestoes/{theirs.pk}/").status_code == 404
    assert login(demo["lucia.acme"]).get("/sugestoes/999999/").status_code == 404
    assert login(demo["ana.analista"]).get("/sugestoes/").status_code == 403


def test_title_and_description_are_escaped(demo, login):
    suggestion = make(demo, title=XSS, description=XSS)
    for url in ("/sugestoes/", f"/sugestoes/{suggestion.pk}/"):
        html = login(demo["joana.acme"]).get(url).content.decode()
        assert '<script>alert("x")' not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_the_customer_reads_the_refusal_reason_but_not_a_staff_note(demo, login, django_capture_on_commit_callbacks):
    suggestion = make(demo)
    analyst = demo["ana.analista"]
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_move(
            suggestion=suggestion, actor=analyst, to="em análise", reason="nota interna XYZ", now=clock.now()
        )
        services.suggestion_move(
            suggestion=suggestion, actor=analyst, to="recusada", reason="Fora do escopo do produto.", now=clock.now()
        )
    html = login(demo["joana.acme"]).get(f"/sugestoes/{suggestion.pk}/").content.decode()
    assert "Fora do escopo do produto." in html and "Recusada" in html
    assert "nota interna XYZ" not in html and "Ana" not in html and "Equipe WeConnect" in html
    # E-mails: only to the author, never the staff note.
    assert {address for m in mail.outbox for address in m.to} == {demo["joana.acme"].email}
    assert all("nota interna XYZ" not in m.body for m in mail.outbox)
    assert all("nota interna XYZ" not in m.alternatives[0][0] for m in mail.outbox)
    assert "Fora do escopo do produto." in mail.outbox[-1].body


def test_the_e_mail_escapes_the_title_in_html(demo, django_capture_on_commit_callbacks):
    suggestion = make(demo, title=XSS)
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_move(suggestion=suggestion, actor=demo["ana.analista"], to="em análise", now=clock.now())
    html = mail.outbox[0].alternatives[0][0]
    assert '<script>alert("x")' not in html and "&lt;script&gt;" in html
    assert "\n" not in mail.outbox[0].subject
