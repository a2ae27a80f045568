"""Paused time by pausing status (reports.pauses), worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from servicedesk.accounts.models import Role
from servicedesk.reports.pauses import paused_by_status
from servicedesk.reports.selectors import Period
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import StaffFactory, TeamFactory, sp

H = 3600
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))


@pytest.fixture
def breached_while_waiting(world):
    # PREMIUM Crítica opened Tue 01/12 10:00: solution (8 h) due Wed 10:00. Staff ask the
    # customer Wed 11:00 (after the deadline: breached, the pause still counts). Nobody answers:
    # the closing is due 16 business hours later, Fri 04/12 11:00 (Wed 6 h, Thu 8 h, Fri 2 h).
    ticket = world.open_problem(requester=world.premium_customer, severity="Crítica", now=sp(2026, 12, 1, 10))
    services.ticket_assign(ticket=ticket, actor=world.manager, now=sp(2026, 12, 1, 10, 5), assignee=world.analyst)
    ticket.refresh_from_db()
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=sp(2026, 12, 2, 11), note="Envie o log.")
    return ticket


def test_a_pause_ends_at_the_automatic_closing_even_before_the_sweep_records_it(world, breached_while_waiting):
    admin = StaffFactory(username="admin", role=Role.ADMIN)
    # Mon 07/12 12:00, the sweep has not run: the ticket still reads AGUARDANDO CLIENTE, but its
    # clock stopped at the closing (Fri 11:00) — 16 h paused, not the 25 h up to now.
    rows = paused_by_status(user=admin, period=DECEMBER, now=sp(2026, 12, 7, 12), group_by=("plan", "severity"))
    assert [(r.keys, r.clocks, r.seconds) for r in rows] == [
        (
            {"plan": "PREMIUM", "severity": "Crítica"},
            1,
            {"AGUARDANDO CLIENTE": 16 * H, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
        )
    ]


def test_a_pause_still_running_counts_up_to_now(world, breached_while_waiting):
    admin = StaffFactory(username="admin", role=Role.ADMIN)
    # Thu 03/12 15:00: Wed 11–13, 14–18 (6 h) + Thu 09–13, 14–15 (5 h) = 11 h
    (row,) = paused_by_status(user=admin, period=DECEMBER, now=sp(2026, 12, 3, 15))
    assert (row.clocks, row.seconds["AGUARDANDO CLIENTE"], row.total) == (1, 11 * H, 11 * H)


def test_a_manager_sees_only_her_teams_pauses(world, breached_while_waiting):
    other_manager = StaffFactory(username="outro.gestor", role=Role.MANAGER)
    TeamFactory(name="Suporte B").managers.add(other_manager)
    now = sp(2026, 12, 3, 15)
    assert paused_by_status(user=other_manager, period=DECEMBER, now=now) == []
    (row,) = paused_by_status(user=world.manager, period=DECEMBER, now=now)
    assert row.seconds["AGUARDANDO CLIENTE"] == 11 * H


def test_the_dashboard_table_chart_and_csv_of_paused_time(world, client, breached_while_waiting, monkeypatch):
    from servicedesk.core import clock

    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 3, 15))
    client.force_login(world.manager)
    params = {"de": "2026-12", "ate": "2026-12", "agrupar": "plan,severity"}
    html = client.get("/console/relatorios/", params).content.decode()
    table = html.split('id="paused-table"')[1].split("</table>")[0]
    assert '<th scope="row">PREMIUM</th><th scope="row">Crítica</th><td>1</td><td>11,0 h</td>' in table
    assert "chart-stacked" in html and "PREMIUM · Crítica · AGUARDANDO CLIENTE: 11,0 h" in html
    csv = client.get("/console/relatorios/", {**params, "formato": "csv", "tabela": "pausas"})
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "Plano;Severidade;Relógios de solução;AGUARDANDO CLIENTE (h úteis);SERVIÇOS (h úteis);"
        "COM-PROPOSTA (h úteis);SERV-ASSESSORIA (h úteis);Total pausado (h úteis)",
        "PREMIUM;Crítica;1;11,00;0,00;0,00;0,00;11,00",
    ]
