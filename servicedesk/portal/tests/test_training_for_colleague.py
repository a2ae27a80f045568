"""An approver requests training for a colleague from /organizacao/ (issue 8). The training
request's requester is the colleague, the person to be trained: the training team sees him as
the requester, he may act on it although untrained (domain.md §3), and the description says
which approver asked. Another organization's user is "not found"; nothing is created."""

import pytest

from servicedesk.accounts import services as account_services
from servicedesk.core import clock
from servicedesk.core.errors import NotAllowed, NotFound
from servicedesk.tickets.access import ticket_customer_actions
from servicedesk.tickets.models import Ticket, TicketCategory

pytestmark = pytest.mark.django_db


def test_the_approver_requests_training_for_an_untrained_colleague(demo, login, folha):
    lucia, pedro = demo["lucia.acme"], demo["pedro.acme"]
    client = login(lucia)
    response = client.post(
        "/organizacao/treinamento/",
        {"colleague": pedro.pk, "module": folha.pk, "description": "Disponível às terças."},
    )
    ticket = Ticket.objects.latest("id")
    assert response.status_code == 302 and response.url == f"/chamados/{ticket.pk}/"
    assert (ticket.requester, ticket.organization, ticket.category) == (
        pedro,
        lucia.organization,
        TicketCategory.TRAINING,
    )
    assert ticket.team.kind == "training" and ticket.module == folha
    assert ticket.description.splitlines() == [
        "Treinamento para: Pedro Alves (pedro.acme@demo.weconnect.example).",
        "Solicitado por Lúcia Barros, aprovador(a) da organização.",
        "",
        "Disponível às terças.",
    ]
    page = client.get(response.url).content.decode()
    assert "registrada para Pedro Alves" in page and "Solicitação de treinamento" in page
    # Pedro, untrained, may answer the training team on it (§3: a training request he opened).
    actions = ticket_customer_actions(pedro, ticket, now=clock.now(), reopen_pending=False)
    assert actions["reply"] and actions["cancel"]


def test_the_page_offers_it_on_the_colleagues_without_training(demo, login):
    pedro = demo["pedro.acme"]
    body = login(demo["lucia.acme"]).get("/organizacao/").content.decode()
    assert f'href="?treinar={pedro.pk}#treinamento"' in body
    assert f'href="?treinar={demo["joana.acme"].pk}#treinamento"' not in body  # Joana is trained
    chosen = login(demo["lucia.acme"]).get("/organizacao/", {"treinar": pedro.pk}).content.decode()
    assert f'<option value="{pedro.pk}" selected>' in chosen


def test_another_organizations_user_is_not_found_and_nothing_is_created(demo, login, folha):
    lucia, sofia = demo["lucia.acme"], demo["sofia.horizonte"]
    tickets = Ticket.objects.count()
    with pytest.raises(NotFound):
        account_services.access_colleague(lucia, sofia.pk)
    with pytest.raises(NotFound):
        account_services.access_colleague(lucia, demo["ana.analista"].pk)  # staff are nobody's colleague
    response = login(lucia).post("/organizacao/treinamento/", {"colleague": sofia.pk, "module": folha.pk})
    body = response.content.decode()
    assert response.status_code == 422 and "Sofia" not in body
    assert Ticket.objects.count() == tickets


def test_a_deactivated_colleague_is_not_found(demo):
    pedro = demo["pedro.acme"]
    pedro.is_active = False
    pedro.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        account_services.access_colleague(demo["lucia.acme"], pedro.pk)


@pytest.mark.parametrize("username", ["joana.acme", "pedro.acme"])
def test_only_approvers_request_training_for_others(demo, login, folha, username):
    tickets = Ticket.objects.count()
    with pytest.raises(NotAllowed):
        account_services.access_colleague(demo[username], demo["pedro.acme"].pk)
    response = login(demo[username]).post(
        "/organizacao/treinamento/", {"colleague": demo["pedro.acme"].pk, "module": folha.pk}
    )
    assert response.status_code == 403 and Ticket.objects.count() == tickets


def test_an_unlicensed_module_is_refused_on_the_field(demo, login):
    from servicedesk.catalog.models import Module, Product

    other = Product.objects.create(code="outro", name="Outro")
    module = Module.objects.create(product=other, name="Fora do contrato")
    tickets = Ticket.objects.count()
    response = login(demo["lucia.acme"]).post(
        "/organizacao/treinamento/", {"colleague": demo["pedro.acme"].pk, "module": module.pk}
    )
    assert response.status_code == 422 and "training_form" in response.context
    assert response.context["training_form"].errors["module"]
    assert Ticket.objects.count() == tickets


def test_the_approver_may_request_training_for_herself(demo):
    lucia = demo["lucia.acme"]
    colleague = account_services.access_colleague(lucia, lucia.pk)
    text = account_services.training_on_behalf_description(actor=lucia, colleague=colleague, notes="")
    assert text.startswith("Treinamento para: Lúcia Barros") and "Solicitado por" not in text
