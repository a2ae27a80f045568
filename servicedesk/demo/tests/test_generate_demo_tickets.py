from datetime import timedelta

import pytest
from django.core.management import call_command

from servicedesk.sla.services import ticket_clocks
from servicedesk.tickets.models import Comment, Ticket, TicketEvent


@pytest.mark.django_db
def test_generate_demo_tickets_makes_consistent_tickets(demo):
    before = Ticket.objects.count()
    call_command("generate_demo_tickets", "--count", "50", "--messages-per-ticket", "2", "--seed", "7", verbosity=0)

    tickets = Ticket.objects.order_by("id")[before:]
    assert Ticket.objects.count() == before + 50
    generated = list(tickets)
    assert Comment.objects.filter(ticket__in=generated).count() == 100
    assert TicketEvent.objects.filter(ticket__in=generated, kind="opened").count() == 50
    assert len({t.status for t in generated}) >= 4
    assert len({t.organization_id for t in generated}) == 2
    for ticket in generated:
        assert ticket.sla_computed_at is not None
        # The stored columns are what the services would compute from the stored history.
        report = ticket_clocks(ticket, as_of=ticket.sla_computed_at)
        assert ticket.diagnosis_due_at == report.diagnosis.due_at
        assert ticket.solution_due_at == report.solution.due_at
        assert ticket.diagnosis_state == report.diagnosis.state
        assert ticket.solution_met_at == report.solution.met_at
        if ticket.sla_check_at is not None:
            assert ticket.sla_check_at > ticket.sla_computed_at - timedelta(seconds=1)
        if ticket.type != "Problema":
            assert ticket.severity == "Normal"
