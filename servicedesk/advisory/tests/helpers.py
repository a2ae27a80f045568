"""A small advisory world for the tests of every channel (services, API, console, portal).

Prices are typed here, and every expected figure in the tests is worked out by hand from them:
remote hour R$ 180,00, on-site hour R$ 150,00, fixed-price service R$ 2.500,00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from servicedesk.accounts.models import Role, User
from servicedesk.advisory import services
from servicedesk.advisory.models import Engagement, PriceItem, PriceUnit, Proposal
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import T0, CustomerFactory, StaffFactory, sp

H = timedelta(hours=1)
REMOTE, ONSITE, FIXED = "ASS-REMOTA", "ASS-PRESENCIAL", "IMPL-ESOCIAL"


@dataclass
class Advisory:
    world: object
    ticket: Ticket
    approver: User
    second_approver: User
    other_approver: User  # of another organization
    commercial: User
    analyst: User
    second_analyst: User
    maintenance: User

    @property
    def customer(self) -> User:
        return self.world.customer

    @property
    def manager(self) -> User:
        return self.world.manager

    def draft(
        self, *, billing="hora", modality="remota", hours="10", item=REMOTE, now=None, ticket=None, **kw
    ) -> Proposal:
        return services.proposal_draft(
            ticket=ticket or self.ticket,
            actor=kw.pop("actor", self.analyst),
            now=now or T0 + H,
            scope=kw.pop("scope", "Revisar a parametrização das horas extras na folha."),
            modality=modality,
            billing=billing,
            estimated_hours=hours,
            price_item=item,
        )

    def sent(self, **kw) -> Proposal:
        proposal = self.draft(**kw)
        return services.proposal_send(proposal=proposal, actor=self.analyst, now=T0 + 2 * H)

    def accepted(self, **kw) -> Engagement:
        proposal = self.sent(**kw)
        services.proposal_decide(proposal=proposal, actor=self.approver, now=T0 + 3 * H, decision="aceita")
        return Engagement.objects.select_related("proposal", "ticket").get(proposal=proposal)

    def log(self, engagement, start, end, activity="Ajuste das rubricas", analyst=None, actor=None):
        return services.time_entry_log(
            engagement=engagement,
            actor=actor or analyst or self.analyst,
            now=T0 + 4 * H,
            started_at=start,
            ended_at=end,
            activity=activity,
            analyst=analyst,
        )


def price_list() -> dict[str, PriceItem]:
    jan = date(2026, 1, 1)
    return {
        REMOTE: PriceItem.objects.create(
            code=REMOTE,
            description="Assessoria técnica remota",
            unit=PriceUnit.REMOTE_HOUR,
            price=Decimal("180.00"),
            valid_from=jan,
        ),
        ONSITE: PriceItem.objects.create(
            code=ONSITE,
            description="Assessoria técnica presencial",
            unit=PriceUnit.ON_SITE_HOUR,
            price=Decimal("150.00"),
            valid_from=jan,
        ),
        FIXED: PriceItem.objects.create(
            code=FIXED,
            description="Implantação do eSocial",
            unit=PriceUnit.SERVICE,
            price=Decimal("2500.00"),
            valid_from=jan,
        ),
    }


def build_advisory(world) -> Advisory:
    price_list()
    approver = CustomerFactory(username="helena", first_name="Helena", organization=world.org, is_approver=True)
    second = CustomerFactory(username="marcos", first_name="Marcos", organization=world.org, is_approver=True)
    other = CustomerFactory(username="otilia", organization=world.other_org, is_approver=True)
    commercial = StaffFactory(
        username="carol", first_name="Carolina", role=Role.COMMERCIAL, teams=[world.commercial_team]
    )
    second_analyst = StaffFactory(username="bruno", first_name="Bruno", teams=[world.team])
    maintenance = StaffFactory(username="mario", role=Role.MAINTENANCE)
    ticket = world.open_problem(severity="Alta")
    return Advisory(
        world=world,
        ticket=ticket,
        approver=approver,
        second_approver=second,
        other_approver=other,
        commercial=commercial,
        analyst=world.analyst,
        second_analyst=second_analyst,
        maintenance=maintenance,
    )


__all__ = ["FIXED", "ONSITE", "REMOTE", "T0", "Advisory", "H", "build_advisory", "price_list", "sp"]
