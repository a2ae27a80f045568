"""The portal home (issue 8): the tickets that wait for the customer first, counters that link to
the matching filtered list, a table that stays readable, a constant number of queries."""

from __future__ import annotations

import re
from html import unescape

import pytest

from servicedesk.core import clock
from servicedesk.portal import selectors
from servicedesk.portal.tests.conftest import open_problem
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _ask(ticket: Ticket, analyst) -> Ticket:
    services.ticket_ask_customer(ticket=ticket, actor=analyst, now=clock.now(), note="Envie o log do cálculo.")
    return Ticket.objects.get(pk=ticket.pk)


def _resolve(ticket: Ticket, analyst) -> Ticket:
    services.ticket_resolve(ticket=ticket, actor=analyst, now=clock.now(), note="Corrigido no patch.")
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def mixed(demo, folha):
    """Acme's open tickets: two that need Joana's organization and two that need the team."""
    joana, ana = demo["joana.acme"], demo["ana.analista"]
    critical = open_problem(joana, folha, title="Folha parada", severity="Crítica")  # nearest SLA deadline
    normal = open_problem(joana, folha, title="Relatório lento", severity="Baixa")
    waiting = _ask(open_problem(joana, folha, title="Aguardando o log", severity="Baixa"), ana)
    resolved = _resolve(open_problem(joana, folha, title="Resolvido, a confirmar", severity="Baixa"), ana)
    return {"critical": critical, "normal": normal, "waiting": waiting, "resolved": resolved}


def test_the_tickets_waiting_for_the_customer_come_first_then_the_current_order(demo, mixed):
    rows = selectors.portal_open_tickets(user=demo["joana.acme"], limit=50)
    assert [t.needs_customer for t in rows] == sorted(t.needs_customer for t in rows)
    rows = [t for t in rows if t.pk in {ticket.pk for ticket in mixed.values()}]  # the demo has tickets too
    # AGUARDANDO CLIENTE and RESOLVIDO first (the automatic closing nearest first: the one asked
    # first closes first), then the others by the nearest SLA deadline, as before.
    assert [t.pk for t in rows[:2]] == sorted(
        [mixed["waiting"].pk, mixed["resolved"].pk], key=lambda pk: Ticket.objects.get(pk=pk).auto_close_at
    )
    assert [t.pk for t in rows[2:]] == [mixed["critical"].pk, mixed["normal"].pk]
    assert [t.needs_customer for t in rows] == [0, 0, 1, 1]


def test_the_home_page_shows_that_order_and_says_what_is_expected(demo, login, mixed):
    body = login(demo["joana.acme"]).get("/").content.decode()
    positions = [body.index(f'href="/chamados/{mixed[name].pk}/"') for name in ("waiting", "resolved", "critical")]
    assert positions[0] < positions[2] and positions[1] < positions[2]
    assert body.count('class="needs-customer"') == 2
    assert "Responda à equipe" in body and "Confirme a solução" in body


def _counter_links(body: str) -> dict[str, str]:
    nav = body[body.index('class="stat-row portal-stats"') :]
    nav = nav[: nav.index("</nav>")]
    links = re.findall(r'href="([^"]+)"><span class="num">(\d+)</span><span class="lbl">([^<]+)</span>', nav)
    return {label: (unescape(href), int(number)) for href, number, label in links}


def test_the_counters_link_to_the_matching_filtered_list(demo, login, mixed):
    client = login(demo["joana.acme"])
    counters = _counter_links(client.get("/").content.decode())
    assert set(counters) == {"em aberto", "aguardando vocês", "resolvidos, a confirmar"}
    open_tickets = Ticket.objects.filter(organization=demo["joana.acme"].organization).exclude(
        status__in=["ENCERRADO", "CANCELADO"]
    )
    assert [n for _href, n in counters.values()] == [
        open_tickets.count(),
        open_tickets.filter(status="AGUARDANDO CLIENTE").count(),
        open_tickets.filter(status="RESOLVIDO").count(),
    ]
    expected_status = {
        "em aberto": None,
        "aguardando vocês": "AGUARDANDO CLIENTE",
        "resolvidos, a confirmar": "RESOLVIDO",
    }
    for label, (href, number) in counters.items():
        assert href.startswith("/chamados/?"), href
        page = client.get(href).context["page"]
        listed = list(page.object_list)
        assert page.total == number, label
        if expected_status[label]:
            assert {t.status for t in listed} == {expected_status[label]}, label
        assert all(t.is_open for t in listed)


def test_the_status_filter_of_the_list_keeps_other_organizations_out(demo, login, mixed, horizonte_ticket):
    _ask(horizonte_ticket, demo["ana.analista"])
    page = login(demo["joana.acme"]).get("/chamados/", {"estado": "abertos", "status": "AGUARDANDO CLIENTE"})
    assert [t.pk for t in page.context["page"].object_list] == [mixed["waiting"].pk]


def test_the_table_stays_readable(demo, login, mixed):
    """Long pills wrap inside their column (the CSS of the portal section) and the date keeps
    its day and time together: the classes the rules hang on are on every row."""
    body = login(demo["joana.acme"]).get("/").content.decode()
    table = body[body.index('<table class="table responsive portal-tickets">') : body.index("</table>")]
    rows = table.count("<tr") - 1  # the header row
    assert rows >= 4
    assert table.count('<td data-label="Status" class="col-status">') == rows
    assert table.count('class="small col-date"') == rows
    assert table.count('<span class="nowrap">') == 2 * rows  # dd/mm/aaaa and HH:MM, each unbroken
    with open("static/css/app.css", encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert ".portal-tickets .badge { white-space: normal;" in css


def test_the_home_query_count_stays_constant_with_waiting_tickets(
    demo, login, folha, mixed, django_assert_max_num_queries
):
    joana, ana = demo["joana.acme"], demo["ana.analista"]
    for i in range(10):
        ticket = open_problem(joana, folha, title=f"Mais um {i}")
        if i % 2:
            _ask(ticket, ana)
    client = login(joana)
    client.get("/")  # warm the calendar cache of this process
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/", HTTP_HX_REQUEST="true").status_code == 200


def test_the_htmx_refresh_carries_the_counters_too(demo, login, mixed):
    body = login(demo["joana.acme"]).get("/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body
    assert "aguardando vocês" in body and f"/chamados/{mixed['waiting'].pk}/" in body


def test_the_home_fills_its_limit_with_the_waiting_tickets_first(demo, mixed):
    """Two reads: the waiting tickets (closing nearest first) and, for the room they leave, the
    others in the queue's order — never more than the limit, never a waiting ticket after another."""
    joana = demo["joana.acme"]
    waiting = Ticket.objects.filter(organization=joana.organization, status__in=["AGUARDANDO CLIENTE", "RESOLVIDO"])
    expected_first = list(waiting.order_by("auto_close_at", "id").values_list("pk", flat=True))
    assert len(expected_first) >= 2
    rows = selectors.portal_open_tickets(user=joana, limit=len(expected_first) + 1)
    assert [t.pk for t in rows[:-1]] == expected_first
    assert rows[-1].status not in ("AGUARDANDO CLIENTE", "RESOLVIDO") and rows[-1].needs_customer == 1
    only_waiting = selectors.portal_open_tickets(user=joana, limit=1)
    assert [t.pk for t in only_waiting] == expected_first[:1]
