"""Ticket e-mails through the outbox (servicedesk.outbox): the event and the row that sends its
e-mails are one transaction; a broker outage loses nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from servicedesk.outbox import services as outbox
from servicedesk.outbox import tasks as outbox_tasks
from servicedesk.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from servicedesk.tickets import services
from servicedesk.tickets.models import NotificationLog, TicketEvent
from servicedesk.tickets.tests.factories import T0

H = timedelta(hours=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(settings):
    settings.OUTBOX_DELIVER_AT_ONCE = False


def test_the_events_emails_are_rows_sent_after_the_commit(world, after_commit, django_capture_on_commit_callbacks):
    ticket = world.open_problem()
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Corrigido.")
        [call] = OutboxMessage.objects.all()
        assert call.kind == OutboxKind.CALL and call.status == OutboxStatus.PENDING
    resolved = TicketEvent.objects.filter(ticket=ticket).latest("pk")
    call.refresh_from_db()
    assert call.payload == {"event_id": resolved.pk} and call.status == OutboxStatus.SENT
    emails = OutboxMessage.objects.filter(kind=OutboxKind.EMAIL)
    assert [(e.recipients, e.status) for e in emails] == [(world.customer.email, OutboxStatus.SENT)]
    assert [m.to for m in mail.outbox] == [[world.customer.email]]
    assert NotificationLog.objects.filter(event=resolved).count() == 1


def test_a_refused_act_writes_no_row(world, after_commit):
    from servicedesk.core.errors import DomainError

    ticket = world.open_problem()
    OutboxMessage.objects.all().delete()
    with pytest.raises(DomainError):
        services.ticket_confirm_solution(ticket=ticket, actor=world.customer, now=T0 + H)  # not resolved yet
    assert OutboxMessage.objects.count() == 0


def test_notifications_written_while_the_broker_is_down_are_sent_when_it_returns(
    world, after_commit, django_capture_on_commit_callbacks, monkeypatch
):
    class BrokerDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(outbox_tasks, "relay_outbox_message", BrokerDown())
        with django_capture_on_commit_callbacks(execute=True):
            ticket = world.open_problem()  # the customer's act succeeds
    assert ticket.pk and mail.outbox == []
    [call] = OutboxMessage.objects.all()
    assert call.status == OutboxStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_sweep(now=call.created_at + outbox.STUCK_AFTER) == 1
    call.refresh_from_db()
    assert call.status == OutboxStatus.SENT
    # "Recebemos seu chamado" to the customer and "Novo chamado" to the team, once each.
    assert {m.subject.split(":")[0] for m in mail.outbox} == {
        f"[#{ticket.pk}] Novo chamado na equipe",
        f"[#{ticket.pk}] Recebemos seu chamado",
    }
    sent = len(mail.outbox)
    outbox.outbox_deliver(call.pk)
    assert len(mail.outbox) == sent
