"""The console on the ticket seam (issue 7): the queue order with paused tickets (written in
docs/architecture.md), bad query parameters that must never reach the database, and a back
office that cannot rewrite the conversation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from servicedesk.console.selectors import QueueFilters, queue_tickets
from servicedesk.tickets import services
from servicedesk.tickets.models import Comment
from servicedesk.tickets.tests.factories import T0, sp

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


def test_the_queue_lists_running_deadlines_then_paused_tickets_by_time_left(world):
    # STARTER, all opened Tue 1 Dec 10:00 unless said otherwise.
    late = world.open_problem(severity="Alta", now=sp(2026, 11, 26, 10), title="F")
    # Opened Thu 26 Nov: diagnosis 20 h → Thu 7 h + Fri 8 h + Mon 30 Nov 09–13, 14–15 → Mon 15:00;
    # paused Tue 1 Dec 10:00, after it: still breached at Mon 15:00 — the top of the queue.
    services.ticket_transition(ticket=late, to="SERVIÇOS", actor=world.analyst, now=T0)
    world.open_problem(severity="Crítica", title="B")  # 10 h → Wed 2 Dec 12:00
    world.open_problem(severity="Alta", title="A")  # 20 h → Thu 3 Dec 15:00
    # Opened first, yet listed after C: it has more business time left (39 h against 19 h).
    paused_later = world.open_problem(severity="Baixa", title="D")
    services.ticket_transition(ticket=paused_later, to="SERVIÇOS", actor=world.analyst, now=T0 + H)
    paused_soon = world.open_problem(severity="Alta", title="C")
    services.ticket_transition(ticket=paused_soon, to="SERVIÇOS", actor=world.analyst, now=T0 + H)
    resolved = world.open_problem(severity="Alta", title="E")
    services.ticket_resolve(ticket=resolved, actor=world.analyst, now=T0 + H, note="Feito.")

    rows = list(queue_tickets(user=world.analyst, filters=QueueFilters(queue="open", sort="due")))
    assert [t.title for t in rows] == ["F", "B", "A", "C", "D", "E"]
    assert (rows[0].next_due_at, rows[1].next_due_at, rows[2].next_due_at) == (
        sp(2026, 11, 30, 15),
        sp(2026, 12, 2, 12),
        sp(2026, 12, 3, 15),
    )
    assert [rows[3].sla_paused_left, rows[4].sla_paused_left] == [19 * 3600 * 10**6, 39 * 3600 * 10**6]


@pytest.mark.parametrize(
    "query",
    [
        "page=9999999999999999999999999",
        "page=-1",
        "organization=9999999999999999999999999",
        "assignee=9999999999999999999999999",
        "module=99999999999999999999",
        "q=%2399999999999999999999999",
        "q=a%00b",
    ],
)
def test_nonsense_queue_parameters_are_ignored_not_a_500(as_user, query):
    response = as_user("ana.analista").get(f"/console/?{query}")
    assert response.status_code == 200
    assert "Todos os abertos" in response.content.decode()


@pytest.mark.parametrize("query", ["q=a%00b", "q=%2399999999999999999999999", "pagina=99999999999999999999"])
def test_nonsense_portal_search_is_ignored_not_a_500(demo, query):
    client = Client()
    client.force_login(demo["joana.acme"])
    response = client.get(f"/chamados/?{query}")
    assert response.status_code == 200


def test_the_back_office_cannot_rewrite_publish_or_delete_a_message(demo, admin_client, problem):
    note = services.ticket_comment_add(
        ticket=problem, author=demo["ana.analista"], body="Cliente difícil.", internal=True, now=problem.opened_at + H
    )
    url = f"/admin/tickets/comment/{note.pk}/"
    assert admin_client.get(url + "change/").status_code == 200  # it can be read
    edited = admin_client.post(url + "change/", {"body": "Publicado.", "ticket": problem.pk, "_save": "Salvar"})
    assert edited.status_code == 403
    assert admin_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    note.refresh_from_db()
    assert (note.body, note.is_internal) == ("Cliente difícil.", True)
    assert Comment.objects.filter(pk=note.pk).exists()
