"""Release awareness under races, on PostgreSQL row locks (issue 11): two workers publishing the
same release at once, and a link racing a publish, announce each ticket exactly once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections

from servicedesk.accounts.models import Role
from servicedesk.tickets import services
from servicedesk.tickets.models import EventKind, FixAnnouncement, NotificationLog, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import T0, ReleaseFactory, StaffFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]
H = timedelta(hours=1)


def at_once(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    errors: list = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_workers_publishing_at_once_announce_each_ticket_once(world):
    maintenance = StaffFactory(username="marcos", role=Role.MAINTENANCE)
    admin = StaffFactory(username="root", role=Role.ADMIN)
    release = ReleaseFactory(product=world.product, version="12.2", released_on=date(2026, 12, 10), published_at=None)
    tickets = [world.open_problem(), world.open_problem(requester=world.premium_customer)]
    for ticket in tickets:
        services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=maintenance, now=T0 + H)

    errors = at_once(
        lambda: services.release_publish(release=release, actor=maintenance, now=T0 + 2 * H),
        lambda: services.release_publish(release=release, actor=admin, now=T0 + 2 * H),
    )
    assert errors == []
    assert FixAnnouncement.objects.filter(release=release).count() == 2
    assert TicketEvent.objects.filter(kind=EventKind.FIX_RELEASED).count() == 2
    told = NotificationLog.objects.filter(event__kind=EventKind.FIX_RELEASED)
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [world.customer.email, world.premium_customer.email]
    )


def test_a_link_racing_the_publish_is_announced_exactly_once(world):
    maintenance = StaffFactory(username="marcos", role=Role.MAINTENANCE)
    admin = StaffFactory(username="root", role=Role.ADMIN)
    release = ReleaseFactory(product=world.product, version="12.2", released_on=date(2026, 12, 10), published_at=None)
    ticket = world.open_problem()

    errors = at_once(
        lambda: services.ticket_fix_link(
            ticket=Ticket.objects.get(pk=ticket.pk), release_id=release.pk, actor=maintenance, now=T0 + H
        ),
        lambda: services.release_publish(release=release, actor=admin, now=T0 + H),
    )
    assert errors == []
    assert Ticket.objects.get(pk=ticket.pk).fixed_in_id == release.pk
    assert FixAnnouncement.objects.filter(ticket=ticket, release=release).count() == 1
    assert NotificationLog.objects.filter(event__kind=EventKind.FIX_RELEASED).count() == 1
