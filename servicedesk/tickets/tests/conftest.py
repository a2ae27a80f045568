"""Fixtures of the ticket lifecycle tests: one small world of organizations, people and catalog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from servicedesk.accounts.models import HostingMode, Role, Team, TeamKind, User
from servicedesk.catalog.models import Module, Product, Release
from servicedesk.sla.models import Plan
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import (
    T0,
    CustomerFactory,
    ModuleFactory,
    OrganizationFactory,
    ProductFactory,
    ReleaseFactory,
    StaffFactory,
    TeamFactory,
    png_upload,
)


@dataclass
class World:
    product: Product
    module: Module
    unlicensed_module: Module
    old_release: Release
    previous_patch: Release
    latest: Release
    team: Team
    training_team: Team
    commercial_team: Team
    org: object
    premium_org: object
    cloud_org: object
    other_org: object
    customer: User
    untrained: User
    premium_customer: User
    cloud_customer: User
    other_customer: User
    analyst: User
    manager: User

    def open_problem(self, *, requester: User | None = None, severity: str = "Alta", now=T0, **kwargs) -> Ticket:
        params = {
            "requester": requester or self.customer,
            "type": "Problema",
            "severity": severity,
            "environment": "produção",
            "module": self.module,
            "release": self.latest,
            "title": "Folha não calcula horas extras",
            "description": "Ao calcular a folha de novembro as horas extras não aparecem.",
            "files": [png_upload()],
            "now": now,
        }
        params.update(kwargs)
        return services.ticket_open(**params)

    def open_question(self, *, requester: User | None = None, now=T0, **kwargs) -> Ticket:
        params = {
            "requester": requester or self.customer,
            "type": "Dúvida",
            "severity": None,
            "environment": "produção",
            "module": self.module,
            "title": "Como programar férias coletivas?",
            "description": "Precisamos programar férias coletivas para dezembro.",
            "now": now,
        }
        params.update(kwargs)
        return services.ticket_open(**params)


@pytest.fixture
def world(db) -> World:
    product = ProductFactory(code="weconnect-rh", name="WeConnect RH")
    other_product = ProductFactory(code="outro", name="Outro produto")
    module = ModuleFactory(product=product, name="Folha de Pagamento")
    unlicensed_module = ModuleFactory(product=other_product, name="Módulo não licenciado")
    old_release = ReleaseFactory(product=product, version="12.0.0", released_on=date(2025, 6, 1))
    previous_patch = ReleaseFactory(product=product, version="12.1.0", released_on=date(2026, 3, 1))
    latest = ReleaseFactory(product=product, version="12.1.1", released_on=date(2026, 6, 1))
    team = TeamFactory(name="Suporte A")
    training_team = TeamFactory(name="Treinamento", kind=TeamKind.TRAINING)
    commercial_team = TeamFactory(name="Comercial", kind=TeamKind.COMMERCIAL)
    starter = Plan.objects.get(code="STARTER")
    premium = Plan.objects.get(code="PREMIUM")
    org = OrganizationFactory(slug="acme", plan=starter, support_team=team, products=[product])
    premium_org = OrganizationFactory(slug="horizonte", plan=premium, support_team=team, products=[product])
    cloud_org = OrganizationFactory(
        slug="nuvem",
        plan=premium,
        support_team=team,
        products=[product],
        hosting_mode=HostingMode.CLOUD,
        cloud_release=previous_patch,
    )
    other_org = OrganizationFactory(slug="outra", plan=starter, support_team=team, products=[product])
    analyst = StaffFactory(username="ana", teams=[team])
    manager = StaffFactory(username="gabriela", role=Role.MANAGER)
    team.managers.add(manager)
    return World(
        product=product,
        module=module,
        unlicensed_module=unlicensed_module,
        old_release=old_release,
        previous_patch=previous_patch,
        latest=latest,
        team=team,
        training_team=training_team,
        commercial_team=commercial_team,
        org=org,
        premium_org=premium_org,
        cloud_org=cloud_org,
        other_org=other_org,
        customer=CustomerFactory(username="joana", organization=org),
        untrained=CustomerFactory(username="pedro", organization=org, trained=False),
        premium_customer=CustomerFactory(username="rafael", organization=premium_org),
        cloud_customer=CustomerFactory(username="nina", organization=cloud_org),
        other_customer=CustomerFactory(username="otavio", organization=other_org),
        analyst=analyst,
        manager=manager,
    )


from servicedesk.core.tests.conftest import use_tasks  # noqa: E402,F401  (switch the task backend in a test)
