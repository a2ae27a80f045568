"""The service catalog (issue 10): the cards, each request's short form and its routing, the
rules of domain.md §3 kept (training, severities), Portuguese errors and nothing written on a
refusal."""

from __future__ import annotations

import pytest

from servicedesk.accounts.models import TeamKind
from servicedesk.catalog.models import Product
from servicedesk.portal.tests.conftest import png_upload
from servicedesk.requests import services as request_services
from servicedesk.tickets.models import Ticket, TicketCategory
from servicedesk.tickets.services.opening import EVIDENCE_REQUIRED, SEVERITY_REQUIRED

pytestmark = pytest.mark.django_db

CATALOG = "/chamados/abrir/"


def test_the_catalog_lists_the_six_cards(demo, login):
    html = login(demo["joana.acme"]).get(CATALOG).content.decode()
    for title, url in [
        ("Problema", "/chamados/abrir/problema/"),
        ("Dúvida", "/chamados/abrir/duvida/"),
        ("Solicitação de treinamento", "/chamados/abrir/treinamento/"),
        ("Proposta comercial", "/chamados/abrir/proposta/"),
        ("Chave de licença", "/chamados/abrir/chave-de-licenca/"),
        ("Sugestão de melhoria", "/sugestoes/nova/"),
    ]:
        assert title in html and f'href="{url}"' in html


def test_an_untrained_user_gets_only_training_and_suggestion(demo, login):
    client = login(demo["pedro.acme"])
    html = client.get(CATALOG).content.decode()
    assert 'href="/chamados/abrir/treinamento/"' in html and 'href="/sugestoes/nova/"' in html
    for url in ("/chamados/abrir/problema/", "/chamados/abrir/proposta/", "/chamados/abrir/chave-de-licenca/"):
        assert f'href="{url}"' not in html
    assert "Somente usuários treinados" in html
    product = Product.objects.get(code="weconnect-rh")
    response = client.post(
        "/chamados/abrir/chave-de-licenca/",
        {"product": product.pk, "environment": "produção", "server_identification": "SRV1"},
    )
    assert response.status_code == 200
    assert "Somente usuários treinados pela WeConnect podem abrir chamados" in response.content.decode()
    assert "Treinamento necessário" in client.get("/chamados/abrir/problema/").content.decode()
    assert not Ticket.objects.filter(requester=demo["pedro.acme"]).exists()


def test_staff_and_visitors_do_not_reach_the_catalog(demo, login, client):
    assert login(demo["ana.analista"]).get(CATALOG).status_code == 403
    assert client.get(CATALOG).status_code == 302


def test_the_problem_card_asks_no_type_and_keeps_the_problem_rules(demo, login, folha):
    client = login(demo["joana.acme"])
    html = client.get("/chamados/abrir/problema/").content.decode()
    assert 'name="type" value="Problema" checked hidden' in html
    assert 'hx-trigger="input changed delay:400ms"' in html
    before = Ticket.objects.count()
    # A posted type is ignored: this is the Problema form (severity and evidence required).
    response = client.post(
        "/chamados/abrir/problema/",
        {"type": "Dúvida", "module": folha.pk, "environment": "produção", "title": "Erro", "description": "x"},
    )
    html = response.content.decode()
    assert SEVERITY_REQUIRED in html and EVIDENCE_REQUIRED in html
    assert Ticket.objects.count() == before


def test_a_problem_opens_from_its_card(demo, login, folha):
    client = login(demo["joana.acme"])
    release = folha.product.releases.get(version="12.1.1")
    response = client.post(
        "/chamados/abrir/problema/",
        {
            "severity": "Alta",
            "module": folha.pk,
            "release": release.pk,
            "environment": "produção",
            "title": "Folha não fecha",
            "description": "Erro ao fechar a folha.",
            "files": [png_upload()],
        },
    )
    ticket = Ticket.objects.get(title="Folha não fecha")
    assert response.status_code == 302 and response["Location"] == f"/chamados/{ticket.pk}/"
    assert (ticket.type, ticket.severity) == ("Problema", "Alta")


