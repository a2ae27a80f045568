"""Word search (issue 8), one selector for the portal, the console and the API, on both
databases: every word in any order, accents and case ignored, word prefixes; title, description,
public messages, organization and requester; internal notes for staff only; a ticket number
first; never another organization's ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.api.selectors import ticket_list
from servicedesk.console.selectors import QueueFilters, queue_tickets
from servicedesk.portal.selectors import portal_ticket_list
from servicedesk.tickets import services
from servicedesk.tickets.access import ticket_queryset_for
from servicedesk.tickets.search import query_words, ticket_search
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


@pytest.fixture
def tickets(world):
    world.org.name = "Acme Alimentos S.A."
    world.org.save()
    world.customer.first_name, world.customer.last_name = "Joana", "Prado"
    world.customer.save()
    payroll = world.open_problem(title="Folha não calcula horas extras")
    services.ticket_comment_add(
        ticket=payroll, author=world.customer, body="Acontece também na folha de dezembro.", now=T0 + H
    )
    services.ticket_comment_add(
        ticket=payroll,
        author=world.analyst,
        body="Suspeita: parâmetro sigiloso do sindicato.",
        internal=True,
        now=T0 + 2 * H,
    )
    vacation = world.open_question(title="Como programar férias coletivas?")
    elsewhere = world.open_problem(requester=world.other_customer, title="Folha não calcula horas extras")
    return {"payroll": payroll, "vacation": vacation, "elsewhere": elsewhere}


def _found(user, query, *, staff):
    """The tickets found; the form lists count with (`for_count`, a join on SQLite) finds the same."""
    listed, counted = (
        set(
            ticket_search(ticket_queryset_for(user), query=query, staff=staff, for_count=form).values_list(
                "pk", flat=True
            )
        )
        for form in (False, True)
    )
    assert counted == listed
    return listed


@pytest.mark.parametrize(
    "query",
    [
        "horas extras dezembro",  # title, title, public message
        "dezembro EXTRAS horas",  # any order, any case
        "nao calcula",  # accents ignored
        "hora extra",  # word prefixes
    ],
)
def test_every_word_finds_the_ticket_on_any_field(world, tickets, query):
    assert _found(world.customer, query, staff=False) == {tickets["payroll"].pk}
    assert tickets["payroll"].pk in _found(world.analyst, query, staff=True)


@pytest.mark.parametrize("query", ["acme", "Acme Alimentos", "joana prado", "joana folha"])
def test_the_organization_and_the_requester_find_their_tickets(world, tickets, query):
    # Both of Acme's tickets were opened by Joana; "folha" narrows to the payroll one.
    expected = {tickets["payroll"].pk} if "folha" in query else {tickets["payroll"].pk, tickets["vacation"].pk}
    assert _found(world.customer, query, staff=False) == expected
    assert _found(world.analyst, query, staff=True) == expected  # the other organization is not Acme


def test_all_words_must_be_there(world, tickets):
    assert _found(world.customer, "horas férias", staff=False) == set()
    assert _found(world.customer, "férias coletivas", staff=False) == {tickets["vacation"].pk}


def test_internal_notes_are_searched_for_staff_only(world, tickets):
    assert _found(world.analyst, "sigiloso sindicato", staff=True) == {tickets["payroll"].pk}
    assert _found(world.customer, "sigiloso", staff=False) == set()


def test_a_customer_never_finds_another_organizations_ticket(world, tickets):
    assert tickets["elsewhere"].pk not in _found(world.customer, "horas extras", staff=False)
    assert tickets["elsewhere"].pk not in _found(world.customer, f"#{tickets['elsewhere'].pk}", staff=False)
    assert tickets["elsewhere"].pk in _found(world.analyst, "horas extras", staff=True)


def test_the_ticket_whose_number_is_typed_comes_first_on_every_list(world, tickets):
    number = tickets["vacation"].pk
    rows = list(queue_tickets(user=world.analyst, filters=QueueFilters(queue="all", q=f"#{number}")))
    assert rows[0].pk == number
    assert portal_ticket_list(user=world.customer, state="todos", query=str(number)).first().pk == number
    items, _ = ticket_list(user=world.customer, text=f"#{number}")
    assert number in {t.pk for t in items}


def test_the_three_channels_use_the_same_search(world, tickets):
    payroll = tickets["payroll"].pk
    console = {t.pk for t in queue_tickets(user=world.analyst, filters=QueueFilters(queue="all", q="dezembro horas"))}
    portal = {t.pk for t in portal_ticket_list(user=world.customer, state="todos", query="dezembro horas")}
    api, _ = ticket_list(user=world.customer, text="dezembro horas")
    assert console == portal == {t.pk for t in api} == {payroll}


def test_a_new_message_is_found_at_once(world, tickets):
    ticket = tickets["vacation"]
    assert _found(world.customer, "janeiro", staff=False) == set()
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Podemos programar para janeiro.", now=T0 + H)
    assert _found(world.customer, "janeiro", staff=False) == {ticket.pk}


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE tickets_ticket; --", '"horas" OR 1=1', "NEAR(a b)", "a*", "\x00", "%_"]
)
def test_any_text_is_reduced_to_words_and_never_breaks_the_query(world, tickets, query):
    found = _found(world.customer, query, staff=False)
    assert found <= {tickets["payroll"].pk, tickets["vacation"].pk}


def test_query_words():
    assert query_words("Horas-extras, DEZEMBRO! #12 ação_x") == ["horas", "extras", "dezembro", "12", "ação", "x"]


@pytest.mark.parametrize("query", ["acm", "colet", "program fer"])
def test_a_word_is_also_the_beginning_of_a_word_as_typed(world, tickets, query):
    """Typing the start of a word finds it ("acm" → Acme, "colet" → coletivas), on both databases."""
    found = _found(world.customer, query, staff=False)
    assert tickets["vacation"].pk in found
    if query != "acm":
        assert found == {tickets["vacation"].pk}
