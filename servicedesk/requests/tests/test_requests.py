"""The catalog's requests (domain.md §3): a license key and a commercial proposal, routed to
their teams through ticket_open; every refusal reports all its fields and writes nothing."""

from __future__ import annotations

import pytest

from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.requests import services
from servicedesk.sla.engine.policy import Severity, TicketType
from servicedesk.tickets.models import Ticket, TicketCategory
from servicedesk.tickets.services.opening import TICKET_USER_NOT_TRAINED
from servicedesk.tickets.tests.conftest import world  # noqa: F401
from servicedesk.tickets.tests.factories import T0, ModuleFactory, ProductFactory

pytestmark = pytest.mark.django_db


def key(world, **kwargs):  # noqa: F811
    params = {
        "requester": world.customer,
        "product": world.product,
        "environment": "homologação",
        "server_identification": "SRV-RH-02 (10.0.0.12)",
        "notes": "Servidor novo de homologação.",
        "now": T0,
    }
    params.update(kwargs)
    return services.license_key_request(**params)


def test_a_license_key_request_is_a_normal_solicitation_for_the_commercial_team(world):  # noqa: F811
    ticket = key(world)
    assert (ticket.type, ticket.severity, ticket.category) == (
        TicketType.REQUEST,
        Severity.NORMAL,
        TicketCategory.LICENSE_KEY,
    )
    assert ticket.environment == "homologação"
    # No licensing team kind exists: the key goes where tickets.services.opening sends "chave".
    assert ticket.team == world.commercial_team
    assert ticket.module == world.module  # the product's first module
    assert ticket.title == "Chave de licença — WeConnect RH (homologação)"
    assert ticket.description == (
        "Produto: WeConnect RH\nAmbiente: homologação\nIdentificação do servidor: SRV-RH-02 (10.0.0.12)"
        "\n\nObservações: Servidor novo de homologação."
    )


def test_a_license_key_request_reports_every_missing_field_and_writes_nothing(world):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        key(world, product=None, environment="desenvolvimento", server_identification="  \n ")
    assert refused.value.fields == {
        "product": services.PRODUCT_REQUIRED,
        "environment": services.ENVIRONMENT_REQUIRED,
        "server_identification": services.SERVER_REQUIRED,
    }
    assert not Ticket.objects.exists()


def test_a_key_for_a_product_the_organization_does_not_license_is_refused(world):  # noqa: F811
    other = ProductFactory(code="ponto", name="Ponto")
    ModuleFactory(product=other, name="Marcações")
    with pytest.raises(DomainError) as refused:
        key(world, product=other)
    assert refused.value.fields == {"product": services.PRODUCT_NOT_LICENSED}
    with pytest.raises(DomainError) as too_long:
        key(world, server_identification="x" * 201)
    assert too_long.value.fields == {"server_identification": services.SERVER_TOO_LONG}
    assert not Ticket.objects.exists()


def test_the_server_identification_is_one_line(world):  # noqa: F811
    ticket = key(world, server_identification="SRV\r\nBcc: x@y", notes="")
    assert "Identificação do servidor: SRV Bcc: x@y" in ticket.description
    assert "Observações" not in ticket.description


def test_an_untrained_user_cannot_ask_for_a_key_or_a_proposal(world):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        key(world, requester=world.untrained)
    assert refused.value.message == TICKET_USER_NOT_TRAINED
    with pytest.raises(DomainError) as refused:
        services.proposal_request(
            requester=world.untrained, module=world.module, subject="Treinamento", details="x", now=T0
        )
    assert refused.value.message == TICKET_USER_NOT_TRAINED
    assert not Ticket.objects.exists()


def test_staff_do_not_open_requests(world):  # noqa: F811
    with pytest.raises(NotAllowed):
        key(world, requester=world.analyst)
    assert not Ticket.objects.exists()


def test_a_proposal_request_says_what_is_to_be_proposed_and_goes_to_commercial(world):  # noqa: F811
    ticket = services.proposal_request(
        requester=world.customer,
        module=world.module,
        subject="Implantação do eSocial",
        details="Precisamos implantar o eSocial em 3 filiais até março.",
        now=T0,
    )
    assert (ticket.type, ticket.category, ticket.team) == (
        TicketType.REQUEST,
        TicketCategory.PROPOSAL,
        world.commercial_team,
    )
    assert ticket.title == "Proposta comercial — Implantação do eSocial"
    assert ticket.description.startswith("O que deve ser proposto: Implantação do eSocial\n\nPrecisamos")


def test_a_proposal_request_needs_subject_details_and_a_licensed_module(world):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        services.proposal_request(requester=world.customer, module=None, subject=" ", details="", now=T0)
    assert refused.value.fields == {
        "module": services.MODULE_REQUIRED,
        "subject": services.PROPOSAL_SUBJECT_REQUIRED,
        "details": services.PROPOSAL_DETAILS_REQUIRED,
    }
    with pytest.raises(DomainError) as unlicensed:
        services.proposal_request(
            requester=world.customer, module=world.unlicensed_module, subject="A", details="B", now=T0
        )
    assert "module" in unlicensed.value.fields
    assert not Ticket.objects.exists()