def test_a_question_is_always_normal(demo, login, folha):
    client = login(demo["joana.acme"])
    client.post(
        "/chamados/abrir/duvida/",
        {"module": folha.pk, "environment": "produção", "title": "Como lançar?", "description": "Como?"},
    )
    ticket = Ticket.objects.get(title="Como lançar?")
    assert (ticket.type, ticket.severity) == ("Dúvida", "Normal")


def test_a_license_key_request_from_its_card_goes_to_the_team_of_chave(demo, login):
    client = login(demo["joana.acme"])
    product = Product.objects.get(code="weconnect-rh")
    html = client.get("/chamados/abrir/chave-de-licenca/").content.decode()
    assert "Identificação do servidor" in html and "Homologação" in html
    response = client.post(
        "/chamados/abrir/chave-de-licenca/",
        {"product": product.pk, "environment": "produção", "server_identification": "SRV-RH-01"},
    )
    ticket = Ticket.objects.get(category=TicketCategory.LICENSE_KEY)
    assert response["Location"] == f"/chamados/{ticket.pk}/"
    assert ticket.team.kind == TeamKind.COMMERCIAL and ticket.requester == demo["joana.acme"]
    assert "Identificação do servidor: SRV-RH-01" in ticket.description


def test_a_refused_license_key_form_shows_portuguese_errors_and_writes_nothing(demo, login):
    client = login(demo["joana.acme"])
    response = client.post("/chamados/abrir/chave-de-licenca/", {"product": "", "environment": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Não foi possível enviar o pedido." in html
    assert request_services.PRODUCT_REQUIRED in html and request_services.SERVER_REQUIRED in html
    assert not Ticket.objects.filter(category=TicketCategory.LICENSE_KEY).exists()


def test_a_key_for_another_organization_s_product_is_not_offered_nor_accepted(demo, login):
    other = Product.objects.create(code="outro", name="Produto de outro cliente")
    client = login(demo["joana.acme"])
    assert "Produto de outro cliente" not in client.get("/chamados/abrir/chave-de-licenca/").content.decode()
    client.post(
        "/chamados/abrir/chave-de-licenca/",
        {"product": other.pk, "environment": "produção", "server_identification": "SRV"},
    )
    assert not Ticket.objects.filter(category=TicketCategory.LICENSE_KEY).exists()


def test_a_proposal_request_from_its_card_goes_to_commercial(demo, login, folha):
    client = login(demo["joana.acme"])
    client.post(
        "/chamados/abrir/proposta/",
        {"module": folha.pk, "subject": "Implantação do eSocial", "details": "Três filiais."},
    )
    ticket = Ticket.objects.get(category=TicketCategory.PROPOSAL)
    assert ticket.team.kind == TeamKind.COMMERCIAL
    assert ticket.title == "Proposta comercial — Implantação do eSocial"
    response = client.post("/chamados/abrir/proposta/", {"module": "", "subject": "", "details": ""})
    assert request_services.PROPOSAL_SUBJECT_REQUIRED in response.content.decode()
    assert Ticket.objects.filter(category=TicketCategory.PROPOSAL).count() == 1


def test_a_training_request_from_its_card_also_for_the_untrained(demo, login, folha):
    client = login(demo["pedro.acme"])
    html = client.get("/chamados/abrir/treinamento/").content.decode()
    assert "Em qual módulo você quer ser treinado?" in html
    client.post("/chamados/abrir/treinamento/", {"module": folha.pk, "description": "Duas pessoas."})
    ticket = Ticket.objects.get(category=TicketCategory.TRAINING, requester=demo["pedro.acme"])
    assert ticket.team.kind == TeamKind.TRAINING
    response = client.post("/chamados/abrir/treinamento/", {"module": ""})
    assert "Este campo é obrigatório." in response.content.decode() or "obrigatório" in response.content.decode()
    assert Ticket.objects.filter(category=TicketCategory.TRAINING, requester=demo["pedro.acme"]).count() == 1


def test_another_organization_s_module_is_refused_on_a_proposal(demo, login):
    from servicedesk.catalog.models import Module

    other = Product.objects.create(code="outro", name="Outro")
    module = Module.objects.create(product=other, name="M")
    login(demo["joana.acme"]).post("/chamados/abrir/proposta/", {"module": module.pk, "subject": "A", "details": "B"})
    assert not Ticket.objects.filter(category=TicketCategory.PROPOSAL).exists()
