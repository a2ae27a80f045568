import pytest
from django.test import Client

from servicedesk.tickets.models import Ticket


@pytest.fixture
def as_user(demo):
    """A logged-in test client for a demo username."""

    def make(username: str, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(demo[username])
        return client

    return make


@pytest.fixture
def problem(demo):
    """The demo Problema of Acme (STARTER), NOVO, team A."""
    return Ticket.objects.filter(organization__slug="acme", type="Problema").get()


@pytest.fixture
def open_tickets(demo):
    """Open `n` Dúvidas through the service (alternating Acme and Horizonte), optionally assigned."""
    from datetime import timedelta

    from django.utils import timezone

    from servicedesk.catalog.models import Module
    from servicedesk.tickets import services

    module = Module.objects.get(product__code="weconnect-rh", name="Férias")

    def make(n: int, *, assignee=None, title: str = "Dúvida {i}", now=None, requester=None) -> list[Ticket]:
        start = now or timezone.now()
        made = []
        for i in range(n):
            ticket = services.ticket_open(
                requester=requester or demo["joana.acme" if i % 2 else "rafael.horizonte"],
                type="Dúvida",
                severity=None,
                environment="produção",
                module=module,
                title=title.format(i=i),
                description=f"Descrição {i}",
                now=start - timedelta(minutes=i),
            )
            if assignee is not None:
                ticket = services.ticket_assign(ticket=ticket, actor=assignee, assignee=assignee, now=start)
            made.append(ticket)
        return made

    return make


from servicedesk.tickets.tests.conftest import world  # noqa: E402,F401  (the tickets' test world)
