"""The queues: contents, sorting, filters (remembered), search, htmx partials and query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [ticket.pk for ticket in response.context["page"].tickets]


def test_the_default_queue_lists_open_tickets_sorted_by_the_nearest_sla_deadline(as_user, demo, open_tickets):
    open_tickets(3)
    response = as_user("ana.analista").get("/console/")
    assert response.status_code == 200
    rows = response.context["page"].tickets
    dues = [t.next_due_at for t in rows]
    assert len(rows) == Ticket.objects.exclude(status__in=["ENCERRADO", "CANCELADO"]).count()
    assert dues == sorted(dues)


def test_tickets_without_a_deadline_come_last(as_user, demo, open_tickets, problem):
    first, _second = open_tickets(2)
    services.ticket_resolve(ticket=first, actor=demo["ana.analista"], now=timezone.now(), note="Feito.")
    response = as_user("ana.analista").get("/console/?queue=open")
    ids = _ids(response)
    assert ids[-1] == first.pk  # RESOLVIDO: no running clock, no deadline


@pytest.mark.parametrize(
    ("queue", "expected"),
    [("mine", {"mine"}), ("unassigned", {"other", "problem"}), ("waiting", {"waiting"}), ("team", {"mine", "problem"})],
)
def test_each_queue_holds_its_tickets(as_user, demo, open_tickets, problem, queue, expected):
    ana = demo["ana.analista"]
    Ticket.objects.exclude(pk=problem.pk).delete()
    [mine] = open_tickets(1, assignee=ana, requester=demo["joana.acme"])  # Acme → team A
    [other] = open_tickets(1, requester=demo["rafael.horizonte"])  # Horizonte → team B, unassigned
    [waiting] = open_tickets(1, assignee=demo["carla.analista"], requester=demo["rafael.horizonte"])
    services.ticket_ask_customer(ticket=waiting, actor=demo["carla.analista"], now=timezone.now(), note="Qual tela?")
    names = {mine.pk: "mine", other.pk: "other", waiting.pk: "waiting", problem.pk: "problem"}
    response = as_user("ana.analista").get(f"/console/?queue={queue}")
    assert {names[pk] for pk in _ids(response)} == expected


def test_breached_and_at_risk_queues(as_user, demo, open_tickets):
    [late] = open_tickets(1, now=timezone.now() - timedelta(days=60))
    services.ticket_sla_alerts(ticket_id=late.pk, now=timezone.now())
    late.refresh_from_db()
    assert late.breached
    client = as_user("ana.analista")
    assert late.pk in _ids(client.get("/console/?queue=breached"))
    assert late.pk not in _ids(client.get("/console/?queue=at_risk"))
    counters = client.get("/console/?queue=open").context["counters"]
    assert counters["breached"] == 1


def test_filters_narrow_the_queue_and_search_looks_in_title_and_description(as_user, demo, open_tickets):
    open_tickets(4)
    [special] = open_tickets(1, title="Erro no cálculo do DSR", requester=demo["joana.acme"])
    client = as_user("ana.analista")
    acme = demo["joana.acme"].organization
    ids = _ids(client.get(f"/console/?queue=open&organization={acme.pk}&plan=STARTER&type=Dúvida"))
    assert special.pk in ids
    assert all(Ticket.objects.get(pk=pk).organization_id == acme.pk for pk in ids)
    assert _ids(client.get("/console/?queue=open&q=cálculo do dsr")) == [special.pk]
    assert _ids(client.get("/console/?queue=open&q=Descrição 3")) != []
    assert _ids(client.get(f"/console/?queue=all&q=%23{special.pk}")) == [special.pk]
    assert _ids(client.get("/console/?queue=open&plan=PREMIUM&organization=" + str(acme.pk))) == []
    assert _ids(client.get("/console/?queue=open&assignee=none&severity=Crítica")) == []


def test_filters_are_remembered_for_the_user_and_can_be_cleared(as_user, demo, open_tickets):
    open_tickets(2)
    client = as_user("ana.analista")
    client.get("/console/?queue=unassigned&plan=PREMIUM&sort=-opened")
    remembered = client.get("/console/").context["filters"]
    assert (remembered.queue, remembered.plan, remembered.sort) == ("unassigned", "PREMIUM", "-opened")
    cleared = client.get("/console/?limpar=1").context["filters"]
    assert (cleared.queue, cleared.plan) == ("open", "")
    assert client.get("/console/").context["filters"].plan == ""


def test_unknown_filter_values_are_ignored(as_user, demo):
    response = as_user("ana.analista").get("/console/?queue=drop&severity=<x>&module=abc&assignee=1;drop&sort=evil")
    filters = response.context["filters"]
    assert response.status_code == 200
    assert (filters.queue, filters.severity, filters.module, filters.assignee, filters.sort) == (
        "open",
        "",
        None,
        "",
        "due",
    )


def test_htmx_filter_changes_render_only_the_table(as_user, demo, open_tickets):
    open_tickets(2)
    response = as_user("ana.analista").get("/console/?queue=open&q=Dúvida", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "queue-table" in html


def test_pagination(as_user, demo, open_tickets):
    from servicedesk.console import selectors

    open_tickets(selectors.PAGE_SIZE + 3)
    client = as_user("ana.analista")
    first = client.get("/console/?queue=open")
    total = first.context["page"].total
    assert len(first.context["page"].tickets) == selectors.PAGE_SIZE
    second = client.get("/console/?queue=open&page=2")
    assert len(second.context["page"].tickets) == total - selectors.PAGE_SIZE
    assert not set(_ids(first)) & set(_ids(second))
    assert client.get("/console/?queue=open&page=99").context["page"].number == 1


def test_the_queue_renders_with_a_constant_number_of_queries(as_user, demo, open_tickets):
    client = as_user("ana.analista")
    analysts = [demo["ana.analista"], demo["carla.analista"], None]

    def measure() -> int:
        client.get("/console/?queue=open")  # the filters are remembered by the first request
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/console/?queue=open")
        assert response.status_code == 200
        return len(captured), len(response.context["page"].tickets)

    for assignee in analysts:
        open_tickets(1, assignee=assignee)
    small, rows_small = measure()
    for i in range(45):
        open_tickets(1, assignee=analysts[i % 3])
    large, rows_large = measure()
    assert rows_large > rows_small
    assert small == large
    assert large <= 10


def test_the_queue_stays_within_ten_queries_when_filters_change(
    as_user, demo, open_tickets, django_assert_max_num_queries
):
    open_tickets(5)
    client = as_user("ana.analista")
    with django_assert_max_num_queries(10):
        response = client.get("/console/?queue=team&severity=Normal&q=Dúvida")
    assert response.status_code == 200
    # Of the five Dúvidas, i = 1 and 3 are Acme's (team A, Ana's); Horizonte's go to team B.
    assert sorted(t.title for t in response.context["page"].tickets) == ["Dúvida 1", "Dúvida 3"]


def test_a_tab_keeps_the_remembered_filters_and_the_form_can_clear_one(as_user, demo):
    client = as_user("ana.analista")
    client.get("/console/?queue=open&plan=PREMIUM&severity=Alta")
    tab = client.get("/console/?queue=mine").context["filters"]
    assert (tab.queue, tab.plan, tab.severity) == ("mine", "PREMIUM", "Alta")
    cleared = client.get("/console/?queue=mine&plan=&severity=Alta").context["filters"]
    assert (cleared.plan, cleared.severity) == ("", "Alta")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's btree keeps NULLs last itself")
def test_the_default_order_reads_the_index_in_order_on_sqlite(demo, open_tickets):
    """SQLite keeps NULLs first in an ascending index, so `ASC NULLS LAST` sorted every open
    ticket for the 25 rows of the page (200 ms at 100,000 tickets). The order is written as
    (`x IS NULL`, `x`) over the expression index ticket_due_nulls_idx: no sort step."""
    from servicedesk.console.selectors import QueueFilters, queue_tickets

    open_tickets(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = queue_tickets(user=demo["ana.analista"], filters=QueueFilters(queue="open"))[:25].explain()
    assert "ticket_due_nulls_idx" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_a_broad_search_read_in_index_order_finds_the_same_page(demo, open_tickets, monkeypatch):
    """Past IN_ORDER_FROM matches the page is read in the order's index (tickets.search,
    `in_order`): the same tickets in the same order as the plan that starts from the matches."""
    from servicedesk.console.selectors import QueueFilters, queue_page, queue_tickets
    from servicedesk.tickets import search

    open_tickets(4)
    filters = QueueFilters(queue="open", q="Acme")
    from_matches = [t.pk for t in queue_tickets(user=demo["ana.analista"], filters=filters)]
    in_order = [t.pk for t in queue_tickets(user=demo["ana.analista"], filters=filters, many=True)]
    assert len(from_matches) >= 4 and in_order == from_matches
    monkeypatch.setattr(search, "IN_ORDER_FROM", 2)
    assert [t.pk for t in queue_page(user=demo["ana.analista"], filters=filters).tickets] == from_matches
    unrelated = QueueFilters(queue="open", q="inexistentezz")
    assert list(queue_tickets(user=demo["ana.analista"], filters=unrelated, many=True)) == []


def _word_lookups(queries) -> int:
    """How many statements looked the words up (the FTS5 table or the stored vectors)."""
    return sum("tickets_search_fts" in q["sql"] or "tickets_ticketsearch" in q["sql"] for q in queries)


def test_a_search_with_few_matches_looks_its_words_up_once(as_user, demo, open_tickets):
    """Up to IN_ORDER_FROM matches, the ids the count found are the page's candidates: the same
    page as the search itself gives, and the words are looked up once per page, not twice."""
    from servicedesk.console.selectors import QueueFilters, queue_tickets

    open_tickets(3, title="Holerite de dezembro {i}")
    open_tickets(2, title="Férias coletivas {i}")
    filters = QueueFilters(queue="open", q="holerite dezembro")
    expected = [t.pk for t in queue_tickets(user=demo["ana.analista"], filters=filters)]
    assert len(expected) == 3
    client = as_user("ana.analista")
    client.get("/console/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/console/?q=holerite+dezembro")
    assert _ids(response) == expected and response.context["page"].total == 3
    assert _word_lookups(queries.captured_queries) == 1


def test_a_ticket_number_found_by_its_ids_still_comes_first(as_user, demo, open_tickets):
    first, *_rest = open_tickets(3, title="Dúvida sobre o chamado {i}")
    with CaptureQueriesContext(connection) as queries:
        response = as_user("ana.analista").get(f"/console/?q={first.pk}")
    assert _ids(response)[0] == first.pk
    assert _word_lookups(queries.captured_queries) == 1
