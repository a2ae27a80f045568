"""The dashboard's "now" figures (open, at risk, breached), the analysts' load and the backlog
ageing: every count drills down to a queue listing exactly its tickets, with the form's filters
and the reports' scope; the exports of those tables. Expected values worked out by hand."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.services.alerts import ticket_sla_alerts
from servicedesk.tickets.tests.factories import T0, StaffFactory, TeamFactory, sp

H = timedelta(hours=1)
URL = "/console/relatorios/"
NOW = sp(2026, 12, 3, 12)  # Thursday noon
PARAMS = {"de": "2026-12", "ate": "2026-12", "agrupar": "plan,severity"}


@pytest.fixture
def board(world, monkeypatch):
    """Opened Tue 1 Dec 10:00, read Thu 3 Dec 12:00 (business hours 9–13, 14–18: 7 h on Tuesday,
    8 h on Wednesday, 3 h on Thursday morning = 18 business hours elapsed).

    Team Suporte A:
    - `met`: STARTER Alta, Ana, answered at 11:00 (diagnosis met) — open, solution 20 days: fine.
    - `risky`: STARTER Alta, Ana, not answered — diagnosis 20 h, 18 h used (90 % ≥ 80 %): at risk.
    - `loose`: STARTER Alta, unassigned, not answered — at risk as well.
    - `late`: PREMIUM Crítica, Bruno — diagnosis 6 h, due Tue 17:00: breached.
    Team Suporte B: `theirs`, STARTER Alta, unassigned, not answered — at risk (another team).
    """
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr("servicedesk.core.clock.now", lambda: NOW)
    admin = StaffFactory(username="chefe", role=Role.ADMIN)
    world.analyst.first_name = "Ana"
    world.analyst.save(update_fields=["first_name"])
    bruno = StaffFactory(username="bruno", first_name="Bruno", teams=[world.team])
    met = world.open_problem(severity="Alta")
    services.ticket_assign(ticket=met, actor=admin, now=T0, assignee=world.analyst)
    services.ticket_comment_add(ticket=met, author=world.analyst, body="Analisando.", now=T0 + H)
    risky = world.open_problem(severity="Alta")
    services.ticket_assign(ticket=risky, actor=admin, now=T0, assignee=world.analyst)
    loose = world.open_problem(severity="Alta")
    late = world.open_problem(requester=world.premium_customer, severity="Crítica")
    services.ticket_assign(ticket=late, actor=admin, now=T0, assignee=bruno)
    theirs = world.open_problem(severity="Alta")
    services.ticket_assign(ticket=theirs, actor=admin, now=T0, assignee=None, team=TeamFactory(name="Suporte B"))
    for ticket in (met, risky, loose, late, theirs):
        ticket_sla_alerts(ticket_id=ticket.pk, now=NOW)  # the sweep: the stored flags as of now
    return {
        "admin": admin,
        "bruno": bruno,
        "met": met,
        "risky": risky,
        "loose": loose,
        "late": late,
        "theirs": theirs,
    }


def _figure_link(html: str, name: str) -> tuple[str, int]:
    url, number = re.search(rf'<a class="num" href="([^"]+)" data-figure="{name}">(\d+)</a>', html).groups()
    return unescape(url), int(number)


def _load_links(html: str) -> dict[tuple[str, str], tuple[str, int]]:
    """(analyst name, "open"|"at_risk"|"breached") → (url, number) of the load table."""
    table = html.split('id="load-table"')[1].split("</table>")[0]
    out = {}
    for name, cells in re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", table):
        for url, kind, number in re.findall(r'<a href="([^"]+)" data-load="(\w+)">(\d+)</a>', cells):
            out[name, kind] = (unescape(url), int(number))
    return out


def _listed(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return set(map(int, re.findall(r'data-ticket="(\d+)"', response.content.decode())))


def test_the_now_figures_drill_down_to_exactly_their_tickets(world, client, board):
    client.force_login(world.manager)
    html = client.get(URL, PARAMS).content.decode()
    expected = {
        "open-now": {board["met"].pk, board["risky"].pk, board["loose"].pk, board["late"].pk},
        "at-risk-now": {board["risky"].pk, board["loose"].pk},
        "breached-now": {board["late"].pk},
    }
    for name, tickets in expected.items():
        url, number = _figure_link(html, name)
        assert number == len(tickets), name
        assert _listed(client, url) == tickets, name  # never the other team's `theirs`
    # the administrator sees the other team's at-risk ticket too, in the figure and its list
    client.force_login(board["admin"])
    url, number = _figure_link(client.get(URL, PARAMS).content.decode(), "at-risk-now")
    assert number == 3
    assert _listed(client, url) == {board["risky"].pk, board["loose"].pk, board["theirs"].pk}


def test_the_now_figures_carry_the_forms_filters(world, client, board):
    client.force_login(world.manager)
    html = client.get(URL, {**PARAMS, "severity": "Alta"}).content.decode()
    url, number = _figure_link(html, "open-now")
    assert number == 3 and "severity=Alta" in url
    assert _listed(client, url) == {board["met"].pk, board["risky"].pk, board["loose"].pk}
    url, number = _figure_link(client.get(URL, {**PARAMS, "plan": "PREMIUM"}).content.decode(), "at-risk-now")
    assert number == 0 and "plan=PREMIUM" in url
    assert _listed(client, url) == set()


def test_a_filter_remembered_in_the_queue_never_narrows_a_drilldown(world, client, board):
    client.force_login(world.manager)
    client.get("/console/", {"severity": "Crítica", "q": "nada disso"})  # remembered in the session
    url, number = _figure_link(client.get(URL, PARAMS).content.decode(), "open-now")
    assert number == 4
    assert _listed(client, url) == {board["met"].pk, board["risky"].pk, board["loose"].pk, board["late"].pk}


def test_the_analysts_load_and_its_links(world, client, board):
    client.force_login(world.manager)
    links = _load_links(client.get(URL, PARAMS).content.decode())
    expected = {
        ("Ana", "open"): {board["met"].pk, board["risky"].pk},
        ("Ana", "at_risk"): {board["risky"].pk},
        ("Ana", "breached"): set(),
        ("Bruno", "open"): {board["late"].pk},
        ("Bruno", "at_risk"): set(),
        ("Bruno", "breached"): {board["late"].pk},
        ("Sem responsável", "open"): {board["loose"].pk},  # assignee=none, never every ticket
        ("Sem responsável", "at_risk"): {board["loose"].pk},
        ("Sem responsável", "breached"): set(),
    }
    assert set(links) == set(expected)
    for key, tickets in expected.items():
        url, number = links[key]
        assert number == len(tickets), key
        assert _listed(client, url) == tickets, key
    assert "assignee=none" in links["Sem responsável", "open"][0]


def test_the_analysts_load_carries_the_forms_filters(world, client, board):
    client.force_login(world.manager)
    links = _load_links(client.get(URL, {**PARAMS, "plan": "PREMIUM"}).content.decode())
    assert set(links) == {("Bruno", "open"), ("Bruno", "at_risk"), ("Bruno", "breached")}
    url, number = links["Bruno", "open"]
    assert number == 1 and "plan=PREMIUM" in url
    assert _listed(client, url) == {board["late"].pk}


def _csv(client, table: str, **params) -> list[str]:
    response = client.get(URL, {**PARAMS, **params, "formato": "csv", "tabela": table})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"-{table}.csv" in response["Content-Disposition"]
    return response.content.decode("utf-8-sig").splitlines()


def test_the_load_export_is_scoped(world, client, board):
    client.force_login(world.manager)
    lines = _csv(client, "carga")
    assert lines[0] == "Analista;Abertos;Em risco;Violados"
    assert sorted(lines[1:]) == ["Ana;2;1;0", "Bruno;1;0;1", "Sem responsável;1;1;0"]
    client.force_login(board["admin"])  # plus the other team's unassigned ticket
    assert sorted(_csv(client, "carga")[1:]) == ["Ana;2;1;0", "Bruno;1;0;1", "Sem responsável;2;2;0"]
    client.force_login(world.analyst)  # an analyst: his own tickets only
    assert _csv(client, "carga")[1:] == ["Ana;2;1;0"]


def test_the_xlsx_has_a_sheet_per_table(world, client, board):
    import io

    import openpyxl

    client.force_login(world.manager)
    book = openpyxl.load_workbook(io.BytesIO(client.get(URL, {**PARAMS, "formato": "xlsx"}).content))
    assert book.sheetnames == [
        "Cumprimento do SLA",
        "Tempo pausado",
        "Assessoria faturada",
        "Carga por analista",
        "Idade do backlog",
        "Satisfação",
        "Reclassificações",
    ]
    load = sorted(book["Carga por analista"].iter_rows(min_row=2, values_only=True))
    assert load == [("Ana", 2, 1, 0), ("Bruno", 1, 0, 1), ("Sem responsável", 1, 1, 0)]


# --------------------------------------------------------------------------- backlog ageing


@pytest.fixture
def aged(world, monkeypatch):
    """Read Thu 3 Dec 12:00. Suporte A: opened Thu 3 Dec 11:00 (1 h: "até 1 dia"), Wed 2 Dec 12:00
    (exactly 1 day: "1–3 dias"), Tue 1 Dec 10:00 (2 days 2 h: "1–3 dias"), Mon 30 Nov 10:00
    (3 days 2 h: "3–7 dias"), Fri 20 Nov 10:00 (13 days: "7–15 dias"), Thu 1 Oct 10:00 (63 days:
    "mais de 30 dias"); Fri 20 Nov again but cancelled (not open: never counted). Suporte B:
    another 1 Oct ticket (another team's)."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    admin = StaffFactory(username="chefe", role=Role.ADMIN)
    for opened in (sp(2026, 12, 3, 11), sp(2026, 12, 2, 12), T0, sp(2026, 11, 30, 10), sp(2026, 11, 20, 10)):
        world.open_problem(severity="Baixa", now=opened)
    world.open_problem(severity="Baixa", now=sp(2026, 10, 1, 10))
    cancelled = world.open_problem(severity="Baixa", now=sp(2026, 11, 20, 10))
    services.ticket_cancel(ticket=cancelled, actor=admin, now=sp(2026, 11, 21, 10), reason="Duplicado.")
    theirs = world.open_problem(severity="Baixa", now=sp(2026, 10, 1, 10))
    services.ticket_assign(
        ticket=theirs, actor=admin, now=sp(2026, 10, 1, 11), assignee=None, team=TeamFactory(name="Suporte B")
    )
    return admin


def test_backlog_ageing_buckets(world, client, aged):
    client.force_login(world.manager)
    html = client.get(URL, PARAMS).content.decode()
    ages = [int(n) for n in re.findall(r'<td data-age="\d">(\d+)</td>', html)]
    assert ages == [1, 2, 1, 1, 0, 1]
    lines = _csv(client, "idades")
    assert lines == [
        "Idade do chamado aberto;Chamados",
        "até 1 dia;1",
        "1–3 dias;2",
        "3–7 dias;1",
        "7–15 dias;1",
        "15–30 dias;0",
        "mais de 30 dias;1",
    ]
    client.force_login(aged)  # the administrator: the other team's October ticket as well
    assert _csv(client, "idades")[-1] == "mais de 30 dias;2"


def _compliance_rows(html: str) -> dict[str, list[tuple[str | None, int]]]:
    """Row name → its four met/breached cells as (link or None, number)."""
    table = html.split('id="compliance-table"')[1].split("</table>")[0].split("<tbody>")[1]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        name = re.search(r'<th scope="row">([^<]+)</th>', row).group(1)
        cells = []
        for cell in re.findall(r"<td>(.*?)</td>", row)[:2] + re.findall(r"<td>(.*?)</td>", row)[5:7]:
            link = re.fullmatch(r'<a href="([^"]+)" data-outcome="\w+">(\d+)</a>', cell)
            cells.append((unescape(link.group(1)), int(link.group(2))) if link else (None, int(cell)))
        out[name] = cells
    return out


def test_rows_without_an_analyst_or_a_team_link_right_or_not_at_all(world, client, board):
    """An unassigned STARTER Crítica with no team (routing always gives one: an old ticket, say,
    whose team was removed): diagnosis 10 h due Wed 12:00, breached on Thursday (the
    administrator sees it)."""
    from servicedesk.tickets.models import Ticket

    orphan = world.open_problem(severity="Crítica")
    Ticket.objects.filter(pk=orphan.pk).update(team=None)
    ticket_sla_alerts(ticket_id=orphan.pk, now=NOW)
    client.force_login(board["admin"])
    rows = _compliance_rows(client.get(URL, {**PARAMS, "agrupar": "analyst"}).content.decode())
    # Ana: 1 diagnosis met; Bruno: the PREMIUM Crítica's diagnosis and solution breached;
    # nobody: the orphan's diagnosis breached — its list is the unassigned ones, never all
    assert {name: [n for _url, n in cells] for name, cells in rows.items()} == {
        "Ana": [1, 0, 0, 0],
        "Bruno": [0, 1, 0, 1],
        "Sem responsável": [0, 1, 0, 0],
    }
    url, number = rows["Sem responsável"][1]
    assert number == 1 and "assignee=none" in url and _listed(client, url) == {orphan.pk}
    assert _listed(client, rows["Bruno"][1][0]) == {board["late"].pk}
    rows = _compliance_rows(client.get(URL, {**PARAMS, "agrupar": "team"}).content.decode())
    assert {name: [n for _url, n in cells] for name, cells in rows.items()} == {
        "Suporte A": [1, 1, 0, 1],
        "Sem equipe": [0, 1, 0, 0],
    }
    assert all(url is None for url, _n in rows["Sem equipe"])  # the queue has no "no team" filter
    assert _listed(client, rows["Suporte A"][1][0]) == {board["late"].pk}
