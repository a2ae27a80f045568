import pytest
from django.utils import timezone

from servicedesk.tickets.models import Ticket


@pytest.fixture
def ticket(demo):
    """The demo Problema of Banco Horizonte (PREMIUM)."""
    return Ticket.objects.filter(organization__slug="horizonte", type="Problema").get()


@pytest.fixture
def now():
    return timezone.now()
