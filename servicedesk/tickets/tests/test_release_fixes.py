"""Release awareness (issue 11): maintenance links a Problema to the release that fixes it; when the
release is published the requester and the organization's approvers are told once per ticket and
release; customers see the fix only once published; the link is an internal history event.

The world: Acme (joana) and Horizonte (rafael) license WeConnect RH; T0 = Tue 1 Dec 2026 10:00.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings

from servicedesk.accounts.models import Role
from servicedesk.catalog.models import Release
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.tickets import services
from servicedesk.tickets.access import event_queryset_for, fix_release_for
from servicedesk.tickets.history import event_data_for
from servicedesk.tickets.models import EventKind, FixAnnouncement, Ticket
from servicedesk.tickets.tests.factories import T0, CustomerFactory, ProductFactory, ReleaseFactory, StaffFactory

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
SITE = "https://suporte.weconnect.example"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def people(world):
    class People:
        maintenance = StaffFactory(username="marcos", role=Role.MAINTENANCE)
        admin = StaffFactory(username="root", role=Role.ADMIN)
        commercial = StaffFactory(username="carol", role=Role.COMMERCIAL)
        lucia = CustomerFactory(username="lucia", organization=world.org, is_approver=True)
        colleague = CustomerFactory(username="paulo", organization=world.org)
        helena = CustomerFactory(username="helena", organization=world.premium_org, is_approver=True)
        gone = CustomerFactory(username="ex", organization=world.org, is_approver=True, is_active=False)

    return People


@pytest.fixture
def release(world):
    return ReleaseFactory(product=world.product, version="12.2", released_on=date(2026, 12, 10), published_at=None)


def _events(ticket, kind):
    return list(ticket.events.filter(kind=kind))


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


# --------------------------------------------------------------------------- the link


def test_maintenance_links_a_problem_to_a_release_as_an_internal_event(world, people, release, on_commit):
    ticket = world.open_problem()
    mail.outbox.clear()
    before = ticket.revision
    on_commit(
        lambda: services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    )
    ticket.refresh_from_db()
    assert ticket.fixed_in_id == release.pk
    assert ticket.revision == before + 1
    [event] = _events(ticket, EventKind.FIX_LINKED)
    assert (event.actor, event.at, event.public) == (people.maintenance, T0 + H, False)
    assert event.data["version"] == "12.2"
    assert ticket.status == "NOVO"  # not a status move
    # Unpublished: nobody is told yet, and the customer does not see it.
    assert mail.outbox == []
    assert fix_release_for(world.customer, ticket) is None
    assert fix_release_for(people.maintenance, ticket) == release
    assert not event_queryset_for(world.customer, ticket).filter(kind=EventKind.FIX_LINKED).exists()


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_administrators_link_too(world, people, release, role):
    actor = world.manager if role == "manager" else people.admin
    ticket = world.open_problem()
    services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=actor, now=T0 + H)
    assert Ticket.objects.get(pk=ticket.pk).fixed_in_id == release.pk


def _unchanged(ticket):
    fresh = Ticket.objects.get(pk=ticket.pk)
    return fresh.fixed_in_id is None and fresh.revision == ticket.revision and not _events(fresh, EventKind.FIX_LINKED)


@pytest.mark.parametrize("who", ["analyst", "commercial", "customer"])
def test_analysts_commercial_and_customers_cannot_link(world, people, release, who):
    actor = {"analyst": world.analyst, "commercial": people.commercial, "customer": world.customer}[who]
    ticket = world.open_problem()
    with pytest.raises(NotAllowed):
        services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=actor, now=T0 + H)
    assert _unchanged(ticket)


def test_only_a_problema_is_fixed_in_a_release(world, people, release):
    ticket = world.open_question()
    with pytest.raises(DomainError) as refused:
        services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    assert refused.value.message == services.FIX_PROBLEMS_ONLY
    assert _unchanged(ticket)


def test_the_release_must_be_of_the_tickets_product(world, people):
    other = ReleaseFactory(
        product=ProductFactory(code="ponto", name="WeConnect Ponto"), version="3.0", published_at=None
    )
    ticket = world.open_problem()
    with pytest.raises(DomainError) as refused:
        services.ticket_fix_link(ticket=ticket, release_id=other.pk, actor=people.maintenance, now=T0 + H)
    assert refused.value.message == services.FIX_RELEASE_OTHER_PRODUCT
    assert refused.value.fields == {"release": services.FIX_RELEASE_OTHER_PRODUCT}
    assert _unchanged(ticket)


def test_an_unknown_release_is_refused(world, people):
    ticket = world.open_problem()
    with pytest.raises(DomainError) as refused:
        services.ticket_fix_link(ticket=ticket, release_id=999_999, actor=people.maintenance, now=T0 + H)
    assert refused.value.message == services.FIX_RELEASE_UNKNOWN
    assert _unchanged(ticket)


# --------------------------------------------------------------------------- publish and announce


@override_settings(SITE_URL=SITE)
def test_publishing_tells_the_requester_and_that_organizations_approvers_once(world, people, release, on_commit):
    acme = world.open_problem()
    horizonte = world.open_problem(requester=world.premium_customer)
    for ticket in (acme, horizonte):
        services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    mail.outbox.clear()

    on_commit(lambda: services.release_publish(release=release, actor=people.maintenance, now=T0 + 2 * H))
    on_commit(lambda: services.release_publish(release=release, actor=people.admin, now=T0 + 5 * H))

    release.refresh_from_db()
    assert (release.published_at, release.published_by) == (T0 + 2 * H, people.maintenance)  # the first publish
    # Acme: joana (requester) and lucia (approver) — not the colleague, not the inactive approver;
    # Horizonte: rafael and helena. One e-mail each, although publish ran twice.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.customer.email, people.lucia.email, world.premium_customer.email, people.helena.email]
    )
    [to_joana] = _to(world.customer.email)
    assert to_joana.subject == f"[#{acme.pk}] Corrigido na versão 12.2: {acme.title}"
    assert "corrigido na versão 12.2 de WeConnect RH, publicada em 01/12/2026" in to_joana.body
    assert f"{SITE}/chamados/{acme.pk}/" in to_joana.body
    html = to_joana.alternatives[0][0]
    assert "corrigido na versão 12.2" in html and f'href="{SITE}/chamados/{acme.pk}/"' in html
    [to_lucia] = _to(people.lucia.email)
    assert f"/chamados/{acme.pk}/" in to_lucia.body and f"/chamados/{horizonte.pk}/" not in to_lucia.body
    [to_helena] = _to(people.helena.email)
    assert f"/chamados/{horizonte.pk}/" in to_helena.body and f"/chamados/{acme.pk}/" not in to_helena.body
    assert FixAnnouncement.objects.filter(release=release).count() == 2
    for ticket in (acme, horizonte):
        [event] = _events(ticket, EventKind.FIX_RELEASED)
        assert event.public and event.at == T0 + 2 * H


def test_linking_to_a_published_release_announces_at_once_and_relinking_never_again(world, people, release, on_commit):
    services.release_publish(release=release, actor=people.admin, now=T0)
    ticket = world.open_problem()
    mail.outbox.clear()
    on_commit(
        lambda: services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.customer.email, people.lucia.email])
    # Away to another release and back: this ticket and this release were announced already.
    newer = ReleaseFactory(product=world.product, version="12.3", published_at=None)
    for target in (newer, release):
        fresh = Ticket.objects.get(pk=ticket.pk)
        on_commit(
            lambda t=fresh, r=target: services.ticket_fix_link(
                ticket=t, release_id=r.pk, actor=people.maintenance, now=T0 + 2 * H
            )
        )
    on_commit(lambda: services.release_publish(release=release, actor=people.admin, now=T0 + 3 * H))
    assert len(mail.outbox) == 2
    assert len(_events(ticket, EventKind.FIX_RELEASED)) == 1


def test_one_announcement_per_ticket_and_release_is_a_database_rule(world, people, release):
    services.release_publish(release=release, actor=people.admin, now=T0)
    ticket = world.open_problem()
    services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    first = FixAnnouncement.objects.get(ticket=ticket)
    with pytest.raises(IntegrityError), transaction.atomic():
        FixAnnouncement.objects.create(ticket=ticket, release=release, event=first.event, announced_at=T0)
    # And the service, called again for a ticket already told, writes nothing.
    locked = Ticket.objects.get(pk=ticket.pk)
    assert services.ticket_fix_announce(ticket=locked, release=release, actor=None, now=T0 + 2 * H) is None
    assert len(_events(ticket, EventKind.FIX_RELEASED)) == 1


@pytest.mark.parametrize("who", ["analyst", "manager", "customer"])
def test_only_maintenance_and_administrators_publish(world, release, who):
    actor = {"analyst": world.analyst, "manager": world.manager, "customer": world.customer}[who]
    with pytest.raises(NotAllowed):
        services.release_publish(release=release, actor=actor, now=T0)
    assert Release.objects.get(pk=release.pk).published_at is None


def test_customers_read_the_published_fix_but_not_the_link(world, people, release):
    ticket = world.open_problem()
    services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    services.release_publish(release=release, actor=people.maintenance, now=T0 + 2 * H)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert fix_release_for(world.customer, ticket) == release
    kinds = [e.kind for e in event_queryset_for(world.customer, ticket)]
    assert EventKind.FIX_RELEASED in kinds and EventKind.FIX_LINKED not in kinds
    [published] = _events(ticket, EventKind.FIX_RELEASED)
    assert set(event_data_for(world.customer, published)) == {"version", "product", "published_at"}


def test_the_back_office_action_publishes_and_announces(world, people, release, admin_client, on_commit):
    ticket = world.open_problem()
    services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    mail.outbox.clear()
    on_commit(
        lambda: admin_client.post(
            "/admin/catalog/release/", {"action": "publish", "_selected_action": [release.pk]}, follow=True
        )
    )
    assert Release.objects.get(pk=release.pk).published_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.customer.email, people.lucia.email])
    # The publication columns are not editable in the back office.
    form = admin_client.get(f"/admin/catalog/release/{release.pk}/change/").content.decode()
    assert 'name="published_at"' not in form and 'name="version"' in form


def test_the_email_carries_no_internal_note_and_tells_cloud_customers_they_are_updated(
    world, people, release, on_commit
):
    secret = "Causa: índice corrompido na tabela de eventos (interno)"
    acme = world.open_problem()
    cloud = world.open_problem(requester=world.cloud_customer, release=None, version_text="")
    for ticket in (acme, cloud):
        services.ticket_comment_add(ticket=ticket, author=people.maintenance, body=secret, internal=True, now=T0 + H)
        services.ticket_fix_link(ticket=ticket, release_id=release.pk, actor=people.maintenance, now=T0 + H)
    mail.outbox.clear()
    on_commit(lambda: services.release_publish(release=release, actor=people.maintenance, now=T0 + 2 * H))
    for message in mail.outbox:
        assert secret not in message.body and secret not in message.alternatives[0][0]
    [on_premise] = _to(world.customer.email)
    assert "Atualize o sistema para essa versão" in on_premise.body
    [in_the_cloud] = _to(world.cloud_customer.email)
    assert "a WeConnect atualiza o ambiente" in in_the_cloud.body
    assert "Atualize o sistema" not in in_the_cloud.body
