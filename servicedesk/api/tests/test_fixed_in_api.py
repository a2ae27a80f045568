"""PUT /tickets/{n}/fixed-in (issue 11, release awareness): staff with `ticket.fix_link` only;
problem+json errors with nothing changed; customers read `fixed_in` only once the release is
published, and another organization's customer never reaches the ticket or its fix."""

from __future__ import annotations

import json
from datetime import date

import pytest

from servicedesk.api.tests.conftest import API
from servicedesk.api.tests.test_errors import assert_problem
from servicedesk.catalog.models import Product, Release
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def put(api, path: str, body: dict):
    return api.client.put(API + path, data=json.dumps(body), content_type="application/json", headers=api._headers({}))


@pytest.fixture
def marcos(demo, as_user):
    return as_user(demo["marcos.manutencao"])


@pytest.fixture
def fix(demo) -> Release:
    return Release.objects.create(
        product=Product.objects.get(code="weconnect-rh"), version="12.2.0", released_on=date(2026, 12, 15)
    )


def _untouched(ticket: Ticket) -> bool:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return (
        fresh.fixed_in_id is None
        and fresh.revision == ticket.revision
        and not TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.FIX_LINKED, EventKind.FIX_RELEASED])
    )


def test_maintenance_links_the_fix_and_customers_see_it_once_published(marcos, joana, demo, acme_ticket, fix):
    response = put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk})
    assert response.status_code == 200, response.content
    assert response.json()["fixed_in"] == {
        "release": fix.pk,
        "product": "WeConnect RH",
        "version": "12.2.0",
        "published_at": None,
    }
    assert joana.get(f"/tickets/{acme_ticket.pk}").json()["fixed_in"] is None  # planned: not shown
    history = joana.get(f"/tickets/{acme_ticket.pk}/history").json()["items"]
    assert EventKind.FIX_LINKED not in {e["kind"] for e in history}

    services.release_publish(release=fix, actor=demo["admin"], now=clock.now())
    seen = joana.get(f"/tickets/{acme_ticket.pk}").json()["fixed_in"]
    assert (seen["version"], seen["release"]) == ("12.2.0", fix.pk) and seen["published_at"] is not None
    history = joana.get(f"/tickets/{acme_ticket.pk}/history").json()["items"]
    [published] = [e for e in history if e["kind"] == EventKind.FIX_RELEASED]
    assert set(published["data"]) == {"version", "product", "published_at"}


def test_the_same_release_twice_changes_nothing(marcos, acme_ticket, fix):
    assert put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk}).status_code == 200
    revision = Ticket.objects.get(pk=acme_ticket.pk).revision
    assert put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk}).status_code == 200
    assert Ticket.objects.get(pk=acme_ticket.pk).revision == revision
    assert TicketEvent.objects.filter(ticket=acme_ticket, kind=EventKind.FIX_LINKED).count() == 1


def test_customers_and_analysts_may_not_link(joana, ana, acme_ticket, fix):
    for caller in (joana, ana):
        body = assert_problem(put(caller, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk}), 403)
        assert body["detail"] == "Você não pode fazer isso neste chamado."
    assert _untouched(acme_ticket)


def test_another_organizations_customer_reaches_neither_the_ticket_nor_its_fix(rafael, demo, marcos, acme_ticket, fix):
    put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk})
    services.release_publish(release=fix, actor=demo["admin"], now=clock.now())
    assert_problem(rafael.get(f"/tickets/{acme_ticket.pk}"), 404)
    assert_problem(rafael.get(f"/tickets/{acme_ticket.pk}/history"), 404)
    assert_problem(put(rafael, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk}), 404)
    listed = rafael.get("/tickets").json()["items"]
    assert acme_ticket.pk not in {t["number"] for t in listed}


def test_not_a_problem_is_422_and_nothing_changes(marcos, demo, fix):
    question = Ticket.objects.filter(organization__slug="acme", type="Dúvida").first()
    body = assert_problem(put(marcos, f"/tickets/{question.pk}/fixed-in", {"release": fix.pk}), 422)
    assert body["detail"] == "Só um chamado do tipo Problema é corrigido em uma versão."
    assert _untouched(question)


def test_a_release_of_another_product_is_422_on_the_field(marcos, acme_ticket):
    other = Release.objects.get(product__code="weconnect-portal", version="5.4.1")
    body = assert_problem(put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": other.pk}), 422)
    assert body["errors"] == [
        {"field": "release", "reason": "A versão escolhida é de outro produto, não do produto deste chamado."}
    ]
    assert _untouched(acme_ticket)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"release": 987654}, 422),  # unknown release
        ({"release": 0}, 422),
        ({"release": "doze"}, 422),
        ({}, 422),
        ({"release": 1, "published_at": "2026-12-01T10:00:00-03:00"}, 422),  # a field the caller may not set
        ({"release": 2**70}, 422),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(marcos, acme_ticket, body, status):
    assert_problem(put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", body), status)
    assert _untouched(acme_ticket)


def test_a_stale_revision_is_409(marcos, acme_ticket, fix):
    stale = acme_ticket.revision - 1 if acme_ticket.revision > 1 else acme_ticket.revision + 5
    assert_problem(put(marcos, f"/tickets/{acme_ticket.pk}/fixed-in", {"release": fix.pk, "revision": stale}), 409)
    assert _untouched(acme_ticket)
